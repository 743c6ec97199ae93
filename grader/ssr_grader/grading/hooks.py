"""nbgrader hooks: grade only the trusted quiz with the learner's literal answers, and explain them in feedback.

nbgrader executes a submitted notebook with the grader's privileges, trusts its cell metadata and
tags, runs it in the folder the learner's extra files were copied into (nbgrader issue #483), and
shows hidden tests in feedback (#917, #1363). ``ssr-trainer collect`` already writes only rebuilt
notebooks into ``submitted/``; these preprocessors plug into nbgrader's own configurable lists
(see ``nbgrader_config.py``) so that even plain ``nbgrader autograde`` stays safe:

* :class:`TrustedQuizOnly` (first of ``Autograde.sanitize_preprocessors``): replaces the notebook
  by the trusted released quiz with the answers read from it as literals
  (:mod:`ssr_grader.grading.paper`). Idempotent on what ``ssr-trainer collect`` wrote.
* :class:`ExecuteInEmptyFolder` (in ``Autograde.autograde_preprocessors``, instead of nbgrader's
  ``Execute``): the kernel starts in a new empty folder, so a file handed in beside the notebook
  can never shadow a module the quiz imports.
* :class:`ExplainInFeedback` (``GenerateFeedback.preprocessors``): replaces each hidden test and
  its output with the learner's answer, right or wrong in words, and the rationale for every
  option, read from the trainer's item bank.
"""

from __future__ import annotations

import functools
import re
import tempfile
from pathlib import Path

from nbformat.notebooknode import NotebookNode
from nbformat.v4 import new_markdown_cell
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Unicode

from .answers import parse_answer

__all__ = ["ExecuteInEmptyFolder", "ExplainInFeedback", "TrustedQuizOnly", "parse_answer"]

_ANSWER_ID = re.compile(r"^answer_s\d{2}$")


def _meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


@functools.lru_cache(maxsize=4)
def _course(root: str):
    from ..course import open_course

    return open_course(Path(root))


class TrustedQuizOnly(NbGraderPreprocessor):
    """Grade the trusted quiz with the submission's literal answers, never the submitted notebook itself."""

    course_root = Unicode("", help="The course folder (default: CourseDirectory.root).").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        from ..quiz.papers import learner_draw
        from .paper import notes_in, paper_for, rebuild, with_keys

        info = resources["nbgrader"]
        root = self.course_root or self.config.CourseDirectory.get("root") or "."
        course = _course(root)
        if info["assignment"] != course.quiz.assignment or f"{info['notebook']}.ipynb" != course.quiz.notebook:
            return nb, resources  # not the quiz (nbgrader skips notebooks that are not in the gradebook)
        paper = paper_for(course, info["student"])
        answers = paper.read(nb)
        notes = notes_in(nb) + answers.notes
        if answers.notes:
            self.log.warning("%s: %s", info.get("student", "?"), " ".join(answers.notes))
        rebuilt = with_keys(rebuild(paper, answers, notes), learner_draw(course, info["student"]).keys, paper.code)
        resources.setdefault("ssr_grader", {})["notes"] = notes
        return rebuilt, resources


class ExecuteInEmptyFolder(Execute):
    """nbgrader's ``Execute``, but the kernel's working folder is new and empty.

    nbgrader runs the kernel in the autograded folder, where every file the learner handed in
    beside the notebook was copied; Python puts that folder first on ``sys.path``.
    """

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        meta = resources.setdefault("metadata", {})
        folder = meta.get("path")
        with tempfile.TemporaryDirectory(prefix="ssr-grade-") as empty:
            meta["path"] = empty
            try:
                return super().preprocess(nb, resources)
            finally:
                meta["path"] = folder


class ExplainInFeedback(NbGraderPreprocessor):
    """Replace hidden tests in feedback by the learner's answer and the rationale of every option of their own item.

    The keys cell that :class:`TrustedQuizOnly` added for grading is taken out; the explanation
    uses the learner's own letters (their options' order) and the trainer's item bank.
    """

    course_root = Unicode("", help="The course folder (default: CourseDirectory.root).").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        from ..quiz.papers import learner_draw
        from .paper import is_keys_cell

        info = resources["nbgrader"]
        root = self.course_root or self.config.CourseDirectory.get("root") or "."
        course = _course(root)
        nb.cells = [c for c in nb.cells if not is_keys_cell(c)]
        if info["assignment"] != course.quiz.assignment or f"{info['notebook']}.ipynb" != course.quiz.notebook:
            return nb, resources
        draw = {s.slot: s for s in learner_draw(course, info["student"]).slots}
        answers: dict[str, str] = {}
        for cell in nb.cells:
            gid = _meta(cell).get("grade_id", "")
            if cell.cell_type == "code" and _ANSWER_ID.match(gid) and gid[7:] in draw:
                answers[gid] = parse_answer(cell.source, gid, draw[gid[7:]].letters) or ""
        cells = []
        for cell in nb.cells:
            cells.append(cell)
            gid = _meta(cell).get("grade_id", "")
            if cell.cell_type == "code" and gid.startswith("test_") and gid[5:] in draw:
                slot = draw[gid[5:]]
                cell.source = "# The hidden test compared your recorded answer with the answer key."
                cell.outputs = []
                cell.execution_count = None
                cells.append(new_markdown_cell(_explanation(slot, answers.get(slot.answer_id, ""))))
        nb.cells = cells
        return nb, resources


def _explanation(slot, given: str) -> str:
    """The learner's answer, right or wrong in words (never by colour or sign alone), and why for each option."""
    ok = given == slot.key
    verdict = "✔ Right." if ok else "✘ Not right."
    shown = ", ".join(given) if given else "no answer"
    lines = [f"**Your answer: {shown}. {verdict}** The right answer: {', '.join(slot.key)}.", ""]
    for letter, o in slot.options():
        mark = "✔ right option" if o.correct else "✘ not right"
        lines.append(f"- **{letter}** ({mark}{', you chose it' if letter in given else ''}): {o.why}")
    return "\n".join(lines)
