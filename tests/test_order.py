"""Ordering exercises: the model, the checking of positions, and the view driven headless."""

from __future__ import annotations

import pytest

from ssr_widgets import show
from ssr_widgets.checking import check_order
from ssr_widgets.model import ContentError
from ssr_widgets.ordering import Ordering
from ssr_widgets.progress import ProgressStore

from .conftest import FIXTURES

REF = "new_kinds.yml#cycle"
RIGHT = ["assess", "design", "implement", "evaluate"]


def _order(steps):
    return {"kind": "order", "title": "T", "objective": "LO3", "prompt": "P", "steps": steps,
            "sources": [{"title": "S"}]}


def test_model_needs_three_unique_steps_with_why(load_one):
    steps = [{"id": s, "text": s.upper(), "why": "w"} for s in ("a", "b", "c")]
    assert [s.id for s in load_one(_order(steps)).steps] == ["a", "b", "c"]
    with pytest.raises(ContentError, match="exercise 'ex': field 'steps': duplicate id 'a' in steps"):
        load_one(_order([*steps, {"id": "a", "text": "again", "why": "w"}]))
    with pytest.raises(ContentError, match="field 'steps': Tuple should have at least 3 items"):
        load_one(_order(steps[:2]))
    with pytest.raises(ContentError, match=r"field 'steps\[1\].why': Field required"):
        load_one(_order([steps[0], {"id": "b", "text": "B"}, steps[2]]))


def test_check_all_right(new_kinds):
    fb = check_order(new_kinds.exercises["cycle"], RIGHT)
    assert fb.complete and fb.score == 1.0 and fb.summary == "Correct. All 4 steps are in the right order."
    assert [r.verdict for r in fb.remarks] == [f"Right: step {n}." for n in range(1, 5)]
    assert fb.remarks[3].why == "Lessons feed the next assessment."


def test_check_swapped_missing_and_repeated(new_kinds):
    ex = new_kinds.exercises["cycle"]
    fb = check_order(ex, ["design", "design", None, "evaluate"])
    assert not fb.complete and fb.score == pytest.approx(0.5)
    assert fb.summary.startswith("2 of 4 steps are in the right place. 1 position is still empty. "
                                 "You chose Design and plan with national actors more than once")
    verdicts = [r.verdict for r in fb.remarks]
    assert verdicts == [
        "Not placed yet. It is step 1.",
        "Not right: you put it at steps 1 and 2. It is step 2.",
        "Not placed yet. It is step 3.",
        "Right: step 4.",
    ]
    assert [r.ok for r in fb.remarks] == [False, False, False, True]
    assert check_order(ex, [None] * 4).summary.startswith("Choose a step")


@pytest.mark.parametrize(("answer", "error"), [(["assess"], "has 4 positions"),
                                               (["x", None, None, None], "unknown step")])
def test_check_rejects_answers_that_do_not_fit(new_kinds, answer, error):
    with pytest.raises(ValueError, match=error):
        check_order(new_kinds.exercises["cycle"], answer)


def test_view_positions_are_labelled_and_lists_are_mixed(new_kinds, store):
    view = Ordering(new_kinds.exercises["cycle"], key=REF, store=store)
    assert [d.description for d in view.dropdowns.values()] == ["Step 1", "Step 2", "Step 3", "Step 4"]
    first = view.dropdowns["1"]
    assert first.options[0] == ["— choose a step —", ""]
    values = [value for _label, value in first.options[1:]]
    assert sorted(values) == sorted(RIGHT) and values != RIGHT  # never listed in the right order
    assert view.get_answer() == [None] * 4


def test_view_check_save_restore_reset(new_kinds, store):
    view = Ordering(new_kinds.exercises["cycle"], key=REF, store=store)
    for pos, step in zip("1234", ["design", "assess", "implement", "evaluate"], strict=True):
        view.dropdowns[pos].value = step
    view.check_button.click()
    html = view.feedback_html.value
    assert "✘ 2 of 4 steps are in the right place." in html
    assert "Not right: you put it at step 2. It is step 1." in html and "You cannot plan" in html
    assert ProgressStore(store.path).get(REF)["answer"] == ["design", "assess", "implement", "evaluate"]
    again = Ordering(new_kinds.exercises["cycle"], key=REF, store=ProgressStore(store.path))
    assert again.get_answer() == ["design", "assess", "implement", "evaluate"]
    assert "Your saved answer from" in again.feedback_html.value
    again.dropdowns["1"].value, again.dropdowns["2"].value = "assess", "design"
    assert again.check().complete and "✔ Correct." in again.feedback_html.value
    again.reset_button.click()
    assert again.get_answer() == [None] * 4 and ProgressStore(store.path).get(REF) is None


def test_nothing_chosen_is_not_saved_and_bad_saves_are_dropped(new_kinds, store):
    view = Ordering(new_kinds.exercises["cycle"], key=REF, store=store)
    view.check_button.click()
    assert "Choose a step" in view.feedback_html.value and not store.path.exists()
    store.save(REF, answer=["assess", "design"], completed=False, score=0)
    assert "no longer fits" in Ordering(new_kinds.exercises["cycle"], key=REF, store=store).notice_html.value


def test_show_dispatches_order(store):
    assert isinstance(show(f"{FIXTURES / 'new_kinds.yml'}#cycle", store=store), Ordering)
