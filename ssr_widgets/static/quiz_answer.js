// Click-to-answer for the nbgrader quiz: the learner's click is written into the notebook file.
//
// nbgrader autograde re-runs the notebook in a fresh kernel, so a widget's live value is lost.
// This widget therefore finds the quiz's answer cell (nbgrader grade_id, e.g. "answer_qNN"),
// rewrites its source to `answer_qNN = "B"` on the shared notebook model, and saves the
// notebook. On render it reads that cell and shows the recorded answer: the cell is the single
// source of truth, so answers survive kernel restarts, re-opening and hand-typed answers.
// Where no notebook context exists (another front end), it says so and the learner types.
// Needs the helpers of answer_cells.js, which Python prepends.

// The letters recorded in the cell. One-answer controls show nothing ticked unless the cell holds
// exactly one valid letter, as the trainer tools read it ("Yes" is not "Y").
function parseAnswer(source, answerId, letters, multiple) {
  const picked = answerValue(source, answerId).toUpperCase().replace(/[\s,;]/g, "").split("").filter((c) => c);
  if (!multiple && (picked.length !== 1 || !letters.includes(picked[0]))) return [];
  return letters.filter((l) => picked.includes(l));
}

function render({ model, el }) {
  const answerId = model.get("answer_id");
  const letters = model.get("letters");
  const texts = model.get("options");
  const multiple = model.get("multiple");
  const question = model.get("question_label");
  const context = notebookContext(model);

  const form = document.createElement("fieldset");
  form.className = "ssr-quiz-answer";
  keepKeysInWidget(form);
  form.style.border = "1px solid #888";
  form.style.padding = "0.5em 0.8em";
  const legend = document.createElement("legend");
  legend.textContent = say(model, "labelled", { label: question, text: say(model, multiple ? "choose_all" : "choose_one") });
  form.appendChild(legend);
  const promptText = model.get("prompt");
  if (promptText) {
    const prompt = document.createElement("p");
    prompt.id = `${answerId}-prompt-${Math.random().toString(36).slice(2)}`;
    prompt.textContent = promptText;
    prompt.style.margin = "0.2em 0 0.4em 0";
    form.appendChild(prompt);
    form.setAttribute("aria-describedby", prompt.id);
  }

  const inputs = [];
  const name = `${answerId}-${Math.random().toString(36).slice(2)}`;
  letters.forEach((letter, i) => {
    const label = document.createElement("label");
    label.style.display = "flex";
    label.style.alignItems = "flex-start";
    label.style.gap = "0.5em";
    label.style.margin = "0.3em 0";
    const input = document.createElement("input");
    input.type = multiple ? "checkbox" : "radio";
    input.name = name;
    input.value = letter;
    const span = document.createElement("span");
    span.textContent = `${letter}. ${texts[i] || ""}`;
    label.appendChild(input);
    label.appendChild(span);
    form.appendChild(label);
    inputs.push(input);
  });

  const status = document.createElement("p");
  status.className = "ssr-quiz-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  form.appendChild(status);
  el.appendChild(form);

  const show = (picked) => inputs.forEach((inp) => (inp.checked = picked.includes(inp.value)));
  const typed = (value) => `${answerId} = "${value}"`;

  if (!context) {
    status.textContent = say(model, "cannot_save", { letter: letters[0], example: typed(letters[0]) });
    inputs.forEach((inp) => (inp.disabled = true));
    return;
  }

  const cell = findAnswerCell(context, answerId);
  if (!cell) {
    status.textContent = say(model, "no_cell", { question });
    inputs.forEach((inp) => (inp.disabled = true));
    return;
  }
  const current = parseAnswer(cellSource(cell), answerId, letters, multiple);
  show(current);
  status.textContent = current.length
    ? say(model, "recorded", { letters: current.join(", ") })
    : say(model, "none_recorded");

  // Keep in step when the learner types in the answer cell instead of clicking.
  const onCellChange = () => show(parseAnswer(cellSource(cell), answerId, letters, multiple));
  if (cell.sharedModel && cell.sharedModel.changed) cell.sharedModel.changed.connect(onCellChange);

  const save = makeRecorder(context, cell);
  const record = () => {
    const picked = inputs.filter((inp) => inp.checked).map((inp) => inp.value);
    const value = picked.join("");
    status.textContent = say(model, "saving");
    save(typed(value))
      .then(() => {
        status.textContent = picked.length
          ? say(model, "saved", { letters: picked.join(", ") })
          : say(model, "saved_none");
        el.dataset.saved = value;
        el.dispatchEvent(new CustomEvent("ssr-answer-saved", { detail: value, bubbles: true }));
      })
      .catch((err) => {
        status.textContent = say(model, "not_saved", { error: err });
      });
  };
  inputs.forEach((inp) => inp.addEventListener("change", record));

  return () => {
    if (cell.sharedModel && cell.sharedModel.changed) cell.sharedModel.changed.disconnect(onCellChange);
  };
}

export default { render };
