"""Learning gain and results by participant profile in the cohort report: exact figures, small groups suppressed."""

from __future__ import annotations

import csv
import json

import nbformat
import pytest

from ssr_grader.grading.batch import grade_cohort
from ssr_grader.intake.submission import Accepted, Incoming, accept
from ssr_grader.quiz.evaluation import fill_evaluation as fill_answers
from ssr_grader.quiz.pretest import key
from ssr_grader.reports.evaluations import EvaluationRecord
from ssr_grader.reports.gain import GainSummary, LearnerGain, learner_gains, summarise
from ssr_grader.reports.groups import NOT_STATED, breakdown, profiles, suppress
from ssr_widgets.evaluation import EVALUATION_NOTEBOOK, load_evaluation
from ssr_widgets.pretest import PRETEST_NOTEBOOK, load_pretest

from .quiz_helpers import complete_evaluation, fill, keys, make_course, paper, wrong


# ------------------------------------------------------------------------------------------- the arithmetic
def test_gain_and_hakes_normalised_gain_are_exact():
    pre = {"a": {"LO1": 0.0, "LO2": 50.0}, "b": {"LO1": 100.0, "LO2": 0.0}, "c": {"LO1": 50.0}}
    post = {"a": {"LO1": 100.0, "LO2": 50.0}, "b": {"LO1": 100.0, "LO2": 100.0}, "d": {"LO1": 0.0}}
    gains = learner_gains(pre, post)
    assert [g.student for g in gains] == ["a", "b"]  # c has no quiz, d no pre-test
    lo1, lo2, overall = summarise(gains, "LO1"), summarise(gains, "LO2"), summarise(gains)
    assert (lo1.learners, lo1.mean_pre, lo1.mean_post, lo1.gain, lo1.normalised) == (2, 50.0, 100.0, 50.0, 1.0)
    assert (lo2.mean_pre, lo2.mean_post, lo2.gain, lo2.normalised) == (25.0, 75.0, 50.0, pytest.approx(50 / 75))
    # overall: each learner's mean over the objectives; a: 25 -> 75, b: 50 -> 100
    assert (overall.mean_pre, overall.mean_post, overall.gain) == (37.5, 87.5, 50.0)
    assert overall.normalised == pytest.approx(50 / 62.5)
    assert GainSummary(3, 100.0, 100.0).normalised is None  # nothing left to learn: g is undefined, not 0
    assert GainSummary(3, 60.0, 40.0).normalised == pytest.approx(-0.5)  # a loss shows as a loss
    assert summarise([], "LO1") == GainSummary(0, None, None)
    assert LearnerGain("x", {"LO1": 0.0}, {"LO2": 100.0}).objectives == []
    assert learner_gains({"x": {"LO1": 0.0}}, {"x": {"LO2": 100.0}}) == []  # nothing measured both times


@pytest.mark.parametrize(("sizes", "hidden"), [
    ([6, 3, 7, 0, 5], [1, 4]),  # 3 is too small; alone it could be worked out from the total, so the next smallest goes
    ([2, 3, 10, 0], [0, 1]),  # two small groups hide each other
    ([5, 5, 0], []),
    ([4, 0, 0], [0]),  # the only group: nothing else to hide
    ([0, 0, 12, 1], [2, 3]),
    ([9, 8, 1, 2, 0], [2, 3]),
])
def test_small_groups_are_suppressed_with_a_second_one_when_needed(sizes, hidden):
    why = suppress(sizes)
    assert [i for i, w in enumerate(why) if w] == hidden
    assert all(why[i].startswith("fewer than 5") for i in hidden if 0 < sizes[i] < 5)


def test_profiles_come_only_from_the_evaluations_answers():
    ev = load_evaluation()
    records = [EvaluationRecord("a", True, {"eval_category": "P", "eval_gender": "W"}, (), ()),
               EvaluationRecord("b", True, {"eval_pace": "3"}, (), ()),
               EvaluationRecord("c", False, {"eval_category": "M"}, (), ())]  # not submitted: not used
    found = profiles(ev, records)
    assert found == {"a": {"eval_category": "P", "eval_gender": "W"}, "b": {}}
    dims = {d.var: d for d in breakdown(ev, found, ["a", "b", "c"], min_size=1)}
    category = {g.name: g.members for g in dims["eval_category"].groups}
    assert category == {"Military": (), "Police": ("a",), "Civilian": (), "Other": (), NOT_STATED: ("b", "c")}
    assert [d.label for d in dims.values()] == ["category", "gender", "earlier SSR training"]


