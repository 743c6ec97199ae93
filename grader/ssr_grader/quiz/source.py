"""Build the nbgrader *source* quiz (instructor version: answer cells and hidden tests) from the quiz's slots.

The quiz is one nbgrader assignment with one notebook, the same cells for every learner; what
differs per learner (which item fills each slot, and its options' order) lives outside nbgrader's
cells, so nbgrader's checksums and ``OverwriteCells`` hold for every paper. Each slot ``sNN`` is:

1. the question (Markdown, no nbgrader metadata: each learner's paper puts their own item here,
   see :mod:`ssr_grader.quiz.papers`),
2. the click-to-answer control (code, no nbgrader metadata: ``choose("answer_s07", [...])``),
3. the answer cell (an autograded answer: ``answer_s07 = ""``),
4. a hidden test worth ``points_per_item``: ``assert answer_s07 == _ssr_key("s07"), "Question 7"``,
   released empty and restored by nbgrader from its gradebook at autograde. ``_ssr_key`` is
   defined only at grading, from the learner's own paper (:class:`~ssr_grader.grading.hooks.TrustedQuizOnly`),
   so no key is in the source, the release or the gradebook.

Multiple-answer items are all-or-nothing: the recorded letters must equal the key exactly.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ..credentials.language import N_
from .bank import ItemBank, QuizSettings

__all__ = ["FIXED_CELLS", "OPEN_STUB", "build_source_notebook", "fixed_texts", "write_source"]

# The quiz's fixed texts, in English here and in the ``trainer`` gettext catalogue in French: a French learner's
# paper (:mod:`ssr_grader.quiz.papers`) shows them in French. nbgrader keeps the English of the locked cells in its
# gradebook and puts it back at autograde (``OverwriteCells``), so grading never reads these texts.
INTRO_LEAD = N_("This quiz has **{questions} multiple-choice questions** and **one open question**. "
                "It takes about {minutes} minutes.")
INTRO_POINTS = (
    N_("You pass with **{percent} %** of the points or more ({points} points in all)."),
    N_("This is **your own paper**: other learners have other questions, or the same questions with the answers in "
       "another order. Hand in this notebook, not a copy of someone else's."),
    N_("**To answer, click** the round button (one answer) or tick the boxes (several answers). Your click is saved "
       "in this notebook at once."),
    N_("First run all cells: menu **Run → Run All Cells**. The answer buttons appear after this step."),
    N_("If you cannot click, type the letter of your answer between the quotes in the answer cell under the "
       "question. For several answers, type all their letters, for example `\"AC\"`."),
    N_("Do not add, delete or change other cells: only answers and the open question are graded."),
    N_("When you have finished, save the notebook (**File → Save**) and submit it as your trainer explains."),
)
OPEN_HEADING = N_("Open question ({points} points, marked by your trainer)")
OPEN_INSTRUCTION = N_("Write your answer in the next cell (double-click it to edit). About 100–200 words.")
#: The open answer's placeholder: the same English as ``ClearSolutions.text_stub`` in ``nbgrader_config.py``.
OPEN_STUB = N_("Write your answer here.")
END_HEADING = N_("Finished?")
END_PARAGRAPHS = (
    N_("Save the notebook (**File → Save**, or Ctrl+S)."),
    N_("Then fill in the **course evaluation** (`{evaluation}`, in the same folder as this quiz). You get your "
       "certificate when you pass this quiz *and* the evaluation is complete."),
    N_("Submit both notebooks as your trainer explains."),
)
#: The grade ids of the locked cells whose text :func:`fixed_texts` makes (the open question's prompt is
#: ``<open id>_question``), and the open answer's (its stub).
FIXED_CELLS = ("quiz_intro", "open_prompt", "open_stub", "quiz_end")


def fixed_texts(quiz: QuizSettings, gettext=None, *, title: str | None = None, prompt: str | None = None
                ) -> dict[str, str]:
    """The sources of the quiz's fixed cells (``FIXED_CELLS``), in English, or through ``gettext`` (a ``trainer``
    translator's) in its language, with the trainer's ``title`` and open question ``prompt`` in that language."""
    tr = gettext or (lambda text: text)
    oq = quiz.open_question
    points = [tr(INTRO_POINTS[0]).format(percent=round(quiz.pass_mark * 100), points=quiz.total_points),
              *(tr(text) for text in INTRO_POINTS[1:])]
    intro = (f"# {title or quiz.title}\n\n"
             + tr(INTRO_LEAD).format(questions=len(quiz.slots), minutes=quiz.minutes) + "\n\n"
             + "\n".join(f"- {line}" for line in points))
    end = [tr(END_PARAGRAPHS[0]), tr(END_PARAGRAPHS[1]).format(evaluation="course_evaluation.ipynb"),
           tr(END_PARAGRAPHS[2])]
    return {
        "quiz_intro": intro,
        "open_prompt": (f"## {tr(OPEN_HEADING).format(points=oq.points)}\n\n{prompt or oq.prompt}\n\n"
                        f"{tr(OPEN_INSTRUCTION)}"),
        "open_stub": tr(OPEN_STUB),
        "quiz_end": f"## {tr(END_HEADING)}\n\n" + "\n\n".join(end),
    }


def _nbgrader(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
              points: int = 0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


#: Metadata key of the cells a learner's paper fills in: ``{"slot": "s01", "part": "question"|"control"}``.
SLOT_KEY = "ssr_quiz"
#: The placeholder question of the generic release; each learner's paper replaces it.
PLACEHOLDER = "## Question {n}\n\n*Your own question {n} appears here in your paper.*"


def _slot_cells(slot: str, number: int, points: int) -> list:
    """The four cells of one slot, as the source holds them."""
    answer_id = f"answer_{slot}"
    locked = {"editable": False, "deletable": False}
    return [
        new_markdown_cell(PLACEHOLDER.format(n=number), metadata={SLOT_KEY: {"slot": slot, "part": "question"},
                                                                   **locked}),
        new_code_cell(f'choose("{answer_id}", [], label="Question {number}")',
                      metadata={SLOT_KEY: {"slot": slot, "part": "control"}, **locked}),
        new_code_cell(f'{answer_id} = ""\n### BEGIN SOLUTION\n# the key is on the learner\'s own paper\n'
                      "### END SOLUTION", metadata=_nbgrader(answer_id, solution=True)),
        new_code_cell(f'### BEGIN HIDDEN TESTS\nassert {answer_id} == _ssr_key("{slot}"), "Question {number}"\n'
                      "### END HIDDEN TESTS",
                      metadata=_nbgrader(f"test_{slot}", grade=True, locked=True, points=points)),
    ]


def build_source_notebook(bank: ItemBank, quiz: QuizSettings, secret_id: str = "") -> nbformat.NotebookNode:
    """The source quiz; ``secret_id`` names the course secret the papers are drawn with (a changed secret is a
    changed quiz: every paper changes)."""
    texts = fixed_texts(quiz)
    cells = [
        new_markdown_cell(texts["quiz_intro"], metadata=_nbgrader("quiz_intro", locked=True)),
        new_markdown_cell("**This copy has no questions: answer your own paper.** Your trainer gives it to you, or "
                          "open the folder `papers`, then the folder with your user name, then "
                          f"`{quiz.notebook}`.",
                          metadata={SLOT_KEY: {"part": "paper"}, "editable": False, "deletable": False}),
        new_code_cell("from ssr_widgets.quiz import choose", metadata=_nbgrader("quiz_setup", locked=True)),
    ]
    for number, (slot, _objective) in enumerate(quiz.slots, 1):
        cells += _slot_cells(slot, number, quiz.points_per_item)
    oq = quiz.open_question
    cells.append(new_markdown_cell(texts["open_prompt"], metadata=_nbgrader(f"{oq.id}_question", locked=True)))
    # The rubric stays in the trainer's rubric file; the learner's copy gets ClearSolutions.text_stub (the same text).
    cells.append(new_markdown_cell(texts["open_stub"], metadata=_nbgrader(oq.id, grade=True, solution=True,
                                                                          points=oq.points)))
    cells.append(new_markdown_cell(texts["quiz_end"], metadata=_nbgrader("quiz_end", locked=True)))
    return new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        # which bank the papers draw from: a changed bank is a changed quiz (see build_quiz)
        SLOT_KEY: {"bank": bank_fingerprint(bank), "secret": secret_id},
    })


def bank_fingerprint(bank: ItemBank) -> str:
    """A short hash of the bank's content (not reversible to the keys, and useless without the bank)."""
    import hashlib

    return hashlib.sha256(bank.model_dump_json().encode("utf-8")).hexdigest()[:16]


def write_source(grader_dir: Path, bank: ItemBank, quiz: QuizSettings, rubric_dir: Path | None = None,
                 secret_id: str = "") -> Path:
    """Write ``source/<assignment>/<assignment>.ipynb`` in the course directory; returns its path."""
    rubric_dir = rubric_dir or grader_dir
    if not (rubric_dir / quiz.open_question.rubric).exists():
        raise FileNotFoundError(f"the rubric {quiz.open_question.rubric} is missing from {rubric_dir}")
    nb = build_source_notebook(bank, quiz, secret_id)
    nbformat.validate(nb)
    out = grader_dir / "source" / quiz.assignment / quiz.notebook
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return out
