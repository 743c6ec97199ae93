"""Learners' papers: the released quiz with each learner's own items, in their own option order.

Why a paper per learner: with one paper for all, answers pass from one learner to the next. The
generic release (what ``nbgrader generate_assignment`` makes) has a placeholder question and an
empty click-to-answer control in every slot; a learner's paper fills them with the items their
draw gave them (:func:`~ssr_grader.quiz.variants.draw_paper`) and shows their paper code. The
nbgrader cells (answer cells, empty hidden tests, locked intro) stay exactly as released, so
nbgrader grades every paper as the same assignment.

A paper holds no key: the hidden tests are empty, and the options carry no mark of which is
right. The trainer can rebuild any paper at any time from the learner id and the course secret.

A paper is in the learner's language as the trainer's roster gives it (``learner-languages.csv``; never anything in
a learner's file). A French paper is the English paper of the same learner with every text in French: the same draw,
slots, option order, letters and keys; the items' texts from the bank's French (``item_bank.fr.yml``, checked
complete and current first), the fixed texts from the ``trainer`` catalogue. nbgrader puts the English of its
locked cells back at autograde (``OverwriteCells``); grading reads only answers, so it is the same in both.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from pathlib import Path

import nbformat

from ..course import BANK_FILE, Course
from ..credentials.language import DEFAULT_LANGUAGE, N_, translator
from .source import SLOT_KEY, fixed_texts
from .variants import SECRET_FILE, LearnerPaper, course_secret, draw_paper

__all__ = ["PAPERS_DIR", "PaperTranslationError", "bank_texts", "fixed_cell_ids", "generic_notebook", "learner_draw",
           "learner_language", "learner_notebook", "paper_folder", "paper_texts", "translated_draw", "write_papers"]

YOUR_PAPER = N_("**Your paper: {code}**, for learner `{learner}`. Your trainer made this paper for you: hand in "
                "this file, with this code.")
SAMPLE_PAPER = N_("**Sample paper {code}**: try the quiz here to see how it works. It is not graded: your trainer "
                  "gives you your own paper to hand in.")
QUESTION = N_("Question {number}")
CHOOSE_ONE = N_("Choose **one** answer.")
CHOOSE_ALL = N_("Choose **all** answers that apply.")

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


def generic_notebook(course: Course) -> nbformat.NotebookNode:
    """The generic release as nbgrader wrote it (English, a placeholder in every slot)."""
    path = course.released_notebook
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: build the quiz first (ssr-trainer build-quiz)")
    return nbformat.reads(_generic(str(path), path.stat().st_mtime_ns), as_version=4)


def _shown_id(student: str) -> str:
    """The learner id as plain text in Markdown (ids are checked at intake; this keeps any id inert)."""
    return re.sub(r"[^\w.@+-]", "_", student)[:80]


class PaperTranslationError(RuntimeError):
    """A paper in another language cannot be made: its translation file is missing, damaged or not current."""


def learner_language(course: Course, student: str) -> str:
    """The language of ``student``'s paper and feedback: the trainer's roster (``learner-languages.csv``), else
    English. Never read from a learner's file: a file that claims another language changes nothing."""
    from ..intake.roster import learner_languages

    return learner_languages(course.root).get(student, DEFAULT_LANGUAGE)


@functools.lru_cache(maxsize=4)
def _load_texts(path: str, mtime_ns: int):
    from .bank_translation import load_translation

    return load_translation(Path(path))


