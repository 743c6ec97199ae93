"""Matching exercises: the model (with and without reuse), checking per prompt, and the view headless."""

from __future__ import annotations

import pytest

from ssr_widgets import show
from ssr_widgets.checking import check_match
from ssr_widgets.matching import Matching
from ssr_widgets.model import ContentError
from ssr_widgets.progress import ProgressStore

from .conftest import FIXTURES

REF = "new_kinds.yml#mechanisms"


def _match(prompts, reuse=True):
    return {"kind": "match", "title": "T", "objective": "LO4", "prompt": "P", "reuse": reuse,
            "answers": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
            "prompts": prompts, "sources": [{"title": "S"}]}


def test_model_checks_answers_and_reuse(load_one):
    prompts = [{"id": "p", "text": "P", "answer": "a", "why": "w"},
               {"id": "q", "text": "Q", "answer": "a", "why": "w"}]
    assert load_one(_match(prompts)).reuse is True
    with pytest.raises(ContentError, match="prompts 'p' and 'q' share the answer 'a', but 'reuse: false'"):
        load_one(_match(prompts, reuse=False))
    with pytest.raises(ContentError, match=r"exercise 'ex'.*prompts\[1\] \('q'\) has answer 'c', which is not"):
        load_one(_match([prompts[0], {**prompts[1], "answer": "c"}]))


def test_check_reports_each_prompt(new_kinds):
    ex = new_kinds.exercises["mechanisms"]
    fb = check_match(ex, {"overlap": "matrix", "priorities": "board", "technical": "group"})
    assert fb.complete and fb.score == 1.0 and fb.summary == "Correct. All 3 are matched well."
    fb = check_match(ex, {"overlap": "board", "priorities": "board"})
    assert fb.score == pytest.approx(1 / 3) and not fb.complete
    assert fb.remarks[0].verdict == ("Not right: you chose Joint steering board. "
                                     "The best match: Donor mapping matrix.")
    assert fb.remarks[1].verdict == "Right: Joint steering board."
    assert fb.remarks[2].verdict == "Not matched yet. The best match: Sector working group."
    assert fb.summary.startswith("1 of 3 are matched well. 1 is not matched yet. Each answer fits one situation "
                                 "only, but you used Joint steering board more than once.")
    assert fb.remarks[0].why == "A map of who funds what shows overlaps."


def test_reuse_allowed_says_nothing_about_repeats(new_kinds):
    fb = check_match(new_kinds.exercises["tools"], {"trust": "survey", "safety": "survey", "cost": "survey"})
    assert fb.score == pytest.approx(2 / 3) and "more than once" not in fb.summary


def test_check_rejects_unknown_ids(new_kinds):
    with pytest.raises(ValueError, match="unknown prompt id"):
        check_match(new_kinds.exercises["tools"], {"zzz": "survey"})
    with pytest.raises(ValueError, match="unknown answer 'x' for prompt 'trust'"):
        check_match(new_kinds.exercises["tools"], {"trust": "x"})


def test_view_labels_feedback_save_restore(new_kinds, store):
    view = Matching(new_kinds.exercises["mechanisms"], key=REF, store=store)
    assert [d.description for d in view.dropdowns.values()] == [
        "Two donors fund the same police academy", "Partners pull in different directions", "Experts never meet"]
    assert view.dropdowns["overlap"].options[0] == ["— choose an answer —", ""]
    assert "Each answer fits one situation only." in view.children[1].children[0].value
    view.dropdowns["overlap"].value = "matrix"
    view.dropdowns["technical"].value = "board"
    view.check_button.click()
    html = view.feedback_html.value
    assert "✘ 1 of 3 are matched well." in html and "✔" in html
    assert "Not right: you chose Joint steering board. The best match: Sector working group." in html
    again = Matching(new_kinds.exercises["mechanisms"], key=REF, store=ProgressStore(store.path))
    assert again.get_answer() == {"overlap": "matrix", "technical": "board"}
    again.reset_button.click()
    assert again.get_answer() == {} and ProgressStore(store.path).get(REF) is None


def test_show_dispatches_match(store):
    assert isinstance(show(f"{FIXTURES / 'new_kinds.yml'}#tools", store=store), Matching)
