"""Grading without a kernel gives exactly what nbgrader's autograde gives: every grade row, every comment,
every score, on an honest and hostile cohort; and nbgrader's own tools work on the result."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from ssr_grader.grading.batch import grade_cohort
from ssr_grader.grading.direct import DirectGradingUnavailable, graded_template

from .quiz_helpers import copy_course, make_course, submit_files
from .test_hostile_submissions import Cohort, attacks


def gradebook_rows(course) -> dict[str, tuple]:
    """Everything autograde decides, per learner: scores, flags and comments of every cell."""
    from nbgrader.api import Gradebook

    api = course.api()
    out = {}
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        for sub in gb.find_assignment(course.quiz.assignment).submissions:
            (snb,) = sub.notebooks
            grades = sorted((g.cell.name, g.auto_score, g.manual_score, g.needs_manual_grade) for g in snb.grades)
            comments = sorted((c.cell.name, c.auto_comment) for c in snb.comments)
            out[sub.student.id] = (sub.score, sub.max_score, snb.late_submission_penalty, str(sub.timestamp),
                                   tuple(grades), tuple(comments))
    return out


def graded_cells(course, student) -> list[tuple]:
    path = course.root / "autograded" / student / course.quiz.assignment / course.quiz.notebook
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source, [o.get("ename") for o in c.get("outputs", [])]) for c in nb.cells]


@pytest.fixture(scope="module")
def submitted_cohort(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("direct")
    course = make_course(tmp / "course")
    c = Cohort(course, tmp / "canary", {})  # learner id = the attack's name; each answers their own paper
    (tmp / "canary").mkdir()
    names = []
    for name, (nb, _) in attacks(c).items():
        data = nb if isinstance(nb, bytes) else nbformat.writes(nb).encode()
        try:
            submit_files(course, name, data)
            names.append(name)
        except AssertionError:  # refused at intake (damaged): not graded either way
            pass
    open_answer = c.notebook("writes-open", 15)
    for cell in open_answer.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == course.quiz.open_question.id:
            cell.source = "Ownership by the national authorities comes first."
    submit_files(course, "writes-open", open_answer)
    return course, [*names, "writes-open"]


@pytest.fixture
def cohort_course(submitted_cohort, tmp_path):
    """Each test its own copy of the handed-in cohort, not graded yet: one test's grading and hand marks are not
    in another's gradebook."""
    course, names = submitted_cohort
    return copy_course(course, tmp_path / "course"), names


def test_direct_and_reference_grading_agree_row_for_row(cohort_course):
    course, names = cohort_course
    direct = grade_cohort(course, progress=False)
    assert all(o.graded for o in direct) and {o.student for o in direct} == set(names)
    rows_direct = gradebook_rows(course)
    cells_direct = {s: graded_cells(course, s) for s in names}

    reference = grade_cohort(course, progress=False, force=True, reference=True, workers=2)
    assert [(o.student, o.score) for o in reference] == [(o.student, o.score) for o in direct]
    assert gradebook_rows(course) == rows_direct
    for s in names:  # the same cells, sources and failing tests in the autograded notebooks
        assert graded_cells(course, s) == cells_direct[s], s
    open_grade = {g[0]: g for g in rows_direct["writes-open"][4]}[course.quiz.open_question.id]
    assert open_grade[1:] == (None, None, True)  # a written open answer waits for a person
    assert {g[0]: g for g in rows_direct["honest-a"][4]}[course.quiz.open_question.id][1:] == (0, None, False)


def test_manual_grades_survive_and_nbgrader_tools_work_on_the_result(cohort_course):
    from nbgrader.api import Gradebook

    course, _ = cohort_course
    # Graded here: this test's own copy of the cohort is handed in, not graded yet.
    grade_cohort(course, progress=False, force=True)
    api = course.api()
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        grade = gb.find_grade(course.quiz.open_question.id, Path(course.quiz.notebook).stem, course.quiz.assignment,
                              "writes-open")
        grade.manual_score = 3.5
        gb.db.commit()
    before = gradebook_rows(course)["writes-open"][0]
    again = {o.student: o for o in grade_cohort(course, progress=False, force=True)}
    assert again["writes-open"].score == before  # re-graded without a kernel: the hand mark kept
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    for args in (["generate_feedback", course.quiz.assignment, "--force"], ["export", "--to", "exported.csv"]):
        done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course.root, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
    html = (course.root / "feedback" / "writes-open" / course.quiz.assignment / "end_of_course_quiz.html").read_text()
    assert "Ownership by the national authorities" in html and "HIDDEN TESTS" not in html
    assert "writes-open" in (course.root / "exported.csv").read_text()


def test_a_quiz_whose_tests_are_not_the_fixed_form_is_graded_the_reference_way(tmp_path):
    from nbgrader.api import Gradebook

    course = make_course(tmp_path / "course")
    api = course.api()
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        notebook = gb.find_notebook(Path(course.quiz.notebook).stem, course.quiz.assignment)
        cell = next(c for c in notebook.source_cells if c.name.startswith("test_"))
        cell.source = cell.source.replace("assert", "assert len(globals()) and")
        gb.db.commit()
    with pytest.raises(DirectGradingUnavailable, match="not of the quiz's fixed form"):
        graded_template(course)
