"""Autograde submissions one learner at a time, so one broken submission never stops the rest.

Uses nbgrader's own API (``NbGraderAPI.autograde``) per learner and reads scores back from the
gradebook. Only submissions that ``ssr-trainer collect`` took in are graded: their notebook is the
trusted quiz rebuilt with the learner's answers, and the learner's identity was checked at intake.
Each learner gets an :class:`Outcome` in plain words: graded (with score), or not graded and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..course import Course
from ..intake.notebook import Unreadable, read_notebook
from ..intake.submission import intake_record, submitted_dir, written_quiz_matches

__all__ = ["Outcome", "autograde_all", "grade_one", "precheck", "read_notebook_file", "scores", "submitted_students"]


@dataclass(frozen=True)
class Outcome:
    student: str
    graded: bool
    message: str
    score: float | None = None
    max_score: float | None = None
    notes: tuple[str, ...] = ()


def read_notebook_file(path: Path) -> tuple[dict | None, str | None]:
    """``(notebook JSON, None)``, or ``(None, a plain-language problem)`` when it cannot be used."""
    try:
        return read_notebook(path), None
    except Unreadable as exc:
        return None, str(exc)


def submitted_students(course: Course) -> list[str]:
    base = course.root / "submitted"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if not p.name.startswith(".") and (p / course.quiz.assignment).is_dir())


def autograde_all(course: Course, students: list[str] | None = None) -> list[Outcome]:
    """Autograde every submitted learner (or the given ones), one after another, in this process."""
    return [grade_one(course, s) for s in (students if students is not None else submitted_students(course))]


def precheck(course: Course, student: str) -> Outcome | None:
    """An ungraded Outcome saying why a submission cannot be graded, or None when it can."""
    folder = submitted_dir(course, student)
    record = intake_record(course, student)
    if record is None:
        return Outcome(student, False, "not collected by  ssr-trainer collect  (nbgrader's own collect does not "
                                       "check who sent a file): collect it again with ssr-trainer")
    if not (folder / course.quiz.notebook).exists():
        return Outcome(student, False, f"no {course.quiz.notebook} in the submission (only the evaluation came in)")
    if not written_quiz_matches(course, student, record):
        return Outcome(student, False, f"{course.quiz.notebook} was replaced after  ssr-trainer collect  took it in: "
                                       "collect it again with ssr-trainer")
    return None


def grade_one(course: Course, student: str) -> Outcome:
    """Autograde one learner with nbgrader's API; any problem becomes the Outcome's message."""
    if (rejected := precheck(course, student)) is not None:
        return rejected
    result = course.api().autograde(course.quiz.assignment, student, force=True, create=True)
    log = result.get("log", "")
    if not result.get("success"):
        return Outcome(student, False, _first_error(log))
    score, max_score = scores(course, student)
    notes = tuple((intake_record(course, student) or {}).get("notes", []))
    if "Timeout" in log or "timed out" in log.lower():
        notes += ("a cell ran out of time and was stopped",)
    return Outcome(student, True, "graded", score, max_score, notes)


def scores(course: Course, student: str) -> tuple[float, float]:
    from nbgrader.api import Gradebook

    coursedir = course.api().coursedir
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        sub = gb.find_submission(course.quiz.assignment, student)
        return float(sub.score), float(sub.max_score)


def _first_error(log: str) -> str:
    for line in log.splitlines():
        if line.startswith("[ERROR]") and "Please see" not in line:
            return "nbgrader could not grade it: " + line.removeprefix("[ERROR]").strip()
    return "nbgrader could not grade it (see the log)"
