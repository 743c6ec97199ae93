"""The graded quiz end to end with nbgrader's own commands: build, release, both ways in, autograde, feedback."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from ssr_grader.course import open_course
from ssr_grader.grading.autograde import autograde_all, scores
from ssr_grader.grading.hooks import parse_answer

from .conftest import ROOT
from .quiz_helpers import answer_cells, fill, known_mix, make_course, submit_files

NBGRADER = [sys.executable, "-m", "nbgrader"]
LEARNER_COPY = ROOT / "notebooks" / "quiz" / "end_of_course_quiz.ipynb"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("course"))


def nbgrader(args, cwd, env=None, check=True):
    env = {**os.environ, **(env or {}), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    done = subprocess.run(NBGRADER + args, cwd=cwd, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done


def test_item_bank_covers_every_objective():
    course = open_course(ROOT / "grader")
    per_lo = Counter(it.objective for it in course.bank.items)
    assert len(course.bank.items) >= 30
    assert all(per_lo[f"LO{n}"] >= 2 for n in range(1, 10)), per_lo
    assert any(it.multiple for it in course.bank.items) and any(not it.multiple for it in course.bank.items)
    assert len(course.quiz.items) >= 20 and course.quiz.pass_mark == 0.70
    assert course.quiz.open_question.points < course.quiz.total_points / 2  # a minority of the marks


def test_released_quiz_has_no_answers(course):
    nb = nbformat.read(course.released_notebook, as_version=4)
    text = course.released_notebook.read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "assert " not in text
    for item_id in course.quiz.items:
        assert answer_cells(nb)[f"answer_{item_id}"].source.strip() == f'answer_{item_id} = ""'
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test_")]
    assert len(tests) == len(course.quiz.items) and all(c.source.strip() == "" for c in tests)


def test_committed_learner_copy_is_the_current_release(course):
    """notebooks/quiz/ is a generated artefact: rebuild with `ssr-trainer build-quiz --learner-copy ...`."""
    assert LEARNER_COPY.exists(), "run: ssr-trainer build-quiz --learner-copy notebooks/quiz/end_of_course_quiz.ipynb"

    def shape(path):
        nb = nbformat.read(path, as_version=4)
        return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in nb.cells]

    assert shape(LEARNER_COPY) == shape(course.released_notebook), (
        "notebooks/quiz/end_of_course_quiz.ipynb is out of date: run "
        "ssr-trainer build-quiz --learner-copy notebooks/quiz/end_of_course_quiz.ipynb"
    )


def test_evaluation_is_released_beside_the_quiz_and_committed_in_sync(course):
    """The evaluation travels in the quiz's assignment folder; the committed learner copy is current."""
    released = course.released_notebook.parent / "course_evaluation.ipynb"
    committed = LEARNER_COPY.parent / "course_evaluation.ipynb"
    assert released.exists(), "build-quiz did not write the evaluation into the release folder"

    def shape(path):
        return [(c.cell_type, c.source) for c in nbformat.read(path, as_version=4).cells]

    assert shape(committed) == shape(released), (
        "notebooks/quiz/course_evaluation.ipynb is out of date: run "
        "ssr-trainer build-quiz --learner-copy notebooks/quiz/end_of_course_quiz.ipynb"
    )


def test_exchange_round_trip(tmp_path):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    course = make_course(tmp_path / "course", exchange=exchange)
    env = {"SSR_EXCHANGE": str(exchange)}
    nbgrader(["release_assignment", course.quiz.assignment, "--force"], course.root, env)
    answers, expected = known_mix(course)
    for learner in ("amina", "bruno"):
        home = tmp_path / learner
        home.mkdir()
        (home / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.CourseDirectory.course_id = 'ssr-intro'\nc.Exchange.root = {str(exchange)!r}\n"
        )
        learner_env = {**env, "USER": learner, "LOGNAME": learner}
        nbgrader(["fetch_assignment", course.quiz.assignment], home, learner_env)
        path = home / course.quiz.assignment / course.quiz.notebook
        nb = nbformat.read(path, as_version=4)
        nbformat.write(fill(nb, answers if learner == "amina" else {}), path)
        # nbgrader records the OS user; on one machine the learner id is given explicitly
        nbgrader(["submit", course.quiz.assignment, f"--student={learner}"], home, learner_env)
    nbgrader(["collect", course.quiz.assignment], course.root, env)
    outcomes = {o.student: o for o in autograde_all(course)}
    assert outcomes["amina"].graded and outcomes["amina"].score == expected
    assert outcomes["bruno"].graded and outcomes["bruno"].score == 0.0
    assert outcomes["amina"].max_score == course.quiz.total_points


