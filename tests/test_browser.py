"""A learner in a real browser: JupyterLab on 127.0.0.1, headless Debian Chromium, driven by Playwright."""

from __future__ import annotations

import json
import re
import urllib.request
from contextlib import contextmanager

import pytest

from ssr_widgets.checking import check_choice, check_classify
from ssr_widgets.loader import load_exercise

from .conftest import ROOT
from .lab_harness import (
    copy_notebooks,
    exercise,
    jupyterlab,
    open_notebook,
    require_chromium,
    restart_kernel,
    run_all,
    save_a_copy,
)

pytestmark = pytest.mark.browser

SORT_REF = "01_concept.yml#security-sector-sort"
MANY_REF = "01_concept.yml#human-security"  # several right answers


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require_chromium()
    work = tmp_path_factory.mktemp("lab")
    root = copy_notebooks(ROOT / "notebooks", work / "learner")
    with jupyterlab(root, work) as server:
        yield server


def test_classify_by_clicking_then_restart_restores_the_answer(lab, page):
    ex = load_exercise(SORT_REF)
    labels = {c.id: c.label for c in ex.categories}
    # A known mix: every item right except the first, which goes into a wrong box.
    wrong_first = next(c.id for c in ex.categories if c.id != ex.items[0].category)
    wanted = {it.id: (wrong_first if n == 0 else it.category) for n, it in enumerate(ex.items)}

    open_notebook(page, lab, "01_concept.ipynb")
    run_all(page)
    widget = exercise(page, ex.title)
    widget.scroll_into_view_if_needed()
    selects = widget.locator("select")
    assert selects.count() == len(ex.items)
    for n, item in enumerate(ex.items):
        # each list is labelled with the item's own text (a real <label for=...>)
        assert page.get_by_label(item.text, exact=True).count() >= 1
        selects.nth(n).select_option(label=labels[wanted[item.id]])
    widget.get_by_role("button", name="Check").click()

    feedback = widget.locator(".ssr-feedback")
    total = len(ex.items)
    feedback.get_by_text(f"{total - 1} of {total} items are in the right place").wait_for()
    text = feedback.inner_text()
    assert "✘" in text and "✔" in text  # right/wrong marked by symbols and words, not colour alone
    first = ex.items[0]
    assert f"Not right: you chose {labels[wrong_first]}. It belongs in: {labels[first.category]}." in text
    assert first.why.split(".")[0] in text  # the explanation, not just a verdict

    saved = json.loads((lab.root / "ssr-progress.json").read_text(encoding="utf-8"))
    assert saved["exercises"][SORT_REF]["answer"] == wanted

    restart_kernel(page)
    run_all(page)
    widget = exercise(page, ex.title)
    widget.scroll_into_view_if_needed()
    widget.locator(".ssr-feedback").get_by_text("Your saved answer from").wait_for()
    selects = widget.locator("select")
    shown = [selects.nth(n).evaluate("s => s.options[s.selectedIndex].text").replace("\xa0", " ")
             for n in range(len(ex.items))]
    assert shown == [labels[wanted[it.id]] for it in ex.items]
    assert f"{total - 1} of {total} items are in the right place" in widget.locator(".ssr-feedback").inner_text()


