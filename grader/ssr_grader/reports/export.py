"""Grades for an LMS gradebook: one CSV row per learner with score, percent and pass/fail.

The columns (id, first name, last name, email, score, max score, percent, passed) import into
common LMS gradebooks by id or email. Scores come from nbgrader's gradebook, so hand-marked
points (the open question) count once a grader has entered them; learners still waiting for a
hand mark are flagged. The file is written atomically: a half-written export never replaces a
good one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..course import Course
from ..files import atomic_write_bytes, atomic_write_text

__all__ = ["GradeRow", "grade_rows", "write_grades_csv", "write_nbgrader_export"]

COLUMNS = ["id", "first_name", "last_name", "email", "score", "max_score", "percent", "passed", "needs_hand_marking"]


@dataclass(frozen=True)
class GradeRow:
    id: str
    first_name: str
    last_name: str
    email: str
    score: float | None
    max_score: float
    needs_hand_marking: bool

    @property
    def percent(self) -> float | None:
        return None if self.score is None else round(100 * self.score / self.max_score, 1)

    def passed(self, pass_mark: float) -> bool:
        return self.score is not None and self.score / self.max_score >= pass_mark - 1e-9


def grade_rows(course: Course) -> list[GradeRow]:
    """Every learner in the gradebook, with their quiz score (None when nothing was submitted)."""
    from nbgrader.api import Gradebook, MissingEntry

    coursedir = course.api().coursedir
    rows = []
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        max_score = float(course.quiz.total_points)
        for st in sorted(gb.students, key=lambda s: s.id):
            try:
                sub = gb.find_submission(course.quiz.assignment, st.id)
            except MissingEntry:
                rows.append(GradeRow(st.id, st.first_name or "", st.last_name or "", st.email or "", None,
                                     max_score, False))
                continue
            rows.append(GradeRow(st.id, st.first_name or "", st.last_name or "", st.email or "", float(sub.score),
                                 float(sub.max_score), bool(sub.needs_manual_grade)))
    return rows


def write_grades_csv(course: Course, path: Path) -> list[GradeRow]:
    rows = grade_rows(course)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([r.id, r.first_name, r.last_name, r.email,
                         "" if r.score is None else f"{r.score:g}", f"{r.max_score:g}",
                         "" if r.percent is None else f"{r.percent:g}",
                         "yes" if r.passed(course.quiz.pass_mark) else "no",
                         "yes" if r.needs_hand_marking else "no"])
    atomic_write_text(path, buf.getvalue(), encoding="utf-8-sig")  # BOM: spreadsheets read UTF-8 names
    return rows


def write_nbgrader_export(course: Course, path: Path) -> Path:
    """nbgrader's own full grades table (its ``CsvExportPlugin``, as ``nbgrader export`` writes it).

    It has one row per learner and assignment with nbgrader's columns (timestamp, raw score,
    late penalty...), for graders who use nbgrader's tools. Written to a temporary file, then
    moved into place, like the LMS CSV.
    """
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    coursedir = course.api().coursedir
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.nbgrader.tmp")
    try:
        plugin = CsvExportPlugin(config=course.config(), to=str(tmp), assignment=[course.quiz.assignment])
        with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
            plugin.export(gb)
        atomic_write_bytes(path, tmp.read_bytes())
    finally:
        tmp.unlink(missing_ok=True)
    return path
