// A labelled drop-down list (see ssr_widgets/_choices.py): a native <select> tied to its <label>, so Tab
// reaches it, arrow keys choose (a closed list changes in place) and screen readers say its name. The
// label may begin with words for screen readers only (whose list it is), kept out of sight.
// The chosen option's id is the widget's value, kept in step both ways with Python (see record).

function render({ model, el }) {
  const row = document.createElement("div");
  row.className = "ssr-choice-list";
  const id = `ssr-list-${Math.random().toString(36).slice(2)}`;

  const label = document.createElement("label");
  label.className = "ssr-choice-list-label";
  label.htmlFor = id;
  label.style.flexBasis = model.get("label_width");
  const hidden = model.get("description_hidden");
  if (hidden) {
    const span = document.createElement("span");
    span.className = "ssr-sr-only";
    span.textContent = `${hidden} `;
    label.appendChild(span);
  }
  label.appendChild(document.createTextNode(model.get("description")));

  const select = document.createElement("select");
  select.id = id;
  for (const [text, value] of model.get("options")) select.add(new Option(text, value));
  row.appendChild(label);
  row.appendChild(select);
  el.appendChild(row);

  const show = () => {
    select.value = model.get("value");
  };
  show();
  model.on("change:value", show);
  // The choice goes to Python as a message of its own, not as a state sync (the reason is in
  // choice_group.js's record): a list changed twice, then Check, is judged on its last choice.
  const record = () => {
    model.set("value", select.value);
    model.send({ chosen: select.value });
  };
  select.addEventListener("change", record);
  return () => model.off("change:value", show);
}

export default { render };
