"""The ordering, actor-map and scenario widgets in a real browser (JupyterLab, headless Chromium).

Each test writes a one-exercise notebook that shows a fixture by absolute path, runs it, and
drives it as a learner would. The scenario is played with the keyboard only (Tab and Enter),
which also checks that focus lands on the next choice after each decision.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from ssr_widgets.loader import load_exercise

from .conftest import FIXTURES
from .lab_harness import exercise, jupyterlab, open_notebook, require_chromium, run_all

pytestmark = pytest.mark.browser

FIXTURE = FIXTURES / "new_kinds.yml"


def _ref(ex_id: str) -> str:
    return f"{FIXTURE}#{ex_id}"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require_chromium()
    work = tmp_path_factory.mktemp("lab-new-kinds")
    root = work / "learner"
    root.mkdir()
    for ex_id in ("cycle", "actors", "dilemma"):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell("from ssr_widgets import show"),
                    nbformat.v4.new_code_cell(f"show({_ref(ex_id)!r})")]
        nbformat.write(nb, root / f"{ex_id}.ipynb")
    with jupyterlab(root, work) as server:
        yield server


def _saved(lab, ex_id: str):
    return json.loads((lab.root / "ssr-progress.json").read_text(encoding="utf-8"))["exercises"][_ref(ex_id)]


def test_ordering_by_choosing_a_step_per_position(lab, page):
    ex = load_exercise(_ref("cycle"))
    steps = list(ex.steps)
    wanted = [steps[1], steps[0], *steps[2:]]  # the first two swapped
    open_notebook(page, lab, "cycle.ipynb")
    run_all(page)
    widget = exercise(page, ex.title)
    widget.scroll_into_view_if_needed()
    for n, step in enumerate(wanted, start=1):
        widget.get_by_label(f"Step {n}", exact=True).select_option(label=step.text)
    widget.get_by_role("button", name="Check").click()
    feedback = widget.locator(".ssr-feedback")
    feedback.get_by_text(f"{len(steps) - 2} of {len(steps)} steps are in the right place").wait_for()
    text = feedback.inner_text()
    assert "✘" in text and "✔" in text
    assert f"{steps[0].text} — Not right: you put it at step 2. It is step 1." in text
    assert steps[0].why in text
    assert _saved(lab, "cycle")["answer"] == [s.id for s in wanted]


def test_actor_map_shows_the_picture_and_links_after_check(lab, page):
    ex = load_exercise(_ref("actors"))
    police, parliament = ex.actor("police"), ex.actor("parliament")
    open_notebook(page, lab, "actors.ipynb")
    run_all(page)
    widget = exercise(page, ex.title)
    widget.scroll_into_view_if_needed()
    assert widget.locator("svg").count() == 0  # no answers shown before Check
    # the lists are announced with the actor's name, though "Level" and "Role" is all one sees
    widget.get_by_label(f"{police.name}: Level", exact=True).select_option(label=ex.level(police.level).label)
    widget.get_by_label(f"{police.name}: Role", exact=True).select_option(label=ex.role(police.role).label)
    widget.get_by_label(f"{parliament.name}: Level", exact=True).select_option(label="Local")
    widget.get_by_role("button", name="Check").click()

    picture = widget.locator('svg[role="img"]')
    picture.wait_for()
    box = picture.bounding_box()
    assert box and box["width"] > 400 and box["height"] > 150
    assert "actors by level (rows) and role (columns)" in picture.get_attribute("aria-label")
    drawn = picture.text_content()
    assert f"✔ {police.name}" in drawn and "✘ Parliament" in drawn and "you chose: Local" in drawn
    assert "oversees <budget>" in drawn  # escaped in the source, shown as written
    links = widget.locator(".ssr-actormap li").all_inner_texts()
    assert f"{parliament.name} → {police.name}: oversees <budget>" in links
    assert len(links) == len(ex.links)
    feedback = widget.locator(".ssr-feedback").inner_text()
    assert "1 of 4 actors are fully right (2 of 8 choices)" in feedback
    assert _saved(lab, "actors")["answer"] == {"police": {"level": "national", "role": "provision"},
                                               "parliament": {"level": "local"}}


def _focused_text(page) -> str:
    return page.evaluate("() => document.activeElement ? document.activeElement.textContent.trim() : ''")


def test_scenario_played_with_the_keyboard_only(lab, page):
    ex = load_exercise(_ref("dilemma"))
    start = ex.node(ex.start)
    first = start.choices[1]  # the better first move
    second_node = ex.node(first.next)
    open_notebook(page, lab, "dilemma.ipynb")
    run_all(page)
    widget = exercise(page, ex.title)
    widget.scroll_into_view_if_needed()
    # Keyboard focus starts on the widget's Play again button (as after a Tab into it); from there
    # on only keys are used.
    widget.get_by_role("button", name="Play again").focus()
    page.keyboard.press("Shift+Tab")  # back to the last choice
    assert _focused_text(page) == start.choices[-1].text == first.text
    page.keyboard.press("Enter")
    widget.get_by_text("Decision 2.").wait_for()
    assert first.consequence in widget.inner_text()
    page.wait_for_function("t => document.activeElement && document.activeElement.textContent.trim() === t",
                           arg=second_node.choices[0].text)  # focus moved to the first new choice
    page.keyboard.press("Enter")
    debrief = widget.locator(".ssr-feedback")
    debrief.get_by_text("The end.").wait_for()
    page.wait_for_function("() => document.activeElement && document.activeElement.textContent.trim() "
                           "=== 'Play again'")
    end_text = ex.node(second_node.choices[0].next).text
    assert end_text in widget.inner_text()
    text = debrief.inner_text()
    assert "✔" in text and "National ownership — +2: upheld." in text
    assert "Your path (total +6)" in widget.locator(".ssr-debrief").inner_text()
    assert _saved(lab, "dilemma")["answer"] == [first.id, second_node.choices[0].id]

    page.keyboard.press("Enter")  # Play again
    widget.get_by_text("Decision 1.").wait_for()
    page.wait_for_function("t => document.activeElement && document.activeElement.textContent.trim() === t",
                           arg=start.choices[0].text)
    assert widget.locator(".ssr-debrief").count() == 0
    assert not (lab.root / "ssr-progress.json").exists() or _ref("dilemma") not in json.loads(
        (lab.root / "ssr-progress.json").read_text(encoding="utf-8"))["exercises"]
