"""Branching scenarios: graph validation, path scoring and best paths, and the view played headless."""

from __future__ import annotations

import copy

import pytest

from ssr_widgets import show
from ssr_widgets.checking import best_paths, check_scenario, path_scores
from ssr_widgets.model import ContentError
from ssr_widgets.progress import ProgressStore
from ssr_widgets.scenario import Scenario

from .conftest import FIXTURES

REF = "new_kinds.yml#dilemma"


def _choice(cid, nxt, **scores):
    return {"id": cid, "text": f"Do {cid}", "next": nxt, "consequence": f"After {cid}.", "scores": scores}


GOOD = {
    "kind": "scenario",
    "title": "T",
    "objective": "LO5",
    "prompt": "P",
    "principles": [{"id": "own", "label": "National ownership"}, {"id": "harm", "label": "Do no harm"}],
    "start": "a",
    "nodes": [
        {"id": "a", "text": "Start", "choices": [_choice("x", "b", own=1), _choice("y", "c", own=2)]},
        {"id": "b", "text": "Middle", "choices": [_choice("x", "end1", harm=1), _choice("y", "end2", harm=-2)]},
        {"id": "c", "text": "Other", "choices": [_choice("x", "end1"), _choice("y", "end2", harm=-1)]},
        {"id": "end1", "text": "Good end", "end": True},
        {"id": "end2", "text": "Bad end", "end": True},
    ],
    "sources": [{"title": "S"}],
}


def _broken(change):
    data = copy.deepcopy(GOOD)
    change(data["nodes"])
    return data


def _nodes(data):
    return {n["id"]: n for n in data}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda ns: ns[0]["choices"][1].update(next="nowhere"),
         "node 'a': choice 'y' leads to 'nowhere', which is not a node"),
        (lambda ns: ns.append({"id": "lost", "text": "Unreached", "end": True}),
         "node 'lost' cannot be reached from the start node 'a'"),
        (lambda ns: ns[1]["choices"][0].update(next="a"),
         "node 'a' is on a loop (a → b → a); every path must reach an end node"),
        (lambda ns: ns[3].update(choices=[_choice("z", "end2")]),
         "node 'end1' is an end node ('end: true') but has choices"),
        (lambda ns: ns[2].update(choices=[_choice("x", "end1")]),
         "node 'c' has 1 choice(s); a decision point needs at least 2 (or mark it 'end: true')"),
        (lambda ns: ns[4].pop("end"),
         "node 'end2' has 0 choice(s); a decision point needs at least 2"),
        (lambda ns: ns[1]["choices"][1].update(id="x"),
         "duplicate id 'x' in the choices of node 'b'"),
        (lambda ns: ns[1]["choices"][1]["scores"].update(gender=1),
         "node 'b': choice 'y' scores unknown principle(s) gender (principles: harm, own)"),
        (lambda ns: ns[4].update(id="end1"), "duplicate id 'end1' in nodes"),
    ],
    ids=["dangling", "unreachable", "cycle", "end-with-choices", "one-choice", "dead-end", "choice-ids",
         "principle", "node-ids"],
)
def test_graph_errors_name_the_node(load_one, change, message):
    with pytest.raises(ContentError) as err:
        load_one(_broken(change), "story")
    text = str(err.value)
    assert text.startswith("one-0.yml: exercise 'story': ") and message in text


def test_a_loop_further_down_is_found(load_one):
    def change(ns):
        ns[1]["choices"][0]["next"] = "c"
        ns[2]["choices"][0]["next"] = "b"

    with pytest.raises(ContentError, match="node 'b' is on a loop \\(b → c → b\\)"):
        load_one(_broken(change))


def test_bad_start_score_range_and_kind_in_error_path(load_one):
    with pytest.raises(ContentError, match="the start node 'zz' is not one of the nodes: a, b, c, end1, end2"):
        load_one({**GOOD, "start": "zz"})
    data = _broken(lambda ns: ns[0]["choices"][0]["scores"].update(own=3))
    with pytest.raises(ContentError) as err:
        load_one(data, "story")
    assert "exercise 'story': field 'nodes[0].choices[0].scores.own': Input should be less than or equal to 2" \
        in str(err.value)


def test_path_scores_and_best_paths_with_ties(load_one):
    ex = load_one(GOOD)
    assert path_scores(ex, ["x", "x"]) == {"own": 1, "harm": 1}
    assert path_scores(ex, ["y", "x"]) == {"own": 2, "harm": 0}
    best, worst, paths = best_paths(ex)
    assert (best, worst) == (2, -1) and sorted(paths) == [("x", "x"), ("y", "x")]


