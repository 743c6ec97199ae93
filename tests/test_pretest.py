"""The pre-test: its content, its notebook, and how it is handed in and kept (the first answered copy counts)."""

from __future__ import annotations

import json
import math
import os
import shutil
from collections import Counter
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from ssr_grader.cli import main
from ssr_grader.intake.pretest import pretest_dir
from ssr_grader.intake.submission import Accepted, Incoming, Refused, accept
from ssr_grader.quiz.evaluation import fill_evaluation as fill_answers
from ssr_grader.quiz.pretest import build_pretest_notebook, key
from ssr_grader.reports.pretests import read_pretests
from ssr_widgets.loader import CONTENT_DIR, load_exercise
from ssr_widgets.model import ContentError
from ssr_widgets.pretest import PRETEST_NOTEBOOK, load_pretest, read_answers

from .conftest import ROOT
from .quiz_helpers import copy_course, fill, known_mix, make_course, paper


@pytest.fixture(scope="module")
def built_course(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("course"))


@pytest.fixture
def course(built_course, tmp_path):
    """Each test its own copy: the pre-tests one test hands in are not in another's course."""
    return copy_course(built_course, tmp_path / "course")


def released(course) -> nbformat.NotebookNode:
    return nbformat.read(course.released_notebook.parent / PRETEST_NOTEBOOK, as_version=4)


def answered(course, answers: dict[str, str]) -> bytes:
    """The released pre-test with ``{item id: letter}`` clicked in, as a learner hands it in."""
    pt = load_pretest()
    return nbformat.writes(fill_answers(released(course), {pt.field(k).var: v for k, v in answers.items()})).encode()


# ------------------------------------------------------------------------------------------------ content
def test_one_public_question_per_objective_never_a_certification_item():
    pt = load_pretest()
    assert sorted(f.objective for f in pt.fields) == sorted(pt.objectives)  # one per learning objective
    assert 8 <= len(pt.fields) <= 11
    from ssr_grader.quiz.bank import load_bank

    bank_stems = {" ".join(it.stem.lower().split()) for it in load_bank(ROOT / "grader" / "item_bank.yml").items}
    for f in pt.fields:
        ex = load_exercise(f.item)
        assert f.item.startswith("practice_quiz.yml#") and not ex.multiple
        assert ex.objective == f.objective and " ".join(ex.prompt.lower().split()) not in bank_stems
    # a learner who always clicks the same letter is right at most a third of the time
    letters = Counter(key(pt, f) for f in pt.fields)
    assert max(letters.values()) <= math.ceil(len(pt.fields) / 3), letters


def test_a_broken_pretest_is_reported_by_file_and_question(tmp_path):
    for name in ("course.yml", "practice_quiz.yml", "pre_test.yml"):
        shutil.copy(CONTENT_DIR / name, tmp_path / name)
    text = (tmp_path / "pre_test.yml").read_text(encoding="utf-8")
    (tmp_path / "pre_test.yml").write_text(text.replace("practice_quiz.yml#p13", "practice_quiz.yml#p14"))
    with pytest.raises(ContentError) as err:
        load_pretest(tmp_path)
    assert "pre_test.yml: question 4 (practice_quiz.yml#p14): a pre-test question must be a single-answer" in \
        str(err.value)
    (tmp_path / "pre_test.yml").write_text(text.replace("  - practice_quiz.yml#p13", "  - practice_quiz.yml#p15")
                                           .replace("  - practice_quiz.yml#p34", "  - practice_quiz.yml#p33x"))
    with pytest.raises(ContentError, match="no exercise 'p33x'"):
        load_pretest(tmp_path)
    (tmp_path / "pre_test.yml").write_text(text.replace("  - practice_quiz.yml#p34   # LO9: vetting\n", ""))
    with pytest.raises(ContentError, match="no question on LO9"):
        load_pretest(tmp_path)