# -------------------------------------------------------------------------- a cohort through the real pipeline
#: 12 learners. A: right on the pre-test's LO1-LO3 and on every quiz question. B: right on the pre-test's LO1 only,
#: and on the quiz's questions on LO1-LO6 only. Their profiles, from the evaluation: A are 6 police women; of B,
#: 4 are military and say they prefer not to give a gender, 2 hand in no evaluation.
GROUP_A = [f"amira-{n}" for n in range(6)]  # "-" is not in base64: an id cannot turn up inside an embedded image
GROUP_B = [f"bashir-{n}" for n in range(6)]
PRE_RIGHT = {"a": {"LO1", "LO2", "LO3"}, "b": {"LO1"}}
POST_RIGHT = {"a": {f"LO{n}" for n in range(1, 10)}, "b": {f"LO{n}" for n in range(1, 7)}}
#: per objective: (mean pre, mean post, gain, g)
EXPECTED = {"LO1": (100.0, 100.0, 0.0, None), "LO2": (50.0, 100.0, 50.0, 1.0), "LO3": (50.0, 100.0, 50.0, 1.0),
            **{f"LO{n}": (0.0, 100.0, 100.0, 1.0) for n in (4, 5, 6)},
            **{f"LO{n}": (0.0, 50.0, 50.0, 0.5) for n in (7, 8, 9)}}


def _number(text: str) -> float | None:
    return float(text) if text else None


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gain")
    course = make_course(tmp / "course")
    pt = load_pretest()
    released = course.released_notebook.parent
    for student in GROUP_A + GROUP_B:
        group = student[0]
        pre = {f.var: key(pt, f) if f.objective in PRE_RIGHT[group] else "" for f in pt.fields}
        pretest = fill_answers(nbformat.read(released / PRETEST_NOTEBOOK, as_version=4), pre)
        # handed in alone at the start of the course
        assert accept(course, Incoming(student, "test: start", pretest=nbformat.writes(pretest).encode())).status \
            == "new"
        own = keys(course, student)
        answers = {slot: own[slot] if objective in POST_RIGHT[group] else wrong(course, student, slot)
                   for slot, objective in course.quiz.slots}
        evaluation = None
        if student not in ("bashir-4", "bashir-5"):
            ev_answers = complete_evaluation(2)
            ev_answers.update({"eval_category": "P", "eval_gender": "W"} if group == "a" else
                              {"eval_category": "M", "eval_gender": "N"})
            ev_answers["eval_improve"] = f'<script>alert("{student}")</script> =SUM(A1)'
            if student == "amira-0":  # a higher mark for usefulness from one learner, to check the means by group
                ev_answers["eval_relevance"] = "5"
            evaluation = fill_answers(nbformat.read(released / EVALUATION_NOTEBOOK, as_version=4), ev_answers)
            evaluation = nbformat.writes(evaluation).encode()
        if student == "bashir-4":  # hands in an evaluation with no profile answer, claiming one in its metadata and tags
            nb = json.loads(nbformat.writes(nbformat.read(released / EVALUATION_NOTEBOOK, as_version=4)))
            nb["metadata"]["ssr_profile"] = {"eval_category": "C", "eval_gender": "W"}
            for cell in nb["cells"]:
                cell.setdefault("metadata", {})["tags"] = ["eval_category=C"]
            nb["cells"].append({"cell_type": "markdown", "metadata": {}, "id": "x",
                                "source": 'eval_category = "C"\n<b>I am civilian</b>'})
            nb["cells"].append({"cell_type": "code", "metadata": {}, "id": "y", "outputs": [], "execution_count": None,
                                "source": 'eval_gender = "<b>W</b>"'})
            evaluation = json.dumps(nb).encode()
        quiz = nbformat.writes(fill(paper(course, student), answers)).encode()
        result = accept(course, Incoming(student, "test: end", quiz=quiz, evaluation=evaluation,
                                         pretest=nbformat.writes(pretest).encode()))
        assert isinstance(result, Accepted), result
    assert all(o.graded for o in grade_cohort(course, workers=2, progress=False))
    from ssr_grader.reports.cohort import write_report

    out = tmp / "report"
    page = write_report(course, out).read_text(encoding="utf-8")
    return {"course": course, "out": out, "page": page}


def test_cohort_learning_gain_is_exact_per_objective_and_overall(cohort):
    rows = {r["objective"]: r for r in csv.DictReader((cohort["out"] / "learning_gain.csv").open(encoding="utf-8"))}
    for lo, (pre, post, gain, g) in EXPECTED.items():
        r = rows[lo]
        assert r["learners"] == "12"
        assert (_number(r["mean_pre_percent"]), _number(r["mean_post_percent"]), _number(r["mean_gain_points"]),
                _number(r["normalised_gain"])) == (pre, post, gain, g), lo
    # overall: A 33.3 -> 100, B 11.1 -> 66.7; cohort 22.2 -> 83.3, gain 61.1, g = 61.1 / 77.8
    assert (rows["all"]["mean_pre_percent"], rows["all"]["mean_post_percent"], rows["all"]["mean_gain_points"],
            rows["all"]["normalised_gain"]) == ("22.2", "83.3", "61.1", "0.79")
    learners = list(csv.DictReader((cohort["out"] / "learning_gain_learners.csv").open(encoding="utf-8")))
    assert len(learners) == 12 * 10
    b0 = {r["objective"]: r for r in learners if r["learner"] == "bashir-0"}
    assert (b0["LO7"]["pre_percent"], b0["LO7"]["post_percent"], b0["LO7"]["gain_points"]) == ("0", "0", "0")
    assert (b0["all"]["pre_percent"], b0["all"]["post_percent"], b0["all"]["normalised_gain"]) == \
        ("11.1", "66.7", "0.62")
    assert "profile" not in learners[0] and "group" not in learners[0]  # per-learner rows never carry a profile
    page = cohort["page"]
    assert "Learning gain: pre-test and end-of-course quiz" in page
    assert "12 pre-tests handed in (with at least one answer); 12 learners have both" in page
    assert "<tr><th>All objectives</th><td>12</td><td>22.2</td><td>83.3</td><td>61.1</td><td>0.79</td></tr>" in page


