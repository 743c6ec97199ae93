"""Build the course evaluation notebook from ``ssr_widgets/content/evaluation.yml``.

The evaluation travels in the quiz's assignment folder, so nbgrader's release, fetch, submit and
collect (and an LMS zip) carry it with the quiz. It is *not* an nbgrader notebook: it is not in
the gradebook, so autograde skips it ("Skipping unknown notebook") and never runs it; the
trainer tools read its answer lines instead (:mod:`ssr_grader.reports.evaluations`).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ssr_widgets.evaluation import EVALUATION_NOTEBOOK, MAX_TEXT, Evaluation, load_evaluation

__all__ = ["build_evaluation_notebook", "fill_evaluation", "form_notebook", "write_evaluation", "write_form"]

_FIXED = {"editable": False, "deletable": False}


def _answer_cell(var: str) -> nbformat.NotebookNode:
    return new_code_cell(f'{var} = ""', metadata={"deletable": False, "tags": ["evaluation-answer"]})


def build_evaluation_notebook(evaluation: Evaluation) -> nbformat.NotebookNode:
    form = evaluation.form
    required_items = [i for i in form.items if i.required]
    n_answers = sum(f.required for f in evaluation.fields)
    pairs = [i for i in form.items if i.kind == "confidence"]
    pair_note = ""
    if pairs:
        n = next(f.number for f in evaluation.fields if f.item == pairs[0].id)
        pair_note = (f" Question {n} has two answers for each of the {len(evaluation.objectives)} learning "
                     f"objectives, so there are {n_answers} required answers in all.")
    cells = [
        new_markdown_cell(
            f"# {form.title}\n\n{form.intro}\n\nIt takes about {form.minutes} minutes.\n\n"
            "**How to answer**\n\n"
            "- First run all cells: menu **Run → Run All Cells**. The answer buttons appear after this step.\n"
            "- Click your answer. Each click is saved in this notebook at once.\n"
            "- For a comment, type it in the box and press **Save comment**.\n"
            f"- {len(required_items)} questions are marked **(required)**.{pair_note} "
            "You get your certificate only when you pass the quiz *and* answer every required question.\n"
            "- The list at the end shows what is still missing.\n"
            "- If you cannot click, type the number or letter of your answer between the quotes "
            'in the cell under the question. For example, for "3" the cell reads `eval_pace = "3"`.\n'
            "- When you have finished, save the notebook (**File → Save**) to be safe. "
            "Then submit it together with your quiz, in the same way.",
            metadata=_FIXED,
        ),
        new_code_cell("from ssr_widgets.evaluation import ask, show_status", metadata=_FIXED),
    ]
    groups: dict[str, list] = {}
    for f in evaluation.fields:
        groups.setdefault(f.group, []).append(f)
    introduced: set[str] = set()
    profile_shown = False
    for group, group_fields in groups.items():
        first = group_fields[0]
        need = "required" if first.required else "optional"
        if first.objective:
            if first.item not in introduced:
                introduced.add(first.item)
                item = next(i for i in form.items if i.id == first.item)
                scale = ", ".join(f"{letter} = {text}" for letter, text in first.choices)
                cells.append(new_markdown_cell(
                    f"## Question {first.number}: your confidence, objective by objective ({need})\n\n"
                    f"{item.prompt}\n\nScale: {scale}.",
                    metadata=_FIXED,
                ))
            cells.append(new_markdown_cell(f"**{first.objective}.** {first.prompt}", metadata=_FIXED))
        else:
            if first.profile and not profile_shown:
                profile_shown = True
                cells.append(new_markdown_cell(f"## About you (optional)\n\n{form.profile_intro}", metadata=_FIXED))
            options = ""
            if first.options:
                options = "\n\n" + "\n".join(f"- **{letter}** = {text}" for letter, text in first.choices)
            cells.append(new_markdown_cell(f"## Question {first.number} ({need})\n\n{first.prompt}{options}",
                                           metadata=_FIXED))
        cells.append(new_code_cell(f'ask("{group}")', metadata=_FIXED))
        cells.extend(_answer_cell(f.var) for f in group_fields)
    cells += [
        new_markdown_cell("## Before you submit\n\nThis list shows the required answers that are still missing.",
                          metadata=_FIXED),
        new_code_cell("show_status()", metadata=_FIXED),
        new_markdown_cell("Thank you. Save the notebook (**File → Save**, or Ctrl+S). "
                          "Then submit it with your quiz, as your trainer explains.", metadata=_FIXED),
    ]
    return form_notebook(cells)


def form_notebook(cells: list) -> nbformat.NotebookNode:
    """A learner form (the evaluation, the pre-test): these cells, for a plain Python 3 kernel."""
    return new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })


def write_form(nb: nbformat.NotebookNode, folder: Path, name: str) -> Path:
    """Check a learner form and write it into ``folder`` as ``name``."""
    nbformat.validate(nb)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / name
    nbformat.write(nb, out)
    return out


def write_evaluation(folder: Path, evaluation: Evaluation | None = None) -> Path:
    """Write ``course_evaluation.ipynb`` into ``folder`` (a release folder or ``notebooks/quiz``)."""
    return write_form(build_evaluation_notebook(evaluation or load_evaluation()), folder, EVALUATION_NOTEBOOK)


def fill_evaluation(nb: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """Write answers (``{"eval_pace": "3", ...}``) into the form's answer cells as string literals, as the widgets do.

    Only cells that are exactly a blank answer line of the form (``eval_x = ""``) are filled, so
    this is meant for the trusted form; each text is cut to the form's limit.
    """
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.endswith(' = ""'):
            var = cell.source[: -len(' = ""')]
            if var in answers:
                cell.source = f"{var} = {json.dumps(str(answers[var])[:MAX_TEXT], ensure_ascii=False)}"
    return nb
