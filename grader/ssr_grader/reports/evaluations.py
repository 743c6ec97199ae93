"""Read the course evaluations that came in with the quiz submissions.

The evaluation notebook sits beside the quiz in each learner's submitted folder (nbgrader's
collect and ``zip_collect`` bring it in). Its answers are read from the file's answer lines with
:func:`ssr_widgets.evaluation.read_answers` — parsed, never executed — and checked against the
form: a certificate needs every required answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ssr_widgets.evaluation import EVALUATION_NOTEBOOK, Evaluation, load_evaluation, missing, read_answers, validate_answers

from ..course import Course
from ..grading.autograde import read_notebook_file, submitted_students

__all__ = ["EvaluationRecord", "read_all", "read_evaluation"]


@dataclass(frozen=True)
class EvaluationRecord:
    student: str
    submitted: bool
    values: dict[str, str]
    missing: tuple[str, ...]  # labels of required answers not given
    problems: tuple[str, ...]  # a damaged file, answers outside the scale

    @property
    def complete(self) -> bool:
        return self.submitted and not self.missing

    def summary(self) -> str:
        """What is missing, in words a trainer can pass on to the learner."""
        if not self.submitted:
            return self.problems[0] if self.problems else "evaluation not submitted"
        if not self.missing:
            return "evaluation complete"
        # an answer outside its scale is missing too; say why, so the learner can correct it
        why = {p.split(":", 1)[0]: p for p in self.problems}
        items = [why.get(label, label) for label in self.missing]
        shown = "; ".join(items[:5]) + (f"; and {len(items) - 5} more" if len(items) > 5 else "")
        n = len(items)
        return f"evaluation incomplete: {n} required answer{'s' if n != 1 else ''} missing or not valid ({shown})"


def evaluation_path(course: Course, student: str) -> Path:
    return course.root / "submitted" / student / course.quiz.assignment / EVALUATION_NOTEBOOK


def read_evaluation(course: Course, student: str, evaluation: Evaluation | None = None) -> EvaluationRecord:
    """One learner's evaluation as submitted; a missing or damaged file is a record saying so."""
    evaluation = evaluation or load_evaluation()
    required = tuple(f.label for f in missing(evaluation, {}))
    path = evaluation_path(course, student)
    if not path.exists():
        return EvaluationRecord(student, False, {}, required, ("evaluation not submitted",))
    nb, problem = read_notebook_file(path)
    if problem:
        return EvaluationRecord(student, False, {}, required, (f"evaluation file: {problem}",))
    values, problems = validate_answers(evaluation, read_answers(nb))
    return EvaluationRecord(student, True, values, tuple(f.label for f in missing(evaluation, values)),
                            tuple(problems))


def read_all(course: Course, students: list[str] | None = None) -> dict[str, EvaluationRecord]:
    """Every learner's evaluation record (default: everyone who submitted one)."""
    evaluation = load_evaluation()
    return {s: read_evaluation(course, s, evaluation)
            for s in (students if students is not None else submitted_students(course))
            if students is not None or evaluation_path(course, s).exists()}
