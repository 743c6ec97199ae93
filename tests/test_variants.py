"""The quiz measures knowledge: test-wise strategies and guessing fail on every learner's paper, and the
item analysis of a simulated cohort, graded through the real pipeline, flags no item of the bank."""

from __future__ import annotations

import csv
import math
import random

import pytest

from ssr_grader.course import open_course
from ssr_grader.quiz.cues import _words
from ssr_grader.quiz.variants import draw_paper

from .conftest import ROOT
from .quiz_helpers import fill, make_course, paper, submit_files

LEARNERS = [f"learner{n:04d}" for n in range(400)]


@pytest.fixture(scope="module")
def course():
    return open_course(ROOT / "grader")


def papers(course, secret=b"test secret of a course: 32 bytes"):
    return [draw_paper(course.bank, course.quiz, secret, s) for s in LEARNERS]


def _top(options, measure, k: int) -> list[set[str]]:
    """Every way to take the k options that score highest on ``measure`` (ties kept as alternatives)."""
    ranked = sorted(options, key=measure, reverse=True)
    cut = measure(ranked[k - 1])
    sure = {o.id for o in ranked if measure(o) > cut}
    tied = [o.id for o in ranked if measure(o) == cut]
    need = k - len(sure)
    from itertools import combinations

    return [sure | set(c) for c in combinations(tied, need)]


def cue_points(slot, measure) -> float:
    """Expected points of a learner who picks by a surface cue, told how many answers to pick (ties: at random)."""
    item = slot.item
    key = {o.id for o in item.options if o.correct}
    choices = _top(item.options, measure, len(key))
    return sum(c == key for c in choices) / len(choices)


def passes(course, mc_points: float) -> bool:
    """Whether this many multiple-choice points pass, even with full marks on the open question."""
    return (mc_points + course.quiz.open_question.points) >= course.quiz.pass_mark * course.quiz.total_points - 1e-9


@pytest.mark.parametrize("strategy", ["longest option", "most words from the stem"])
def test_a_test_wise_learner_fails_on_every_paper(course, strategy):
    worst = 0.0
    for p in papers(course):
        stem_words = {s.slot: _words(s.item.stem) for s in p.slots}
        points = 0.0
        for s in p.slots:
            if strategy == "longest option":
                points += cue_points(s, lambda o: len(o.text))
            else:
                points += cue_points(s, lambda o, w=stem_words[s.slot]: len(_words(o.text) & w))
        assert not passes(course, points), (p.student, strategy, points)
        worst = max(worst, points)
    # far from the pass mark, not just under it: about chance level
    assert worst <= 0.5 * len(course.quiz.slots), worst


def test_random_guessing_passes_less_than_one_percent(course):
    """Exact probability (per paper, a Poisson-binomial over its questions), with full marks on the open question."""
    need = math.ceil(course.quiz.pass_mark * course.quiz.total_points - course.quiz.open_question.points - 1e-9)
    worst = 0.0
    for p in papers(course)[:100]:
        dist = [1.0]  # dist[k]: probability of k right so far
        for s in p.slots:
            n = len(s.item.options)
            right = 1 / (2 ** n - 2) if s.item.multiple else 1 / n  # multiple: any non-empty, not-all subset
            dist = [(dist[k] if k < len(dist) else 0) * (1 - right) + (dist[k - 1] * right if k else 0)
                    for k in range(len(dist) + 1)]
        worst = max(worst, sum(dist[need:]))
    assert worst < 0.01, worst
    # and a simulation agrees: 20,000 guessers on one paper
    rng = random.Random(7)  # noqa: S311 - a reproducible simulation
    p = papers(course)[0]
    passed = 0
    for _ in range(20_000):
        points = 0
        for s in p.slots:
            letters = s.letters
            if s.item.multiple:
                while not (0 < len(pick := {c for c in letters if rng.random() < 0.5}) < len(letters)):
                    pass
            else:
                pick = {rng.choice(letters)}
            points += pick == set(s.key)
        passed += passes(course, points)
    assert passed / 20_000 < 0.01


