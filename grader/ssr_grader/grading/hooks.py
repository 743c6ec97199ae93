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
  option, read from the trainer's item bank. For a learner whose language (the trainer's roster)
  is French, in French: the rationales from the bank's French, the words from the ``trainer``
  catalogue, and the French texts put back in the locked cells that nbgrader restored to English; the page's
  own headings (nbgrader's feedback template) too, through ``resources["ssr_feedback"]`` (:func:`page_labels`).
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

from ..credentials.language import DEFAULT_LANGUAGE, N_, translator
from .answers import parse_answer

__all__ = ["ExecuteInEmptyFolder", "ExplainInFeedback", "TrustedQuizOnly", "parse_answer"]

_ANSWER_ID = re.compile(r"^answer_s\d{2}$")

#: The feedback's words (the ``trainer`` catalogue): right or wrong always in words, never by sign alone.
TEST_REPLACED = N_("# The hidden test compared your recorded answer with the answer key.")
ANSWER_LINE = N_("**Your answer: {given}. {verdict}** The right answer: {key}.")
RIGHT = N_("✔ Right.")
NOT_RIGHT = N_("✘ Not right.")
NO_ANSWER = N_("no answer")
RIGHT_OPTION = N_("✔ right option")
WRONG_OPTION = N_("✘ not right")
CHOSEN = N_("{mark}, you chose it")
OPTION_LINE = N_("- **{letter}** ({mark}): {why}")

#: nbgrader's own feedback headings (its feedback template), for a learner whose language is not English: the
#: template ``templates/feedback/ssr_feedback_localised.html.j2`` shows these instead (see ``nbgrader_config.py``).
PAGE_LABELS = {
    "title": N_("{notebook}: your feedback"),
    "score": N_("Score: {score} / {max}"),
    "top": N_("Top"),
    "test_cell": N_("Test cell"),
    "coding": N_("Coding free-response"),
    "written": N_("Written response"),
    "task": N_("Task"),
    "comment": N_("Comment"),
    "late": N_("Late submission penalty (Score: -{penalty})"),
    "answer": N_("Student's answer"),
    "student_task": N_("Student's task"),
    "grade_cell": N_("Grade cell:"),
    "task_id": N_("Task:"),
    "comments": N_("Comments:"),
}
#: nbgrader's automatic comments (SaveAutoGrades), shown under "Comments:".
AUTO_COMMENTS = (N_("No response."),)


def page_labels(language: str) -> dict:
    """``resources["ssr_feedback"]`` for the feedback template: the page's language and nbgrader's headings in it."""
    tr = translator(language).gettext
    labels = {key: tr(text) for key, text in PAGE_LABELS.items()}
    labels["auto_comments"] = {text: tr(text) for text in AUTO_COMMENTS}
    return {"lang": language, "labels": labels}


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
        from ..quiz.papers import (
            PaperTranslationError,
            bank_texts,
            fixed_cell_ids,
            learner_draw,
            learner_language,
            paper_texts,
            translated_draw,
        )
        from .paper import is_keys_cell

        info = resources["nbgrader"]
        root = self.course_root or self.config.CourseDirectory.get("root") or "."
        course = _course(root)
        nb.cells = [c for c in nb.cells if not is_keys_cell(c)]
        if info["assignment"] != course.quiz.assignment or f"{info['notebook']}.ipynb" != course.quiz.notebook:
            return nb, resources
        paper = learner_draw(course, info["student"])
        language = learner_language(course, info["student"])  # the roster's, never the handed-in file's
        fixed = None
        if language != DEFAULT_LANGUAGE:
            try:
                texts = bank_texts(course, language)
            except PaperTranslationError as exc:  # explained in English rather than not at all, or half translated
                self.log.warning("%s: feedback in English: %s", info["student"], exc)
                language = DEFAULT_LANGUAGE
            else:
                paper, fixed = translated_draw(paper, texts), paper_texts(course, language, texts)
        tr = translator(language).gettext
        if language != DEFAULT_LANGUAGE:  # nbgrader's headings too (an English learner's page stays nbgrader's own)
            resources["ssr_feedback"] = page_labels(language)
        draw = {s.slot: s for s in paper.slots}
        answers: dict[str, str] = {}
        for cell in nb.cells:
            gid = _meta(cell).get("grade_id", "")
            if cell.cell_type == "code" and _ANSWER_ID.match(gid) and gid[7:] in draw:
                answers[gid] = parse_answer(cell.source, gid, draw[gid[7:]].letters) or ""
        where = fixed_cell_ids(course)
        english = paper_texts(course, DEFAULT_LANGUAGE)
        cells = []
        for cell in nb.cells:
            cells.append(cell)
            gid = _meta(cell).get("grade_id", "")
            if cell.cell_type == "code" and gid.startswith("test_") and gid[5:] in draw:
                slot = draw[gid[5:]]
                cell.source = tr(TEST_REPLACED)
                cell.outputs = []
                cell.execution_count = None
                cells.append(new_markdown_cell(_explanation(slot, answers.get(slot.answer_id, ""), tr)))
            elif fixed is not None and gid in where and cell.source == english[where[gid]]:
                # nbgrader restored its English here (OverwriteCells), or the open answer is nbgrader's placeholder
                cell.source = fixed[where[gid]]
        nb.cells = cells
        return nb, resources


def _explanation(slot, given: str, tr=None) -> str:
    """The learner's answer, right or wrong in words (never by colour or sign alone), and why for each option, in
    the language of ``tr`` (a ``trainer`` translator's gettext; English without)."""
    tr = tr or (lambda text: text)
    ok = given == slot.key
    verdict = tr(RIGHT) if ok else tr(NOT_RIGHT)
    shown = ", ".join(given) if given else tr(NO_ANSWER)
    lines = [tr(ANSWER_LINE).format(given=shown, verdict=verdict, key=", ".join(slot.key)), ""]
    for letter, o in slot.options():
        mark = tr(RIGHT_OPTION) if o.correct else tr(WRONG_OPTION)
        if letter in given:
            mark = tr(CHOSEN).format(mark=mark)
        lines.append(tr(OPTION_LINE).format(letter=letter, mark=mark, why=o.why))
    return "\n".join(lines)
