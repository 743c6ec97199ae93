"""The quiz for an LMS: a zip to upload to the course page, with the answer-free quiz, the evaluation and a note."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ssr_widgets.evaluation import EVALUATION_NOTEBOOK

from ..course import Course

__all__ = ["lms_package"]

_LEARNER_NOTE = """How to take the quiz
====================

1. Open {notebook} in JupyterLab (or Jupyter Notebook).
2. Run all cells: menu Run -> Run All Cells.
3. Answer by clicking. Each click is saved in the notebook.
   If you cannot click, type the letter between the quotes in the answer cell.
4. Write your answer to the open question.
5. Save the notebook (File -> Save).
6. Open {evaluation} and answer the course evaluation the same way.
   You get your certificate when you pass the quiz AND the evaluation is complete.
7. Download both notebooks and upload both to the course page. Keep their names:
   your trainer's tools find the quiz and the evaluation by name.
"""


def lms_package(course: Course, out: Path) -> Path:
    """A zip for the LMS: the released (answer-free) quiz, the course evaluation and a short note for learners."""
    evaluation = course.released_notebook.parent / EVALUATION_NOTEBOOK
    if not evaluation.exists():
        raise FileNotFoundError(f"{evaluation} is missing: run ssr-trainer build-quiz first")
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(course.released_notebook, course.quiz.notebook)
        zf.write(evaluation, EVALUATION_NOTEBOOK)
        zf.writestr("HOW-TO-TAKE-THE-QUIZ.txt", _LEARNER_NOTE.format(notebook=course.quiz.notebook,
                                                                     evaluation=EVALUATION_NOTEBOOK))
    return out
