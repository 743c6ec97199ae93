"""Read the pre-tests the intake kept (``pretest/<learner>/``) and score them per learning objective.

Like the evaluation, a pre-test is read from its answer lines (parsed, never run), and only the
pre-test's own questions count. A blank answer is "not known yet" and scores 0; a pre-test with no
answer at all counts as not taken, so that it cannot show as a pre-test score of 0 %.
"""

from __future__ import annotations

from dataclasses import dataclass

from ssr_widgets.pretest import PRETEST_NOTEBOOK, Pretest, load_pretest, read_answers

from ..course import Course
from ..grading.autograde import read_notebook_file
from ..intake.pretest import PRETEST_DIR, pretest_dir
from ..quiz.pretest import score

__all__ = ["PretestRecord", "read_pretests"]


@dataclass(frozen=True)
class PretestRecord:
    student: str
    values: dict[str, str]  # answered questions only: {pre_p01: "B"}
    scores: dict[str, float]  # percent right per learning objective
    problems: tuple[str, ...] = ()

    @property
    def taken(self) -> bool:
        return bool(self.values)


def read_pretests(course: Course, pretest: Pretest | None = None) -> dict[str, PretestRecord]:
    """Every kept pre-test, by learner id (those without any answer are left out)."""
    pretest = pretest or load_pretest()
    base = course.root / PRETEST_DIR
    out: dict[str, PretestRecord] = {}
    if not base.is_dir():
        return out
    known = {f.var: f for f in pretest.fields}
    for folder in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")):
        student = folder.name
        nb, problem = read_notebook_file(pretest_dir(course, student) / PRETEST_NOTEBOOK)
        if problem:
            continue
        values, problems = {}, []
        for var, raw in read_answers(nb).items():
            f = known.get(var)
            if f is None or not raw.strip():
                continue
            if raw.strip().upper() in f.letters:
                values[var] = raw.strip().upper()
            else:
                problems.append(f"{f.label}: {raw[:20]!r} is not one of {', '.join(f.letters)} (counted as not known)")
        if values:
            out[student] = PretestRecord(student, values, score(pretest, values), tuple(problems))
    return out
