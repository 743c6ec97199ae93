"""Learners' papers: the released quiz with each learner's own items, in their own option order.

Why a paper per learner: with one paper for all, answers pass from one learner to the next. The
generic release (what ``nbgrader generate_assignment`` makes) has a placeholder question and an
empty click-to-answer control in every slot; a learner's paper fills them with the items their
draw gave them (:func:`~ssr_grader.quiz.variants.draw_paper`) and shows their paper code. The
nbgrader cells (answer cells, empty hidden tests, locked intro) stay exactly as released, so
nbgrader grades every paper as the same assignment.

A paper holds no key: the hidden tests are empty, and the options carry no mark of which is
right. The trainer can rebuild any paper at any time from the learner id and the course secret.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import nbformat

from ..course import Course
from .source import SLOT_KEY
from .variants import SECRET_FILE, LearnerPaper, course_secret, draw_paper

__all__ = ["PAPERS_DIR", "learner_draw", "learner_notebook", "paper_folder", "write_papers"]

PAPERS_DIR = "papers"
#: The learner id of the public demo paper (``build-quiz --learner-copy``): never a real learner's.
SAMPLE_LEARNER = "sample-learner"


def learner_draw(course: Course, student: str) -> LearnerPaper:
    """Which item fills each slot of ``student``'s paper, and in which order its options come."""
    try:
        secret = course_secret(course.root, create=False)  # made by build-quiz; never silently replaced
    except FileNotFoundError:
        raise FileNotFoundError(f"{course.root / SECRET_FILE} is missing: build the quiz first (ssr-trainer "
                                "build-quiz), or restore the file from your backup if the quiz was released") from None
    return draw_paper(course.bank, course.quiz, secret, student)


@functools.lru_cache(maxsize=4)
def _generic(path: str, mtime_ns: int) -> str:
    return Path(path).read_text(encoding="utf-8")


def _shown_id(student: str) -> str:
    """The learner id as plain text in Markdown (ids are checked at intake; this keeps any id inert)."""
    return re.sub(r"[^\w.@+-]", "_", student)[:80]


def learner_notebook(course: Course, student: str, draw: LearnerPaper | None = None) -> nbformat.NotebookNode:
    """``student``'s paper: the generic release with their own questions, controls and paper code."""
    path = course.released_notebook
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: build the quiz first (ssr-trainer build-quiz)")
    nb = nbformat.reads(_generic(str(path), path.stat().st_mtime_ns), as_version=4)
    draw = draw or learner_draw(course, student)
    by_slot = {s.slot: s for s in draw.slots}
    for cell in nb.cells:
        marker = cell.get("metadata", {}).get(SLOT_KEY) or {}
        part, slot = marker.get("part"), by_slot.get(marker.get("slot"))
        if part == "paper" and student == SAMPLE_LEARNER:
            cell.source = (f"**Sample paper {draw.code}**: try the quiz here to see how it works. It is not "
                           "graded: your trainer gives you your own paper to hand in.")
        elif part == "paper":
            cell.source = (f"**Your paper: {draw.code}**, for learner `{_shown_id(student)}`. "
                           "Your trainer made this paper for you: hand in this file, with this code.")
        elif part == "question" and slot is not None:
            how = "Choose **all** answers that apply." if slot.item.multiple else "Choose **one** answer."
            options = "\n".join(f"- **{letter}.** {o.text}" for letter, o in slot.options())
            cell.source = f"## Question {slot.number}\n\n{slot.item.stem}\n\n{options}\n\n*{how}*"
        elif part == "control" and slot is not None:
            texts = json.dumps([o.text for _, o in slot.options()], ensure_ascii=False)
            multiple = ", multiple=True" if slot.item.multiple else ""
            cell.source = f'choose("{slot.answer_id}", {texts}{multiple}, label="Question {slot.number}")'
    nb.metadata[SLOT_KEY] = {"paper": draw.code}
    return nb


def paper_folder(course: Course, student: str) -> Path:
    return course.root / PAPERS_DIR / student


def write_papers(course: Course, students: list[str]) -> list[Path]:
    """Write each learner's paper (and the evaluation and the pre-test beside it) to ``papers/<student>/``."""
    from ..files import atomic_write_text
    from .evaluation import write_evaluation
    from .pretest import write_pretest

    folders = []
    for student in students:
        folder = paper_folder(course, student)
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(folder / course.quiz.notebook, nbformat.writes(learner_notebook(course, student)))
        write_evaluation(folder)
        write_pretest(folder)
        folders.append(folder)
    return folders
