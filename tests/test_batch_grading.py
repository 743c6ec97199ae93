"""Cohort grading on several processes: same scores as one by one, resumable, idempotent, manual grades kept."""

from __future__ import annotations

from pathlib import Path

import nbformat

from ssr_grader.grading.autograde import scores
from ssr_grader.grading.batch import grade_cohort

from .quiz_helpers import fill, known_mix, make_course, paper, submit_files


def test_parallel_grading_resumes_and_keeps_manual_grades(tmp_path):
    from nbgrader.api import Gradebook

    course = make_course(tmp_path / "course")
    names = [f"l{n}" for n in range(5)]
    expected = known_mix(course, "l0")[1]
    for n, name in enumerate(names):  # each learner answers their own paper; l0 answers all, later ones fewer
        answers, _ = known_mix(course, name)
        mine = {slot: a for j, (slot, a) in enumerate(sorted(answers.items())) if j >= n}
        submit_files(course, name, fill(paper(course, name), mine))
    # a damaged file is refused at intake; a folder nbgrader's own collect left is refused at grading
    from ssr_grader.intake.submission import Incoming, Refused, accept

    assert isinstance(accept(course, Incoming("broken", "test", quiz=b"{")), Refused)
    (course.root / "submitted" / "broken" / course.quiz.assignment).mkdir(parents=True)
    own = paper(course, "broken")
    own.metadata["note"] = "copied in by hand"
    nbformat.write(own, course.root / "submitted" / "broken" / course.quiz.assignment / course.quiz.notebook)

    # An "interrupted" first run graded only two learners.
    first = grade_cohort(course, workers=2, students=["l0", "l1"], progress=False)
    assert [o.graded for o in first] == [True, True] and first[0].score == expected
    later = grade_cohort(course, workers=2, progress=False)
    by = {o.student: o for o in later}
    assert by["l0"].message.startswith("up to date") and by["l1"].message.startswith("up to date")
    assert all(by[n].message == "graded" for n in names[2:])
    assert not by["broken"].graded and "not collected by  ssr-trainer collect" in by["broken"].message
    assert [by[n].score for n in names] == sorted((by[n].score for n in names), reverse=True)

    api = course.api()
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        grade = gb.find_grade(course.quiz.open_question.id, Path(course.quiz.notebook).stem,
                              course.quiz.assignment, "l2")
        grade.manual_score = 2.5
        gb.db.commit()
    before = scores(course, "l2")[0]
    again = {o.student: o for o in grade_cohort(course, workers=2, force=True, progress=False)}
    assert again["l2"].score == before  # re-grading kept the manual grade and changed nothing else
    assert {n: again[n].score for n in names} == {n: by[n].score + (2.5 if n == "l2" else 0) for n in names}