def bank_texts(course: Course, language: str):
    """The bank's texts in ``language`` (``item_bank.fr.yml`` beside the course's bank), checked complete and current
    for the bank's items and the quiz's title and open question; else :class:`PaperTranslationError` naming the file
    and every item to translate or review."""
    from ssr_widgets.model import ContentError

    from .bank_translation import check_quiz_texts, check_translation, translation_path

    path = translation_path(course.root / BANK_FILE, language)
    how = (f"translate them, then check with  python -m ssr_grader.quiz.bank_translation {BANK_FILE} --language "
           f"{language}")
    try:
        texts = _load_texts(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        raise PaperTranslationError(f"{path} is missing: the {language} papers need the item bank's texts in "
                                    f"{language} ({path.name} beside {BANK_FILE}; see the trainer guide)") from None
    except ContentError as exc:
        raise PaperTranslationError(f"{path}: {exc}") from None
    problems = check_translation(course.bank, texts) + check_quiz_texts(course.quiz, texts)
    if problems:
        raise PaperTranslationError(f"{path}: {len(problems)} problem(s) stop the {language} papers "
                                    f"({how}):\n" + "\n".join(f"  {p}" for p in problems))
    return texts


def translated_draw(draw: LearnerPaper, texts) -> LearnerPaper:
    """The same paper (slots, items, option order, letters, keys) with the items' texts from ``texts``."""
    from .bank_translation import translated_item

    return dataclasses.replace(draw, slots=tuple(dataclasses.replace(s, item=translated_item(s.item, texts))
                                                 for s in draw.slots))


def paper_texts(course: Course, language: str, texts=None) -> dict[str, str]:
    """The fixed cells' sources (:data:`~ssr_grader.quiz.source.FIXED_CELLS`) in ``language``; ``texts``: the bank's
    texts in it (checked by :func:`bank_texts`), for the trainer's title and open question."""
    if language == DEFAULT_LANGUAGE:
        return fixed_texts(course.quiz)
    texts = texts if texts is not None else bank_texts(course, language)
    return fixed_texts(course.quiz, translator(language).gettext, title=texts.quiz.title,
                       prompt=texts.quiz.open_question)


def fixed_cell_ids(course: Course) -> dict[str, str]:
    """``{grade id: FIXED_CELLS name}``: where each fixed text goes in the quiz notebook."""
    oq = course.quiz.open_question.id
    return {"quiz_intro": "quiz_intro", f"{oq}_question": "open_prompt", oq: "open_stub", "quiz_end": "quiz_end"}


def learner_notebook(course: Course, student: str, draw: LearnerPaper | None = None,
                     language: str | None = None) -> nbformat.NotebookNode:
    """``student``'s paper: the generic release with their own questions, controls and paper code.

    ``language`` (default: the trainer's roster, :func:`learner_language`) gives every text of the paper; the draw,
    letters and keys do not depend on it.
    """
    nb = generic_notebook(course)
    draw = draw or learner_draw(course, student)
    language = language or learner_language(course, student)
    tr = translator(language).gettext
    english = language == DEFAULT_LANGUAGE
    if not english:
        texts = bank_texts(course, language)
        draw = translated_draw(draw, texts)
        fixed = paper_texts(course, language, texts)
    by_slot = {s.slot: s for s in draw.slots}
    where = fixed_cell_ids(course)
    for cell in nb.cells:
        marker = cell.get("metadata", {}).get(SLOT_KEY) or {}
        part, slot = marker.get("part"), by_slot.get(marker.get("slot"))
        if part == "paper" and student == SAMPLE_LEARNER:
            cell.source = tr(SAMPLE_PAPER).format(code=draw.code)
        elif part == "paper":
            cell.source = tr(YOUR_PAPER).format(code=draw.code, learner=_shown_id(student))
        elif part == "question" and slot is not None:
            how = tr(CHOOSE_ALL) if slot.item.multiple else tr(CHOOSE_ONE)
            options = "\n".join(f"- **{letter}.** {o.text}" for letter, o in slot.options())
            cell.source = f"## {tr(QUESTION).format(number=slot.number)}\n\n{slot.item.stem}\n\n{options}\n\n*{how}*"
        elif part == "control" and slot is not None:
            texts_json = json.dumps([o.text for _, o in slot.options()], ensure_ascii=False)
            multiple = ", multiple=True" if slot.item.multiple else ""
            # the control's own texts in the paper's language, whatever order the learner runs the cells in
            lang = "" if english else f", language={json.dumps(language)}"
            label = json.dumps(tr(QUESTION).format(number=slot.number), ensure_ascii=False)
            cell.source = f'choose("{slot.answer_id}", {texts_json}{multiple}, label={label}{lang})'
        elif not english and (name := where.get((cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id"))):
            _set_fixed(cell, fixed[name])
    nb.metadata[SLOT_KEY] = {"paper": draw.code}
    if not english:
        nb.metadata["ssr_course"] = {"language": language}  # as the French edition's notebooks say theirs
    return nb


def _set_fixed(cell, source: str) -> None:
    """A fixed cell in the paper's language; a locked cell's checksum follows its text, so nbgrader's validate does
    not call it changed (at autograde nbgrader puts its own English and checksum back)."""
    from nbgrader.utils import compute_checksum

    cell.source = source
    meta = cell.metadata.get("nbgrader") or {}
    if meta.get("locked") and "checksum" in meta:
        meta["checksum"] = compute_checksum(cell)


def paper_folder(course: Course, student: str) -> Path:
    return course.root / PAPERS_DIR / student


def write_papers(course: Course, students: list[str]) -> list[Path]:
    """Write each learner's paper (and the evaluation and the pre-test beside it) to ``papers/<student>/``, each in
    the learner's language (:func:`learner_language`).

    Every French paper needs the bank's French: when it is missing or not current, the English learners' folders are
    written and then :class:`PaperTranslationError` names the file and the items (no French learner gets an English
    or half-translated paper)."""
    from ..files import atomic_write_text
    from ..intake.roster import learner_languages
    from .evaluation import write_evaluation
    from .pretest import write_pretest

    languages = learner_languages(course.root)
    folders, failed = [], None
    for student in students:
        language = languages.get(student, DEFAULT_LANGUAGE)
        try:
            nb = learner_notebook(course, student, language=language)
        except PaperTranslationError as exc:
            failed = failed or exc
            continue
        folder = paper_folder(course, student)
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(folder / course.quiz.notebook, nbformat.writes(nb))
        write_evaluation(folder, language=language)
        write_pretest(folder, language=language)
        folders.append(folder)
    if failed is not None:
        raise failed
    return folders
