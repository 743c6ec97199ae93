// What is still missing in the course evaluation: a live list of the required answers not yet
// recorded in the notebook. It reads the notebook's cells (the same file the trainer collects) and
// updates whenever the notebook changes, whether the learner clicked or typed.
// Needs the helpers of answer_cells.js, which Python prepends.

function render({ model, el }) {
  const required = model.get("required");
  const context = notebookContext(model);
  const box = document.createElement("div");
  box.className = "ssr-evaluation-status";
  box.style.border = "1px solid #888";
  box.style.padding = "0.5em 0.8em";
  const heading = document.createElement("p");
  heading.style.fontWeight = "bold";
  heading.setAttribute("role", "status");
  heading.setAttribute("aria-live", "polite");
  const list = document.createElement("ul");
  box.append(heading, list);
  el.appendChild(box);

  if (!context) {
    heading.textContent = say(model, "cannot_check");
    return;
  }
  // The same rule as the trainer tools (ssr_widgets/evaluation.py): a rating or choice counts only
  // when it is exactly one of its letters; a comment counts when it is not blank. An item of the
  // list is the answer's label, followed by why the answer does not count when there is one.
  const problem = (r) => {
    const cell = findAnswerCell(context, r.var);
    const value = cell ? answerValue(cellSource(cell), r.var).trim() : "";
    if (!value) return { why: "" };
    if (r.letters.length && !r.letters.includes(value.toUpperCase())) {
      return { why: say(model, "invalid", { value, letters: r.letters.join(", ") }) };
    }
    return null;
  };
  const update = () => {
    const missing = required.map((r) => [r, problem(r)]).filter(([, why]) => why);
    list.replaceChildren(...missing.map(([r, why]) => {
      const li = document.createElement("li");
      li.textContent = why.why ? say(model, "labelled", { label: r.label, text: why.why }) : r.label;
      return li;
    }));
    const counts = { missing: missing.length, required: required.length };
    heading.textContent = missing.length ? say(model, "still_missing", counts) : say(model, "complete", counts);
    el.dataset.missing = String(missing.length);
  };
  update();
  const changed = context.model.contentChanged;
  if (changed) changed.connect(update);
  return () => {
    if (changed) changed.disconnect(update);
  };
}

export default { render };