def test_lms_zip_upload_maps_file_names_and_keeps_the_newest(tmp_path):
    course = make_course(tmp_path / "course")
    answers, expected = known_mix(course)
    released = nbformat.read(course.released_notebook, as_version=4)
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    nbformat.write(fill(nbformat.from_dict(released), answers), uploads / "amina_end_of_course_quiz.ipynb")
    nbformat.write(fill(nbformat.from_dict(released), {}), uploads / "bruno_2026-11-20T10-00-00_end_of_course_quiz.ipynb")
    nbformat.write(fill(nbformat.from_dict(released), answers),
                   uploads / "bruno_2026-11-20T11-30-00_end_of_course_quiz (1).ipynb")
    nbformat.write(released, uploads / "carla_homework.ipynb")
    (uploads / "readme.txt").write_text("not a notebook")
    archive = course.root / "downloaded" / course.quiz.assignment / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "lms-download.zip", "w") as zf:
        for f in uploads.iterdir():
            zf.write(f, f.name)
    done = nbgrader(["zip_collect", course.quiz.assignment, "--force"], course.root)
    log = done.stdout + done.stderr
    assert "Wrong notebook name homework.ipynb" in log  # listed, not silently dropped
    outcomes = {o.student: o for o in autograde_all(course)}
    assert set(outcomes) == {"amina", "bruno"}
    assert outcomes["amina"].score == expected
    assert outcomes["bruno"].score == expected  # the newer of bruno's two uploads


def test_hostile_and_broken_submissions_each_get_an_outcome(tmp_path):
    course = make_course(tmp_path / "course")
    released = nbformat.read(course.released_notebook, as_version=4)
    key = {i: course.bank.item(i).key for i in course.quiz.items}
    full = len(key) * course.quiz.points_per_item
    first, second, third = course.quiz.items[:3]
    marker = tmp_path / "ran-learner-code"

    def variant(name, change=None, answers=key):
        nb = fill(nbformat.from_dict(released), answers)
        if change:
            change(nb)
        submit_files(course, name, nb)

    def added_code(nb):
        nb.cells.insert(2, nbformat.v4.new_code_cell(f"open({str(marker)!r}, 'w').write('x')\nprint('x' * 10**7)"))

    def loop_in_answer(nb):
        answer_cells(nb)[f"answer_{first}"].source = f'answer_{first} = "{key[first]}"\nwhile True:\n    pass'

    def edited_and_deleted_tests(nb):
        for c in nb.cells:
            if c.metadata.get("nbgrader", {}).get("grade_id") == f"test_{second}":
                c.source = "assert True"
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != f"test_{third}"]

    def code_in_answer(nb):
        answer_cells(nb)[f"answer_{second}"].source = (
            f"import pathlib; pathlib.Path({str(marker)!r}).write_text('x'); answer_{second} = '{key[second]}'")

    variant("good")
    variant("adds-code", added_code)
    variant("loops", loop_in_answer)
    variant("edits-tests", edited_and_deleted_tests, answers={i: k for i, k in key.items() if i != third})
    variant("code-in-answer", code_in_answer)
    broken = course.root / "submitted" / "corrupt" / course.quiz.assignment
    broken.mkdir(parents=True)
    (broken / course.quiz.notebook).write_text('{"cells": [ {"cell_type": ')
    wrong = course.root / "submitted" / "wrong-name" / course.quiz.assignment
    wrong.mkdir(parents=True)
    nbformat.write(released, wrong / "Untitled.ipynb")

    outcomes = {o.student: o for o in autograde_all(course)}
    assert not marker.exists(), "learner code ran with the grader's privileges"
    assert outcomes["good"].score == full
    assert outcomes["adds-code"].score == full and "code cell that is not part of the quiz" in outcomes["adds-code"].notes[0]
    assert outcomes["loops"].score == full - 1 and "answer_" in outcomes["loops"].notes[0]
    assert outcomes["edits-tests"].score == full - 1  # edited test restored; deleted test put back and failed
    assert outcomes["code-in-answer"].score == full - 1
    assert not outcomes["corrupt"].graded and "damaged" in outcomes["corrupt"].message
    assert not outcomes["wrong-name"].graded and "Untitled.ipynb" in outcomes["wrong-name"].message


