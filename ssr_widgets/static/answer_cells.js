// Shared by every widget that records an answer in the notebook file (quiz, course evaluation).
//
// nbgrader and the trainer tools read the *file*, never a widget's live value. These helpers find
// the code cell that holds an answer line (`answer_qNN = "..."`, `eval_pace = "..."`) on JupyterLab's
// shared notebook model, and write and save it. The widget-specific modules are appended to this
// text by Python (see ssr_widgets/_static.py), so the helpers exist once.

function cellMeta(cell) {
  if (typeof cell.getMetadata === "function") return cell.getMetadata("nbgrader") || {};
  const md = cell.metadata;
  if (md && typeof md.get === "function") return md.get("nbgrader") || {};
  return (md && md.nbgrader) || {};
}

function cellSource(cell) {
  if (cell.sharedModel) return cell.sharedModel.getSource();
  return cell.value ? cell.value.text : "";
}

function notebookContext(model) {
  const manager = model.widget_manager;
  const context = manager && manager.context;
  return context && context.model && context.model.cells ? context : null;
}

// The answer cell: by nbgrader grade_id (quiz), else the first code cell that assigns the variable.
function findAnswerCell(context, answerId) {
  const cells = context.model.cells;
  const line = new RegExp("^\\s*" + answerId + "\\s*=", "m");
  let byLine = null;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cellMeta(cell).grade_id === answerId) return cell;
    if (!byLine && cell.type === "code" && line.test(cellSource(cell))) byLine = cell;
  }
  return byLine;
}

// The quoted value assigned to answerId in a cell's source ("" when none), without evaluating code.
function answerValue(source, answerId) {
  const m = new RegExp("^\\s*" + answerId + "\\s*=\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*')\\s*(#.*)?$", "m")
    .exec(source || "");
  if (!m) return "";
  const literal = m[1];
  if (literal[0] === '"') {
    try {
      return JSON.parse(literal);
    } catch (e) {
      /* not JSON-compatible: fall through to the plain text between the quotes */
    }
  }
  return literal.slice(1, -1);
}

// Replace the answer cell's source and save the notebook; saves are queued so none is lost.
function makeRecorder(context, cell) {
  let saving = Promise.resolve();
  return (source) => {
    cell.sharedModel.setSource(source);
    saving = saving.then(() => context.save());
    return saving;
  };
}

// Keys pressed inside the widget belong to the widget: arrow keys move between radio buttons and
// letters go into a text box, instead of JupyterLab's notebook shortcuts (ArrowDown selects the
// next cell, "a" inserts a cell...). Lumino skips its key bindings below the attribute, and the
// listener keeps plain keys from reaching the notebook. Tab, Escape and shortcuts with Ctrl, Alt
// or Cmd (Ctrl+S saves) still reach JupyterLab.
function keepKeysInWidget(element) {
  element.setAttribute("data-lm-suppress-shortcuts", "true");
  element.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.key === "Tab" || event.key === "Escape") return;
    event.stopPropagation();
  });
}

// A text the learner sees or hears, in the course language. Python sends every one of them in the
// widget's `texts` trait, translated with gettext in the kernel's language (the TEXTS of
// ssr_widgets/quiz.py, comment_box.py and evaluation_status.py), so the browser code holds no
// English of its own. {name} placeholders are filled from `values`; a key Python did not send
// shows as itself (a visible bug, never a silent English text).
function say(model, key, values) {
  const texts = model.get("texts") || {};
  const text = typeof texts[key] === "string" ? texts[key] : key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (values && name in values ? String(values[name]) : whole));
}