def test_a_french_learner_switches_jupyterlab_itself_to_french(lab, page):
    """Settings → Language → Français, as the French welcome page and the README say: after the reload, JupyterLab's
    own menus are French (the language pack the course installs) and the page says lang="fr-FR" to screen readers."""
    page.goto(lab.url("lab/tree/fr/00_welcome.ipynb"))
    settings = page.locator(".lm-MenuBar-itemLabel", has_text="Settings").first
    settings.wait_for()
    try:
        settings.click()
        page.locator(".lm-Menu-item", has_text="Language").first.hover()
        page.locator(".lm-Menu-item", has_text="Français (France)").first.click()
        dialog = page.locator(".jp-Dialog")
        dialog.get_by_text("Change interface language?").wait_for()
        dialog.locator("button.jp-mod-accept").click()  # "Change and reload"
        page.locator(".lm-MenuBar-itemLabel", has_text="Paramètres").first.wait_for(timeout=60_000)
        menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        assert {"Fichier", "Édition", "Exécution", "Noyau", "Paramètres", "Aide"} <= set(menus), menus
        assert page.evaluate("document.documentElement.lang") == "fr-FR"
    finally:  # the other tests of this JupyterLab expect its English interface
        body = json.dumps({"raw": json.dumps({"locale": "en"})}).encode()
        req = urllib.request.Request(  # noqa: S310 - loopback only
            f"{lab.base}/lab/api/settings/@jupyterlab/translation-extension:plugin", data=body, method="PUT",
            headers={"Authorization": f"token {lab.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30):  # noqa: S310
            pass


def test_a_copy_of_the_work_is_downloaded_and_restored_from_the_welcome_page(lab, page, tmp_path):
    """Binder throws the learner's container away: they save a copy from the welcome page, and later restore it."""
    progress = lab.root / "ssr-progress.json"
    before = progress.read_bytes() if progress.exists() else None
    try:
        progress.write_text(json.dumps({"format": 1, "exercises": {"01_concept.yml#ssr-definition": {
            "answer": ["c"], "completed": True, "score": 1.0, "attempts": 1,
            "updated": "2026-11-30T08:00:00+00:00"}}}), encoding="utf-8")
        open_notebook(page, lab, "00_welcome.ipynb")
        run_all(page)
        copy = save_a_copy(page, tmp_path)
        panel = page.locator(".ssr-copy-panel")
        assert copy.name.startswith("ssr-progress-") and copy.suffix == ".json"
        assert json.loads(copy.read_text(encoding="utf-8")) == json.loads(progress.read_text(encoding="utf-8"))

        progress.unlink()  # the container is gone; a new one starts empty
        with page.expect_file_chooser() as chooser:
            panel.get_by_role("button", name="Restore a copy").click()
        chooser.value.set_files(str(copy))
        panel.locator("[role=status]").get_by_text(f"1 answer restored from {copy.name}.").wait_for()
        restored = json.loads(progress.read_text(encoding="utf-8"))["exercises"]
        assert restored["01_concept.yml#ssr-definition"]["answer"] == ["c"]
        assert "In total: 1 of" in page.locator(".jp-OutputArea-output", has_text="In total:").first.inner_text()
    finally:
        if before is None:
            progress.unlink(missing_ok=True)
        else:
            progress.write_bytes(before)



@contextmanager
def slow_link(page):
    """The kernel's answers held back while the block runs (a slow link), then let through in order.

    The page's kernel connection is routed through Playwright (set up before the notebook opens); what the
    server sends is held while the link is "slow". What the page sends goes at once.
    """
    held: list = []
    state = {"slow": False}

    def kernel_link(ws):
        server = ws.connect_to_server()
        server.on_message(lambda m: held.append((ws, m)) if state["slow"] else ws.send(m))

    page.route_web_socket(re.compile(r"/api/kernels/[^/]+/channels"), kernel_link)

    @contextmanager
    def slow():
        state["slow"] = True
        try:
            yield
            page.wait_for_timeout(1500)  # what the learner did reaches the kernel; its answers are held
            assert held, "nothing was held: the kernel connection was not routed"
        finally:
            state["slow"] = False
            for ws, m in held:
                ws.send(m)
            held.clear()

    yield slow


def test_every_tick_counts_when_check_is_pressed_before_the_kernel_answers(lab, page):
    """A slow link: the kernel's answers reach the browser late. A learner ticks every right answer and presses
    Check before the kernel has answered the first tick; the feedback judges all the ticks, and all are saved.
    The same for a drop-down list changed twice: the feedback judges the last choice.

    (ipywidgets holds a model's next state sync until the kernel answers the last one, but sends a click at
    once: the kernel used to check the first tick alone.)
    """
    ex = load_exercise(MANY_REF)
    right = [o for o in ex.options if o.correct]
    assert ex.multiple and len(right) >= 3
    with slow_link(page) as slow:
        open_notebook(page, lab, "01_concept.ipynb")
        run_all(page)
        widget = exercise(page, ex.title)
        widget.scroll_into_view_if_needed()
        with slow():
            for o in right:
                widget.get_by_label(o.text, exact=True).check()
            widget.get_by_role("button", name="Check").click()
        summary = check_choice(ex, frozenset(o.id for o in right)).summary
        shown = widget.locator(".ssr-feedback .ssr-summary")
        shown.wait_for()
        assert shown.inner_text().strip() == f"✔ {summary}"
        assert [widget.get_by_label(o.text, exact=True).is_checked() for o in ex.options] == \
            [o.correct for o in ex.options]
        saved = json.loads((lab.root / "ssr-progress.json").read_text(encoding="utf-8"))
        assert sorted(saved["exercises"][MANY_REF]["answer"]) == sorted(o.id for o in right)

        # the same for a list changed twice (as arrow keys on a closed list do), then Check
        sort = load_exercise(SORT_REF)
        labels = {c.id: c.label for c in sort.categories}
        first = sort.items[0]
        wrong = next(c.id for c in sort.categories if c.id != first.category)
        widget = exercise(page, sort.title)
        widget.scroll_into_view_if_needed()
        widget.get_by_role("button", name="Reset").click()  # an answer saved by an earlier test goes
        widget.locator(".ssr-feedback-area").get_by_text("Cleared.").wait_for()
        with slow():
            widget.locator("select").first.select_option(label=labels[wrong])
            widget.locator("select").first.select_option(label=labels[first.category])
            widget.get_by_role("button", name="Check").click()
        shown = widget.locator(".ssr-feedback .ssr-summary")
        shown.wait_for()
        assert shown.inner_text().strip() == f"✘ {check_classify(sort, {first.id: first.category}).summary}"
        saved = json.loads((lab.root / "ssr-progress.json").read_text(encoding="utf-8"))
        assert saved["exercises"][SORT_REF]["answer"] == {first.id: first.category}