def test_gain_by_profile_shows_only_groups_of_five_or_more(cohort):
    rows = list(csv.DictReader((cohort["out"] / "learning_gain_by_profile.csv").open(encoding="utf-8")))
    by = {(r["profile"], r["group"]): r for r in rows}
    police = by[("category", "Police")]
    assert (police["learners"], police["mean_pre_percent"], police["mean_post_percent"], police["mean_gain_points"],
            police["normalised_gain"]) == ("6", "33.3", "100", "66.7", "1")
    assert by[("category", "Military")]["learners"] == "fewer than 5" and by[("category", "Military")][
        "mean_pre_percent"] == ""
    assert by[("category", NOT_STATED)]["learners"] == "fewer than 5"  # bashir-4's metadata claim is not an answer
    assert by[("category", "Civilian")]["learners"] == "0"
    assert by[("gender", "Woman")]["learners"] == "6"
    assert by[("gender", "I prefer not to say")]["learners"] == "fewer than 5"
    # earlier training: the 10 with an evaluation all gave the same answer, bashir-4 and -5 none. "Not stated" (2) is
    # too small, and alone it would be the cohort minus the other group: so that group is hidden too.
    said = dict(load_evaluation().field("eval_prior_training").choices)[complete_evaluation(2)["eval_prior_training"]]
    assert by[("earlier SSR training", NOT_STATED)]["learners"] == "fewer than 5"
    assert by[("earlier SSR training", said)]["learners"] == "hidden"
    assert "hidden too, so that the small group cannot be worked out from the total" in cohort["page"]
    for r in rows:  # nothing about a hidden group can be read from the file
        if not r["learners"].isdigit():
            assert r["mean_pre_percent"] == r["mean_post_percent"] == r["normalised_gain"] == ""
    gain_part = cohort["page"].split("Learning gain: pre-test", 1)[1].split("<h2>Course evaluation", 1)[0]
    assert "not shown: fewer than 5 learners" in gain_part
    assert not any(s in gain_part for s in GROUP_A + GROUP_B)  # no learner id next to a profile


def test_satisfaction_by_profile_is_suppressed_and_learner_text_is_inert(cohort):
    ev = load_evaluation()
    rows = list(csv.DictReader((cohort["out"] / "evaluation_by_profile.csv").open(encoding="utf-8")))
    by = {(r["profile"], r["group"]): r for r in rows}
    police = by[("category", "Police")]
    usefulness = next(h for h in rows[0] if h.startswith("usefulness"))
    expected = [complete_evaluation(2)["eval_relevance"]] * 5 + ["5"]  # amira-1 to -5 answered like seed 2; amira-0 said 5
    assert police["learners"] == "6" and float(police[usefulness]) == pytest.approx(
        round(sum(int(v) for v in expected) / 6, 2))
    recommend = next(h for h in rows[0] if h.startswith("recommend"))
    assert police[recommend] in {"0", "100"}
    hidden = by[("category", "Military")]
    assert hidden["learners"] == "fewer than 5" and hidden[usefulness] == "" and hidden[recommend] == ""
    assert by[("category", NOT_STATED)]["learners"] == "fewer than 5"  # bashir-4 only; bashir-5 sent no evaluation
    # the profile answers are not counted like opinions
    items = {r["field"] for r in csv.DictReader((cohort["out"] / "evaluation_items.csv").open(encoding="utf-8"))}
    assert not items & {f.var for f in ev.profile_fields} and "eval_pace" in items
    page = cohort["page"]
    evaluation_part = page.split("<h2>Course evaluation", 1)[1]
    assert "Results by participant profile" in evaluation_part and "not shown" in evaluation_part
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;amira-0&quot;)&lt;/script&gt;" in page
    assert "I am civilian" not in page and "&lt;b&gt;W" not in page
    comments = list(csv.DictReader((cohort["out"] / "evaluation_comments.csv").open(encoding="utf-8")))
    assert all(not r["comment"].startswith(("=", "+", "-", "@")) for r in comments)
    profile_part = evaluation_part.split("Results by participant profile", 1)[1].split("<h2>Comments", 1)[0]
    assert not any(s in profile_part for s in GROUP_A + GROUP_B)  # (the comments hold what learners typed)