def test_two_papers_differ_and_every_item_is_drawn(course):
    ps = papers(course)
    items = [[s.item.id for s in p.slots] for p in ps]
    orders = [[s.order for s in p.slots] for p in ps]
    assert len({tuple(i) for i in items}) > 0.9 * len(ps)  # nearly every learner a different set of items
    assert all(items[0][k] != items[1][k] or orders[0][k] != orders[1][k] for k in range(3))
    drawn = {i for row in items for i in row}
    assert drawn == {it.id for it in course.bank.items}  # every pool item is used across a cohort
    # each option position holds the key about equally often: no letter is a safe bet
    first = [p.slots[0] for p in ps if not p.slots[0].item.multiple]
    letters = [s.key for s in first]
    assert max(letters.count(c) for c in "ABCD") < 0.45 * len(letters)
    # another course secret gives other papers: the draw is not guessable from the learner id
    other = papers(course, secret=b"another course, another secret!!")
    assert sum(a.slots[0].item.id == b.slots[0].item.id and a.slots[0].order == b.slots[0].order
               for a, b in zip(ps, other, strict=True)) < 0.2 * len(ps)


@pytest.mark.slow
def test_item_analysis_of_a_simulated_cohort_flags_no_item(tmp_path):
    """A simulated cohort answers its own papers (ability and item difficulty, IRT-like), is collected and graded
    by the real pipeline, and the cohort report's item analysis (per bank item) flags nothing; alpha reported."""
    from ssr_grader.grading.batch import grade_cohort
    from ssr_grader.quiz.papers import learner_draw
    from ssr_grader.reports.cohort import write_report

    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "course_secret.key").write_text("5e" * 32 + "\n")  # the same papers on every run
    course = make_course(tmp_path / "course")
    rng = random.Random(11)  # noqa: S311 - a reproducible simulation
    difficulty = {it.id: rng.uniform(-1.0, 1.0) for it in course.bank.items}
    students = [f"sim{n:03d}" for n in range(240)]
    for student in students:
        ability = rng.gauss(0, 1)
        answers = {}
        for s in learner_draw(course, student).slots:
            p_know = 1 / (1 + math.exp(-1.7 * (ability - difficulty[s.item.id])))
            if rng.random() < p_know:
                answers[s.slot] = s.key
            else:  # does not know: guesses among the options
                answers[s.slot] = rng.choice(s.letters)
        submit_files(course, student, fill(paper(course, student), answers))
    outcomes = grade_cohort(course, progress=False)
    assert all(o.graded for o in outcomes) and len(outcomes) == len(students)
    write_report(course, tmp_path / "report")
    with open(tmp_path / "report" / "items.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["item"] for r in rows} == {it.id for it in course.bank.items}
    assert all(int(r["learners"]) >= 30 for r in rows)  # each item measured on the papers that drew it
    flagged = [(r["item"], r["discriminative_efficiency_%"]) for r in rows if r["flag_below_15"] == "yes"]
    assert flagged == []
    with open(tmp_path / "report" / "test.csv", encoding="utf-8") as fh:
        stats = dict(csv.reader(fh))
    alpha = float(stats["cronbach_alpha_%"])
    print(f"Cronbach's alpha of the simulated cohort: {alpha:.1f} %")
    assert 50 < alpha <= 100
    html = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "cronbach_alpha_%" in html and "learners" in html


def test_trainer_guide_holds_the_current_alignment_table():
    from ssr_grader.quiz.alignment import BEGIN, END, alignment_table

    course = open_course(ROOT / "grader")
    guide = (ROOT / "grader" / "TRAINER_GUIDE.md").read_text(encoding="utf-8")
    block = guide.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert block == alignment_table(course).strip(), "run: ssr-trainer alignment --write"
    for n in range(1, 10):  # every objective is taught, practised and assessed by 2+ questions per paper
        row = next(line for line in block.splitlines() if line.startswith(f"| **LO{n}**"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[2] != "—" and not cells[3].startswith("0:") and int(cells[4]) >= 3, row
        assert int(cells[5].split()[0]) >= 2, row
        assert cells[1], row  # its key verb is named


def test_a_lost_course_secret_stops_the_course_with_a_clear_message(tmp_path):
    """Without the secret no paper can be rebuilt: refuse, never draw new papers silently."""
    from ssr_widgets.model import ContentError

    course = make_course(tmp_path / "course")
    code = paper(course, "amina").metadata["ssr_quiz"]["paper"]
    secret = (course.root / "course_secret.key").read_bytes()
    (course.root / "course_secret.key").unlink()
    with pytest.raises(ContentError, match=r"course_secret\.key is missing.*restore it from your backup"):
        open_course(course.root)
    with pytest.raises(FileNotFoundError, match=r"course_secret\.key is missing"):
        paper(course, "amina")  # a course already open does not make a new secret either
    (course.root / "course_secret.key").write_bytes(secret)
    assert paper(open_course(course.root), "amina").metadata["ssr_quiz"]["paper"] == code