def test_notebook_is_thin_holds_no_key_and_the_committed_copy_is_current(course):
    pt = load_pretest()
    nb = build_pretest_notebook(pt)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[0] == "from ssr_widgets.pretest import ask"
    assert code[1:] == [line for f in pt.fields for line in (f'ask("{f.item_id}")', f'{f.var} = ""')]
    assert read_answers(nb) == {f.var: "" for f in pt.fields}
    text = nbformat.writes(nb)
    assert "not count for your certificate" in text and "leave it blank" in text
    for f in pt.fields:  # no feedback: neither the reasons nor a mark of the right option
        for option in load_exercise(f.item).options:
            assert option.why not in text
    assert '"correct"' not in text
    shape = [(c.cell_type, c.source) for c in nb.cells]
    for where in (course.released_notebook.parent, ROOT / "notebooks" / "quiz"):
        assert [(c.cell_type, c.source) for c in nbformat.read(where / PRETEST_NOTEBOOK, as_version=4).cells] == \
            shape, f"{where / PRETEST_NOTEBOOK} is out of date: run ssr-trainer build-quiz --sample-bank " \
                   "--learner-copy notebooks/quiz/end_of_course_quiz.ipynb"


def test_ask_shows_the_click_to_answer_control():
    from ssr_widgets.pretest import ask

    pt = load_pretest()
    w = ask(pt.fields[0].item_id)
    assert w.answer_id == pt.fields[0].var and list(w.letters) == list(pt.fields[0].letters)
    assert w.prompt == pt.fields[0].prompt and w.question_label == "Question 1"


# ------------------------------------------------------------------------------------------------- intake
def test_the_first_answered_pretest_counts_and_survives_the_quiz(course):
    pt = load_pretest()
    first, second = pt.fields[0].item_id, pt.fields[1].item_id
    blank = nbformat.writes(released(course)).encode()
    result = accept(course, Incoming("amina", "test: start of course", pretest=blank))
    assert isinstance(result, Accepted) and result.status == "new" and "without answers" in result.notes[0]
    assert read_pretests(course) == {}  # a pre-test without any answer is not taken
    assert accept(course, Incoming("amina", "test", pretest=answered(course, {first: "B"}))).status == "updated"
    assert accept(course, Incoming("amina", "test", pretest=answered(course, {first: "B"}))).status == "unchanged"
    later = accept(course, Incoming("amina", "test", pretest=answered(course, {first: "B", second: "D"})))
    assert later.status == "kept" and "the pre-test counts as first handed in" in later.notes[0]
    assert read_pretests(course)["amina"].values == {pt.fields[0].var: "B"}
    assert not (course.root / "submitted" / "amina").exists()  # the pre-test alone makes no quiz submission

    # at the end of the course: quiz, evaluation and the (changed) pre-test together
    answers, _ = known_mix(course, "amina")
    quiz = nbformat.writes(fill(paper(course, "amina"), answers)).encode()
    end = accept(course, Incoming("amina", "test: end", quiz=quiz,
                                  pretest=answered(course, {first: "A", second: "D"})))
    assert end.status == "new" and any("the pre-test counts as first handed in" in n for n in end.notes)
    folder = course.root / "submitted" / "amina" / course.quiz.assignment
    assert sorted(p.name for p in folder.iterdir()) == [course.quiz.notebook, "timestamp.txt"]
    # a later quiz alone replaces the submission folder, never the pre-test
    accept(course, Incoming("amina", "test: again", quiz=quiz))
    record = read_pretests(course)["amina"]
    assert record.values == {pt.fields[0].var: "B"}
    assert record.scores[pt.fields[0].objective] == (100.0 if key(pt, pt.fields[0]) == "B" else 0.0)
    assert record.scores[pt.fields[1].objective] == 0.0  # not answered at the start: not known
    kept = sorted((pretest_dir(course, "amina") / "received").iterdir())
    assert len(kept) == 4 and all(p.stat().st_mode & 0o077 == 0 for p in kept)  # each different copy, private


