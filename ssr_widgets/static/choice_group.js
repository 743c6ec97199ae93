// A self-check question's options as a real group (see ssr_widgets/_choices.py): a fieldset whose
// legend names the question, native radio buttons sharing one name (Tab reaches the group once,
// arrow keys move and choose) or checkboxes (Space ticks), each tied to its text by its <label>.
// The chosen option ids are the widget's value, kept in step both ways with Python (see record).

function render({ model, el }) {
  const form = document.createElement("fieldset");
  form.className = "ssr-choice-group";
  const legend = document.createElement("legend");
  legend.textContent = model.get("legend");
  form.appendChild(legend);

  const multiple = model.get("multiple");
  const name = `ssr-choice-${Math.random().toString(36).slice(2)}`;
  const inputs = model.get("options").map(([text, id]) => {
    const label = document.createElement("label");
    label.className = "ssr-choice-option";
    const input = document.createElement("input");
    input.type = multiple ? "checkbox" : "radio";
    input.name = name;
    input.value = id;
    const span = document.createElement("span");
    span.textContent = text;
    label.appendChild(input);
    label.appendChild(span);
    form.appendChild(label);
    return input;
  });
  el.appendChild(form);

  const show = () => {
    const chosen = model.get("value");
    inputs.forEach((input) => (input.checked = chosen.includes(input.value)));
  };
  show();
  model.on("change:value", show);
  // A tick goes to Python as a message of its own, not as a state sync: ipywidgets sends one sync of a
  // model at a time and holds the next until the kernel has answered the first, while a button's click
  // is sent at once (jupyter-widgets/ipywidgets#1382). Ticks made quickly, then Check, would reach
  // Python after the click (on a slow link, or a busy kernel), and the feedback would judge only the
  // first tick. Messages go out in the order they are made, so Check now always sees every tick.
  const record = () => {
    const chosen = inputs.filter((input) => input.checked).map((input) => input.value);
    model.set("value", chosen);
    model.send({ chosen });
  };
  inputs.forEach((input) => input.addEventListener("change", record));
  return () => model.off("change:value", show);
}

export default { render };
