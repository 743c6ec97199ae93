// The exercises' own browser part (see ssr_widgets/_frame.py): the feedback area and the keyboard.
//
// 1. The feedback area is one live region (role="status") that exists from the start and whose
//    content changes: screen readers announce changes to a live region already on the page, not
//    a new one put in its place.
// 2. Once attached, it finds its exercise (the nearest .ssr-exercise) and keeps plain keys inside
//    it (keepKeysInWidget, from answer_cells.js), so arrow keys, letters and "d d" pressed on a
//    list or a radio button never reach JupyterLab's notebook shortcuts; and it names the Check
//    and Reset buttons after the exercise ("Check: Five dimensions of SSR"), so a screen reader's
//    list of buttons says which is which.
// 3. It marks the exercise with the course language (lang="fr" in a French notebook), so a screen
//    reader reads it with a French voice even when JupyterLab's own interface is in English.

function render({ model, el }) {
  const live = document.createElement("div");
  live.className = "ssr-feedback-live";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  const show = () => {
    live.innerHTML = model.get("value");
  };
  show();
  el.appendChild(live);
  model.on("change:value", show);

  const title = model.get("exercise_title");
  let tries = 0;
  const attach = () => {
    const root = el.closest(".ssr-exercise");
    if (!root) {
      if (tries++ < 400) setTimeout(attach, 25);
      return;
    }
    const lang = model.get("lang");
    if (lang) root.setAttribute("lang", lang);
    if (root.dataset.ssrKeys !== "kept") {
      keepKeysInWidget(root);
      root.dataset.ssrKeys = "kept";
    }
    root.querySelectorAll("button.ssr-named").forEach((button) => {
      const visible = (button.textContent || "").trim();
      if (visible && title) button.setAttribute("aria-label", `${visible}: ${title}`);
    });
  };
  attach();
  return () => model.off("change:value", show);
}

export default { render };
