"""Build the pre-test notebook from ``ssr_widgets/content/pre_test.yml``, and score a learner's answers.

Like the course evaluation, the pre-test travels in the quiz's assignment folder (release, papers,
LMS package), so learners have it from the first day, and it is not an nbgrader notebook: nothing
runs it, and the trainer tools read its answer lines. It is stored apart from the quiz at intake
(:mod:`ssr_grader.intake.pretest`), because it is handed in at the start and must survive the
end-of-course submission. Its key is the practice items' own (public) key: the pre-test counts
for nothing, and its items are never in a certification bank.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell

from ssr_widgets.loader import load_exercise
from ssr_widgets.pretest import PRETEST_NOTEBOOK, Pretest, PretestField, load_pretest

from .evaluation import form_notebook, write_form

__all__ = ["build_pretest_notebook", "key", "score", "write_pretest"]

_FIXED = {"editable": False, "deletable": False}


def build_pretest_notebook(pretest: Pretest) -> nbformat.NotebookNode:
    form = pretest.form
    n = len(pretest.fields)
    cells = [
        new_markdown_cell(
            f"# {form.title}\n\n{form.intro}\n\nThere are {n} questions, one for each learning objective. "
            f"It takes about {form.minutes} minutes.\n\n"
            "**How to answer**\n\n"
            "- First run all cells: menu **Run → Run All Cells**. The answer buttons appear after this step.\n"
            "- Click the answer you think is right. Each click is saved in this notebook at once.\n"
            "- You do not see whether an answer is right. You meet these questions again, with the reasons, "
            "in the practice quiz after Section 4.\n"
            "- If you cannot click, type the letter of your answer between the quotes in the cell under the "
            'question. For example, for "B" the cell reads `pre_p01 = "B"`.\n'
            "- When you have finished, save the notebook (**File → Save**). "
            "Then hand it in now, in the same way as your quiz at the end (your trainer explains how).",
            metadata=_FIXED,
        ),
        new_code_cell("from ssr_widgets.pretest import ask", metadata=_FIXED),
    ]
    for f in pretest.fields:
        options = "\n".join(f"- **{letter}.** {text}" for letter, text in zip(f.letters, f.options, strict=True))
        cells.append(new_markdown_cell(f"## Question {f.number} ({f.objective})\n\n{f.prompt}\n\n{options}",
                                       metadata=_FIXED))
        cells.append(new_code_cell(f'ask("{f.item_id}")', metadata=_FIXED))
        cells.append(new_code_cell(f'{f.var} = ""', metadata={"deletable": False, "tags": ["pretest-answer"]}))
    cells.append(new_markdown_cell(
        "## Thank you\n\nSave the notebook (**File → Save**, or Ctrl+S) and hand it in as your trainer explains. "
        "Then go on with the course.", metadata=_FIXED))
    return form_notebook(cells)


def write_pretest(folder: Path, pretest: Pretest | None = None) -> Path:
    """Write ``pre_test.ipynb`` into ``folder`` (a release folder, a learner's papers folder or ``notebooks/quiz``)."""
    return write_form(build_pretest_notebook(pretest or load_pretest()), folder, PRETEST_NOTEBOOK)


def key(pretest: Pretest, f: PretestField) -> str:
    """The letter of the right option of a pre-test question (its item's own key)."""
    ex = load_exercise(f.item, pretest.content_dir)
    return next(letter for letter, o in zip(f.letters, ex.options, strict=True) if o.correct)


def score(pretest: Pretest, values: dict[str, str]) -> dict[str, float]:
    """Percent right per learning objective; a blank or invalid answer counts as not known (0)."""
    right: dict[str, list[int]] = {}
    for f in pretest.fields:
        right.setdefault(f.objective, []).append(int(values.get(f.var, "").strip().upper() == key(pretest, f)))
    return {lo: 100 * sum(r) / len(r) for lo, r in right.items()}
