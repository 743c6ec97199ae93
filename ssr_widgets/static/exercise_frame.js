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
// 4. A click on Check or Reset reaches Python after every answer the learner gave before it. ipywidgets
//    sends one state sync of a control at a time and holds the next until the kernel has answered the
//    last, but sends a click at once (jupyter-widgets/ipywidgets#1382): a list changed twice, or several
//    boxes ticked, then Check, and on a slow link (or with a busy kernel) Python judged the first change
//    alone. So the click waits for one round trip to the kernel (a "ping" answered by a "pong"): the
//    kernel's answers to the earlier syncs arrive before the pong, and with them ipywidgets sends what it
//    held, so everything the learner did is on its way before the click.

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
    if (root.dataset.ssrClicks !== "held") {
      // on the exercise, capturing: it sees the click before the button's own ipywidgets handler
      root.addEventListener("click", afterRoundTrip, true);
      root.dataset.ssrClicks = "held";
    }
  };

  // 4. (above): the learner's click is held, and sent again once the kernel has answered a ping.
  const waiting = new Map(); // ping number -> the button whose click waits for it
  let pings = 0;
  let passing = null; // the button whose held click is being sent now
  const afterRoundTrip = (event) => {
    const button = event.target instanceof Element ? event.target.closest("button.ssr-named") : null;
    if (!button || passing === button) return;
    event.stopImmediatePropagation();
    event.preventDefault();
    if ([...waiting.values()].includes(button)) return; // already on its way
    pings += 1;
    waiting.set(pings, button);
    model.send({ ping: pings });
  };
  const onPong = (content) => {
    const button = content && waiting.get(content.pong);
    if (!button) return;
    waiting.delete(content.pong);
    passing = button;
    try {
      button.click();
    } finally {
      passing = null;
    }
  };
  model.on("msg:custom", onPong);
  attach();
  return () => {
    model.off("change:value", show);
    model.off("msg:custom", onPong);
  };
}

export default { render };
