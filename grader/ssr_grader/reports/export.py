"""Grades for an LMS gradebook: one CSV row per learner with score, percent and pass/fail.

The columns (id, first name, last name, email, score, max score, percent, passed) import into
common LMS gradebooks by id or email. Scores come from nbgrader's gradebook, so hand-marked
points (the open question) count once a grader has entered them; learners still waiting for a
hand mark are flagged. The file is written atomically: a half-written export never replaces a
good one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nbgrader.plugins import ExportPlugin

from ..course import Course
from .csvfile import write_csv

__all__ = ["GradeRow", "SafeCsvExportPlugin", "grade_rows", "write_grades_csv", "write_nbgrader_export"]

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
    """Our grades CSV: one row per learner, quoted, formulas neutralised, UTF-8 with BOM (spreadsheets read names)."""
    rows = grade_rows(course)
    write_csv(path, COLUMNS, ([r.id, r.first_name, r.last_name, r.email,
                               "" if r.score is None else f"{r.score:g}", f"{r.max_score:g}",
                               "" if r.percent is None else f"{r.percent:g}",
                               "yes" if r.passed(course.quiz.pass_mark) else "no",
                               "yes" if r.needs_hand_marking else "no"] for r in rows), numbers=(4, 5, 6))
    return rows


NBGRADER_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                    "raw_score", "late_submission_penalty", "score", "max_score"]


class SafeCsvExportPlugin(ExportPlugin):
    """nbgrader's ``CsvExportPlugin`` with the same columns and values, written as proper CSV.

    nbgrader's own plugin joins fields with commas without quoting, so a comma in a name shifts
    the row, and it passes formulas from names through to the spreadsheet.
    """

    def export(self, gradebook) -> None:
        from nbgrader.api import MissingEntry

        dest = Path(self.to or "grades.csv")
        students = {str(s) for s in self.student}
        assignments = {str(a) for a in self.assignment}
        rows = []
        for assignment in gradebook.assignments:
            if assignments and assignment.name not in assignments:
                continue
            for student in gradebook.students:
                if students and student.id not in students:
                    continue
                try:
                    sub = gradebook.find_submission(assignment.name, student.id)
                except MissingEntry:
                    timestamp, raw, penalty, score = "", 0.0, 0.0, 0.0
                else:
                    timestamp, raw, penalty = sub.timestamp, sub.score, sub.late_submission_penalty
                    score = max(0.0, sub.score - penalty)
                values = [assignment.name, assignment.duedate, timestamp, student.id, student.last_name,
                          student.first_name, student.email, raw, penalty, score, assignment.max_score]
                rows.append(["" if v is None else str(v) if not isinstance(v, str) else v for v in values])
        self.log.info("Exporting grades to %s", dest)
        write_csv(dest, NBGRADER_COLUMNS, rows, bom=False, lineterminator="\n", numbers=(1, 2, 7, 8, 9, 10))


def write_nbgrader_export(course: Course, path: Path) -> Path:
    """nbgrader's full grades table (the columns of ``nbgrader export``), for graders who use nbgrader's tools.

    One row per learner and assignment (timestamp, raw score, late penalty...), written by
    :class:`SafeCsvExportPlugin`, which ``nbgrader export`` also uses in this course.
    """
    from nbgrader.api import Gradebook

    coursedir = course.api().coursedir
    plugin = SafeCsvExportPlugin(config=course.config(), to=str(path), assignment=[course.quiz.assignment])
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        plugin.export(gb)
    return path
