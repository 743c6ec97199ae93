// An open comment for the course evaluation, written into the notebook file like a quiz answer.
//
// The text is stored as one line, `eval_improve = "<JSON string>"` (a JSON string is also a valid
// Python string literal), so the trainer tools can read it without running anything. Saving is an
// explicit button press (and happens when the box loses focus), so half-typed text is not saved
// on every key. Needs the helpers of answer_cells.js, which Python prepends.

function render({ model, el }) {
  const answerId = model.get("answer_id");
  const context = notebookContext(model);

  const box = document.createElement("div");
  box.className = "ssr-comment-box";
  keepKeysInWidget(box);
  const id = `${answerId}-${Math.random().toString(36).slice(2)}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.style.display = "block";
  label.style.fontWeight = "bold";
  label.textContent = say(model, "labelled", { label: model.get("label"), text: model.get("prompt") });
  const area = document.createElement("textarea");
  area.id = id;
  area.rows = 4;
  area.style.width = "100%";
  area.style.maxWidth = "50em";
  area.maxLength = model.get("max_length");
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = say(model, "save");
  button.className = "jupyter-button";
  const status = document.createElement("p");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  box.append(label, area, button, status);
  el.appendChild(box);

  if (!context) {
    status.textContent = say(model, "cannot_save", { example: `${answerId} = "..."` });
    area.disabled = true;
    button.disabled = true;
    return;
  }
  const cell = findAnswerCell(context, answerId);
  if (!cell) {
    status.textContent = say(model, "no_cell");
    area.disabled = true;
    button.disabled = true;
    return;
  }
  let saved = answerValue(cellSource(cell), answerId);
  area.value = saved;
  status.textContent = saved ? say(model, "is_saved") : say(model, "none_saved");

  const save = makeRecorder(context, cell);
  const record = () => {
    const text = area.value.trim();
    if (text === saved) return;
    status.textContent = say(model, "saving");
    save(`${answerId} = ${JSON.stringify(text)}`)
      .then(() => {
        saved = text;
        status.textContent = text ? say(model, "saved") : say(model, "saved_empty");
        el.dataset.saved = text;
        el.dispatchEvent(new CustomEvent("ssr-answer-saved", { detail: text, bubbles: true }));
      })
      .catch((err) => {
        status.textContent = say(model, "not_saved", { error: err });
      });
  };
  button.addEventListener("click", record);
  area.addEventListener("blur", record);
  area.addEventListener("input", () => {
    if (area.value.trim() !== saved) status.textContent = say(model, "unsaved", { button: say(model, "save") });
  });
}

export default { render };