def test_hostile_pretest_gives_only_literal_answers(course, tmp_path):
    pt = load_pretest()
    nb = json.loads(answered(course, {}).decode())
    nb["metadata"]["ssr_pretest"] = {"score": 100, "answers": {f.var: "A" for f in pt.fields}}
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if src == f'{pt.fields[0].var} = ""':
            cell["source"] = f"{pt.fields[0].var} = __import__('os').system('touch {tmp_path / 'pwned'}')"
        elif src == f'{pt.fields[1].var} = ""':
            cell["source"] = f'{pt.fields[1].var} = "<img src=x onerror=alert(1)>"'
        elif src == f'{pt.fields[2].var} = ""':
            cell["source"] = f'{pt.fields[2].var} = "{key(pt, pt.fields[2]).lower()}"  # typed'
        cell.setdefault("metadata", {})["tags"] = ["pretest-answer", "solution"]
    nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "id": "extra",
                        "source": 'import os\npre_zz = "A"\nos.system("id")'})
    result = accept(course, Incoming("mallory", "test", pretest=json.dumps(nb).encode()))
    assert isinstance(result, Accepted)
    stored = nbformat.read(pretest_dir(course, "mallory") / PRETEST_NOTEBOOK, as_version=4)
    trusted = released(course)
    assert len(stored.cells) == len(trusted.cells) and "ssr_pretest" not in stored.metadata
    changed = [(t.source, s.source) for t, s in zip(trusted.cells, stored.cells, strict=True) if t.source != s.source]
    assert changed == [(f'{pt.fields[1].var} = ""', f'{pt.fields[1].var} = "<img src=x onerror=alert(1)>"'),
                       (f'{pt.fields[2].var} = ""', f'{pt.fields[2].var} = "{key(pt, pt.fields[2]).lower()}"')]
    assert all(c.metadata.get("tags", []) != ["pretest-answer", "solution"] for c in stored.cells)
    record = read_pretests(course)["mallory"]
    assert record.values == {pt.fields[2].var: key(pt, pt.fields[2])}
    assert record.problems and "is not one of A, B, C, D" in record.problems[0]
    assert not (tmp_path / "pwned").exists()
    broken = accept(course, Incoming("eve", "test", pretest=b'{"cells": ['))
    assert isinstance(broken, Refused) and "pre_test.ipynb was not taken: the notebook file is damaged" in broken.reason


def test_exchange_takes_the_pretest_of_the_first_submission(tmp_path):
    """The exchange keeps every submission: the pre-test handed in at the start counts, even if first collected at
    the end, while the quiz is the newest."""
    from ssr_grader.intake.exchange import collect_exchange

    course = make_course(tmp_path / "course", exchange=tmp_path / "exchange")
    inbound = tmp_path / "exchange" / "ssr-intro" / "inbound"
    pt = load_pretest()
    start = inbound / "amina+end_of_course_quiz+2026-11-30 08:45:00.000000 UTC+a1"
    end = inbound / "amina+end_of_course_quiz+2026-11-30 16:30:00.000000 UTC+b2"
    for folder in (start, end):
        (folder / "papers" / "amina").mkdir(parents=True)
        (folder / "papers" / "amina" / course.quiz.notebook).write_text(nbformat.writes(paper(course, "amina")))
    (start / "papers" / "amina" / PRETEST_NOTEBOOK).write_bytes(answered(course, {pt.fields[0].item_id: "C"}))
    (end / "papers" / "amina" / PRETEST_NOTEBOOK).write_bytes(answered(course, {pt.fields[0].item_id: "B"}))
    answers, expected = known_mix(course, "amina")
    (end / "papers" / "amina" / course.quiz.notebook).write_text(nbformat.writes(fill(paper(course, "amina"), answers)))
    report = collect_exchange(course, uid_of=lambda name: os.getuid() if name == "amina" else None)
    assert [a.student for a in report.accepted] == ["amina"]
    assert read_pretests(course)["amina"].values == {pt.fields[0].var: "C"}
    from ssr_grader.grading.autograde import autograde_all

    assert autograde_all(course)[0].score == expected  # the quiz of the newest submission


