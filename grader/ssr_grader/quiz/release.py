"""One step from item bank to released quiz: source notebook, nbgrader release, learner copy, evaluation.

``nbgrader generate_assignment`` strips the solutions and hidden tests. The released notebook
is also copied into ``notebooks/quiz/`` of the course, where Binder and local learners open it;
a test checks that copy is exactly what this step produces.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat

from ..course import Course
from .evaluation import write_evaluation
from .source import write_source

__all__ = ["build_quiz"]


class BuildError(RuntimeError):
    """nbgrader could not generate the learner version; the message carries nbgrader's log."""


def _submissions(course: Course) -> list[str]:
    base = course.root / "submitted"
    return sorted(p.name for p in base.glob(f"*/{course.quiz.assignment}")) if base.is_dir() else []


def _questions(path: Path) -> list[tuple[str, str]]:
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source) for c in nb.cells]


def build_quiz(course: Course, learner_copy: Path | None = None, *, replace_graded_quiz: bool = False) -> Path:
    """Write the source quiz, run nbgrader's generate_assignment, and copy the release.

    The course evaluation notebook is written beside the released quiz (and beside the learner
    copy), so it is released, submitted and collected with the quiz. Returns the path of the
    released learner notebook.

    Once learners have submitted, a *changed* quiz is refused unless ``replace_graded_quiz``: nbgrader
    would grade the existing submissions against the new questions and hidden tests. Rebuilding an
    unchanged quiz is always allowed.
    """
    source = course.root / "source" / course.quiz.assignment / course.quiz.notebook
    submitted = _submissions(course)
    if submitted and source.exists() and not replace_graded_quiz:
        with tempfile.TemporaryDirectory() as tmp:
            candidate = write_source(Path(tmp), course.bank, course.quiz, rubric_dir=course.root)
            if _questions(candidate) != _questions(source):
                raise BuildError(
                    f"the quiz has changed, but {len(submitted)} learners have already submitted the current one "
                    f"({', '.join(submitted[:5])}{' ...' if len(submitted) > 5 else ''}). nbgrader would grade their "
                    "answers against the new questions. Finish this cohort first (grade, export, report), then "
                    "start the next cohort in a fresh course folder, or rebuild with --replace-graded-quiz."
                )
    write_source(course.root, course.bank, course.quiz)
    result = course.api().generate_assignment(course.quiz.assignment, force=True, create=True)
    if not result["success"]:
        raise BuildError(f"nbgrader generate_assignment failed:\n{result.get('log', '')[-4000:]}")
    released = course.released_notebook
    write_evaluation(released.parent)
    if learner_copy is not None:
        learner_copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(released, learner_copy)
        write_evaluation(learner_copy.parent)
    return released
