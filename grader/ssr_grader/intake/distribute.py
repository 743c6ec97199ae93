"""Getting the quiz to learners and their answers back: the nbgrader exchange, or an LMS.

Both ways use nbgrader's own machinery: ``release_assignment``/``collect`` for the exchange, and
``zip_collect`` with the course's LMS file-name plugin for an LMS download. For an LMS, files
that do not map to a learner are listed, never silently dropped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ssr_widgets.evaluation import EVALUATION_NOTEBOOK

from ..course import Course

__all__ = ["CollectReport", "collect_zip", "lms_package"]

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
7. Download both notebooks and upload both to the course page WITHOUT renaming them.
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


@dataclass(frozen=True)
class CollectReport:
    collected: tuple[str, ...]
    skipped: tuple[str, ...]  # files that map to no learner or the wrong notebook, with the reason
    log: str


def collect_zip(course: Course, archive: Path) -> CollectReport:
    """Import an LMS "download all submissions" zip with ``nbgrader zip_collect``."""
    if not zipfile.is_zipfile(archive):
        raise ValueError(f"{archive.name} is not a zip file")
    target = course.root / "downloaded" / course.quiz.assignment / "archive"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(archive, target / archive.name)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([sys.executable, "-m", "nbgrader", "zip_collect", course.quiz.assignment, "--force"],
                          cwd=course.root, env=env, capture_output=True, text=True)
    log = done.stdout + done.stderr
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader zip_collect failed:\n{log[-3000:]}")
    skipped = tuple(
        m.group(0).split("] ", 1)[-1]
        for m in re.finditer(r"^.*(Wrong notebook name|Not a learner upload|Skipped submission).*$", log, re.M)
    )
    submitted = course.root / "submitted"
    collected = tuple(sorted(p.name for p in submitted.iterdir() if (p / course.quiz.assignment).is_dir())) \
        if submitted.is_dir() else ()
    return CollectReport(collected, skipped, log)