def test_lms_pretest_at_the_start_then_quiz_at_the_end_through_the_cli(tmp_path):
    import zipfile

    from .lms_fixtures import Person, moodle_member, moodle_worksheet, zip_of

    course = make_course(tmp_path / "course")
    runner = CliRunner()
    amina = Person("Amina", "Diallo", "a@example.org", 77, 0, "amina")
    worksheet = tmp_path / "Grades-SSR-quiz-1.csv"
    worksheet.write_bytes(moodle_worksheet([amina]))
    assert runner.invoke(main, ["roster", str(worksheet), "--course-dir", str(course.root)]).exit_code == 0
    package = tmp_path / "for-lms.zip"
    result = runner.invoke(main, ["release", "--course-dir", str(course.root), "--lms-package", str(package)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(package) as zf:
        assert f"moodle-77/{PRETEST_NOTEBOOK}" in zf.namelist()
        assert PRETEST_NOTEBOOK in zf.read("HOW-TO-TAKE-THE-QUIZ.txt").decode()
    with zipfile.ZipFile(tmp_path / "for-lms-moodle-feedback-files.zip") as zf:
        assert any(name.endswith(f"_{PRETEST_NOTEBOOK}") for name in zf.namelist())
    pt = load_pretest()
    first = pt.fields[0]
    start = tmp_path / "start.zip"
    start.write_bytes(zip_of([(moodle_member(amina, PRETEST_NOTEBOOK), answered(course, {first.item_id: "A"}))]))
    result = runner.invoke(main, ["collect", "--course-dir", str(course.root), "--zip", str(start)])
    assert result.exit_code == 0, result.output
    assert "Collected 1 learners: 1 new" in result.output
    assert read_pretests(course)["moodle-77"].values == {first.var: "A"}

    answers, _ = known_mix(course, "moodle-77")
    end = tmp_path / "end.zip"
    end.write_bytes(zip_of([
        (moodle_member(amina, course.quiz.notebook), nbformat.writes(fill(paper(course, "moodle-77"), answers)).encode()),
        (moodle_member(amina, PRETEST_NOTEBOOK), answered(course, {first.item_id: key(pt, first)})),
    ]))
    result = runner.invoke(main, ["collect", "--course-dir", str(course.root), "--zip", str(end)])
    assert result.exit_code == 0, result.output
    assert "moodle-77: pre_test.ipynb: a later copy with different answers was not used" in result.output
    assert read_pretests(course)["moodle-77"].values == {first.var: "A"}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="needs root to create a system account for the learner, as on a JupyterHub")
def test_exchange_with_nbgrader_pretest_at_the_start_quiz_at_the_end(tmp_path):
    """A learner fetches with nbgrader, submits the pre-test at the start, then the quiz and a changed pre-test at the
    end; the trainer collects once, at the end: the pre-test of the start counts, the quiz of the end is graded."""
    import subprocess
    import sys
    import tempfile

    from ssr_grader.grading.autograde import autograde_all
    from ssr_grader.intake.exchange import collect_exchange
    from ssr_grader.quiz.release import release_to_exchange

    from .test_quiz_pipeline import _account, _learner_nbgrader

    exchange = Path(tempfile.mkdtemp(prefix="ssr-exchange-", dir="/tmp"))
    exchange.chmod(0o777)
    learner = "ssrt-pretest"
    try:
        course = make_course(tmp_path / "course", exchange=exchange)
        release_to_exchange(course, [learner])
        uid = _account(learner)
        home = Path(f"/home/{learner}")
        work = home / "work"
        work.mkdir(exist_ok=True)
        (work / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.CourseDirectory.course_id = 'ssr-intro'\nc.Exchange.root = {str(exchange)!r}\n"
            "c.Exchange.path_includes_course = True\n")
        shutil.chown(work, uid, uid)
        env = {**os.environ, "SSR_EXCHANGE": str(exchange), "USER": learner, "LOGNAME": learner, "HOME": str(home),
               "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
        run = {"env": env, "user": uid, "group": uid, "capture_output": True, "text": True, "cwd": work}
        nbgrader = _learner_nbgrader(uid)
        done = subprocess.run([*nbgrader, "fetch_assignment", course.quiz.assignment], **run)
        assert done.returncode == 0, done.stderr[-2000:]
        mine = next(work.rglob(f"papers/{learner}/{PRETEST_NOTEBOOK}"))
        pt = load_pretest()
        first = pt.fields[0]

        def answer(path, nb):
            nbformat.write(nb, path)
            shutil.chown(path, uid, uid)

        answer(mine, fill_answers(nbformat.read(mine, as_version=4), {first.var: "D"}))  # at the start
        done = subprocess.run([*nbgrader, "submit", course.quiz.assignment], **run)
        assert done.returncode == 0, done.stderr[-2000:]
        answers, expected = known_mix(course, learner)  # at the end: the quiz, and the pre-test changed
        quiz = next(work.rglob(f"papers/{learner}/{course.quiz.notebook}"))
        answer(quiz, fill(nbformat.read(quiz, as_version=4), answers))
        answer(mine, nbformat.read(course.released_notebook.parent / PRETEST_NOTEBOOK, as_version=4))
        answer(mine, fill_answers(nbformat.read(mine, as_version=4), {first.var: key(pt, first)}))
        done = subprocess.run([*nbgrader, "submit", course.quiz.assignment], **run)
        assert done.returncode == 0, done.stderr[-2000:]

        report = collect_exchange(course)
        assert [a.student for a in report.accepted] == [learner], report
        assert read_pretests(course)[learner].values == {first.var: "D"}
        (outcome,) = autograde_all(course)
        assert outcome.graded and outcome.score == expected
    finally:
        shutil.rmtree(exchange, ignore_errors=True)
        subprocess.run(["userdel", "--remove", learner], capture_output=True)