def test_typed_answers_score_the_same_as_clicked(tmp_path):
    course = make_course(tmp_path / "course")
    answers, expected = known_mix(course)
    released = nbformat.read(course.released_notebook, as_version=4)
    submit_files(course, "clicker", fill(nbformat.from_dict(released), answers))
    submit_files(course, "typist", fill(nbformat.from_dict(released), answers, typed=True))
    outcomes = {o.student: o for o in autograde_all(course)}
    assert outcomes["clicker"].score == outcomes["typist"].score == expected


def test_feedback_explains_answers_without_hidden_tests(tmp_path):
    course = make_course(tmp_path / "course")
    answers, _ = known_mix(course)
    submit_files(course, "amina", fill(nbformat.read(course.released_notebook, as_version=4), answers))
    autograde_all(course)
    result = course.api().generate_feedback(course.quiz.assignment, "amina", force=True)
    assert result["success"], result["log"][-2000:]
    html = (course.root / "feedback" / "amina" / course.quiz.assignment / "end_of_course_quiz.html").read_text()
    assert "HIDDEN TESTS" not in html and "assert answer_" not in html
    first, wrong = course.bank.item(course.quiz.items[0]), course.bank.item(course.quiz.items[2])
    assert "✔ Right." in html and "✘ Not right." in html
    import html as html_lib

    for o in first.options + wrong.options:
        assert html_lib.escape(o.why, quote=False) in html or o.why in html
    assert scores(course, "amina")[0] < course.quiz.total_points


@pytest.mark.parametrize(
    ("source", "expected"),
    [('answer_q01 = "B"', "B"), ("answer_q01 = 'c, a'", "AC"), ('answer_q01 = ""', ""),
     ('answer_q01 = "b"  # mine', "B"), ('answer_q01 = "BB"', None), ('answer_q01 = "Z"', None),
     ("answer_q01 = open('x').read()", None), ('answer_q02 = "B"', None),
     ('answer_q01 = "B"\nimport os', None), ("answer_q01 = 'B", None)],
)
def test_parse_answer_accepts_only_plain_answers(source, expected):
    assert parse_answer(source, "answer_q01", "ABCD") == expected


def test_open_question_is_hand_graded_in_the_gradebook(tmp_path):
    """The reflective answer needs a grader: formgrader's manual score adds to the autograded total."""
    from nbgrader.api import Gradebook

    course = make_course(tmp_path / "course")
    nb = fill(nbformat.read(course.released_notebook, as_version=4), {})
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == course.quiz.open_question.id:
            cell.source = "The offer is donor-driven; parliament and women's groups were not consulted."
    submit_files(course, "amina", nb)
    autograde_all(course)
    api = course.api()
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        notebook_id = Path(course.quiz.notebook).stem
        grade = gb.find_grade(course.quiz.open_question.id, notebook_id, course.quiz.assignment, "amina")
        assert grade.auto_score is None and grade.needs_manual_grade  # waits for a person
        grade.manual_score = 3
        gb.db.commit()
    assert scores(course, "amina") == (3.0, float(course.quiz.total_points))
    assert (ROOT / "grader" / course.quiz.open_question.rubric).read_text().count("|") > 20  # a real rubric table


def test_bank_errors_name_the_item_and_field(tmp_path):
    from ssr_grader.quiz.bank import load_bank
    from ssr_widgets.model import ContentError

    bad = tmp_path / "item_bank.yml"
    bad.write_text(
        "items:\n"
        "  - id: q01\n    objective: LO1\n    stem: S\n    sources: [{title: T}]\n    options:\n"
        "      - {id: A, text: a, correct: true, why: w}\n      - {id: B, text: b}\n      - {id: C, text: c, why: w}\n"
        "  - id: q02\n    objective: LO10\n    stem: S\n    sources: [{title: T}]\n    options:\n"
        "      - {id: A, text: a, correct: true, why: w}\n      - {id: B, text: b, why: w}\n"
        "      - {id: C, text: c, why: w}\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as err:
        load_bank(bad)
    lines = str(err.value).splitlines()
    assert "item_bank.yml: item 'q01': field 'options[1].why': Field required" in lines
    assert any(line.startswith("item_bank.yml: item 'q02': field 'objective':") for line in lines)
