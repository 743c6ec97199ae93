"""One step from item bank to released quiz: source notebook, nbgrader release, learner copy, evaluation.

``nbgrader generate_assignment`` strips the solutions and hidden tests. The released notebook
is also copied into ``notebooks/quiz/`` of the course, where Binder and local learners open it;
a test checks that copy is exactly what this step produces.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .build import write_source
from .course import Course
from .evalbuild import write_evaluation

__all__ = ["build_quiz"]


class BuildError(RuntimeError):
    """nbgrader could not generate the learner version; the message carries nbgrader's log."""


def build_quiz(course: Course, learner_copy: Path | None = None) -> Path:
    """Write the source quiz, run nbgrader's generate_assignment, and copy the release.

    The course evaluation notebook is written beside the released quiz (and beside the learner
    copy), so it is released, submitted and collected with the quiz. Returns the path of the
    released learner notebook.
    """
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
