"""Autograde a batch of submissions one learner at a time, so one broken submission never stops the rest.

Uses nbgrader's own API (``NbGraderAPI.autograde``) per learner and reads scores back from the
gradebook. Each learner gets an :class:`Outcome` in plain words: graded (with score), or not
graded and why (a damaged file, a wrong file name, a time-out...).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..course import Course

__all__ = ["Outcome", "autograde_all", "check_submission_file", "grade_one", "precheck", "read_notebook_file",
           "scores", "submitted_students"]


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
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"the file could not be read ({exc.strerror})"
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "the file is not a notebook (it is not text)"
    except json.JSONDecodeError as exc:
        return None, (f"the notebook file is damaged (not valid JSON at line {exc.lineno}); "
                      "ask the learner to upload it again")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None, "the file is not a Jupyter notebook (no cells)"
    return data, None


def check_submission_file(path: Path) -> str | None:
    """A plain-language problem with a submitted notebook file, or None if it can be graded."""
    return read_notebook_file(path)[1]


def submitted_students(course: Course) -> list[str]:
    base = course.root / "submitted"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / course.quiz.assignment).is_dir())


def autograde_all(course: Course, students: list[str] | None = None) -> list[Outcome]:
    """Autograde every submitted learner (or the given ones), one after another, in this process."""
    return [grade_one(course, s) for s in (students if students is not None else submitted_students(course))]


def precheck(course: Course, student: str) -> Outcome | None:
    """An ungraded Outcome saying why a submission cannot be graded (wrong name, damaged file), or None."""
    folder = course.root / "submitted" / student / course.quiz.assignment
    nb_path = folder / course.quiz.notebook
    if not nb_path.exists():
        found = sorted(p.name for p in folder.glob("*.ipynb"))
        return Outcome(student, False, f"no {course.quiz.notebook} in the submission"
                       + (f" (found: {', '.join(found)})" if found else ""))
    problem = check_submission_file(nb_path)
    return Outcome(student, False, problem) if problem else None


def grade_one(course: Course, student: str) -> Outcome:
    """Autograde one learner with nbgrader's API; any problem becomes the Outcome's message."""
    if (rejected := precheck(course, student)) is not None:
        return rejected
    result = course.api().autograde(course.quiz.assignment, student, force=True, create=True)
    log = result.get("log", "")
    if not result.get("success"):
        return Outcome(student, False, _first_error(log))
    score, max_score = scores(course, student)
    notes = _grader_notes(course, student)
    if "Timeout" in log or "timed out" in log.lower():
        notes += ("a cell ran out of time and was stopped",)
    return Outcome(student, True, "graded", score, max_score, notes)


def scores(course: Course, student: str) -> tuple[float, float]:
    from nbgrader.api import Gradebook

    coursedir = course.api().coursedir
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        sub = gb.find_submission(course.quiz.assignment, student)
        return float(sub.score), float(sub.max_score)


def _grader_notes(course: Course, student: str) -> tuple[str, ...]:
    """The notes NeutraliseLearnerCode left in the autograded notebook (removed cells, cleared answers)."""
    import nbformat

    path = course.root / "autograded" / student / course.quiz.assignment / course.quiz.notebook
    if not path.exists():
        return ()
    nb = nbformat.read(path, as_version=4)
    notes = []
    for cell in nb.cells:
        if cell.get("metadata", {}).get("ssr_grader_note"):
            notes += [re.sub(r"^- Grader note: ", "", line) for line in cell.source.splitlines() if line.strip()]
    return tuple(notes)


def _first_error(log: str) -> str:
    for line in log.splitlines():
        if line.startswith("[ERROR]") and "Please see" not in line:
            return "nbgrader could not grade it: " + line.removeprefix("[ERROR]").strip()
    return "nbgrader could not grade it (see the log)"