def test_check_mid_path_and_at_the_end(new_kinds):
    ex = new_kinds.exercises["dilemma"]
    mid = check_scenario(ex, ["consult"])
    assert not mid.complete and mid.remarks == () and mid.summary.startswith("1 decision made.")
    best = check_scenario(ex, ["consult", "include"])
    assert best.complete and best.score == 1.0 and "one of the best: it scores +6" in best.summary
    worst = check_scenario(ex, ["accept", "hide"])
    assert not worst.complete and worst.score == 0.0
    assert "scores -4 across all principles; the best path scores +6" in worst.summary
    own, inclusion, _accountability = worst.remarks
    assert (own.subject, own.ok, own.verdict) == ("National ownership", False, "-2: harmed.")
    assert own.why == ("Your choices that count here: “Accept the donor's draft” (-2). "
                       "A best path scores +2 here.")
    assert inclusion.ok and inclusion.verdict == "0: neither helped nor harmed."
    assert "None of your choices affected this principle." in inclusion.why
    assert check_scenario(ex, ["accept", "share"]).score == pytest.approx(4 / 10)


@pytest.mark.parametrize("path", [["nope"], ["accept", "include"], ["consult", "include", "more"]])
def test_paths_that_do_not_fit_are_errors(new_kinds, path):
    with pytest.raises(ValueError):
        check_scenario(new_kinds.exercises["dilemma"], path)


# -- the view -----------------------------------------------------------------------------------

def _labels(view):
    return [b.description for b in view.choice_buttons if b.layout.display != "none"]


def test_play_through_to_a_debrief(new_kinds, store):
    view = Scenario(new_kinds.exercises["dilemma"], key=REF, store=store)
    assert view.check_button.layout.display == "none" and view.reset_button.description == "Play again"
    assert "Decision 1." in view.now_html.value and "write the national security strategy" in view.now_html.value
    assert _labels(view) == ["Accept the donor's draft", "Hold national consultations first"]
    view.choice_buttons[0].click()
    assert "What happened:</em> The draft is fast" in view.now_html.value
    assert "Decision 2." in view.now_html.value and _labels(view) == ["Share it with parliament",
                                                                       "Keep it in the ministry"]
    assert "1 decision made." in view.feedback_html.value
    assert ProgressStore(store.path).get(REF)["answer"] == ["accept"]
    view.choice_buttons[1].click()
    assert "The end.</strong> The strategy is shelved." in view.now_html.value and _labels(view) == []
    assert "The story so far" in view.story_html.value and "Accept the donor" in view.story_html.value
    html = view.feedback_html.value
    assert "✘ The end. Your path scores -4" in html
    assert "National ownership</strong> — <em>-2: harmed.</em>" in html
    details = view.details_html.value
    assert "Your path (total -4)" in details and "The best path (total +6)" in details
    assert "Hold national consultations first" in details and "National ownership +2; Inclusiveness" in details
    saved = ProgressStore(store.path).get(REF)
    assert saved["answer"] == ["accept", "hide"] and saved["completed"] is False and saved["score"] == 0.0


def test_saved_path_is_restored_and_play_again_starts_over(new_kinds, store):
    first = Scenario(new_kinds.exercises["dilemma"], key=REF, store=store)
    first.choose("consult")
    again = Scenario(new_kinds.exercises["dilemma"], key=REF, store=ProgressStore(store.path))
    assert again.get_answer() == ["consult"] and "Decision 2." in again.now_html.value
    assert "Your saved answer from" in again.feedback_html.value
    fb = again.choose("include")
    assert fb.complete and "✔ The end. Your path is one of the best" in again.feedback_html.value
    assert "Your path (total +6)" in again.details_html.value and "The best path" not in again.details_html.value
    assert ProgressStore(store.path).get(REF)["completed"] is True
    third = Scenario(new_kinds.exercises["dilemma"], key=REF, store=ProgressStore(store.path))
    assert "Your path (total +6)" in third.details_html.value  # the debrief comes back too
    third.reset_button.click()
    assert third.get_answer() == [] and "Decision 1." in third.now_html.value and third.details_html.value == ""
    assert "Starting again from the beginning" in third.feedback_html.value
    assert ProgressStore(store.path).get(REF) is None


def test_a_saved_path_that_no_longer_fits_is_dropped(new_kinds, store):
    store.save(REF, answer=["accept", "gone"], completed=False, score=0)
    view = Scenario(new_kinds.exercises["dilemma"], key=REF, store=store)
    assert view.get_answer() == [] and "no longer fits" in view.notice_html.value


def test_show_accepts_an_absolute_path(store):
    view = show(f"{FIXTURES / 'new_kinds.yml'}#dilemma", store=store)
    assert isinstance(view, Scenario)
