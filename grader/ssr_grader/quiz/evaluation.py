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

from ssr_widgets.evaluation import EVALUATION_NOTEBOOK, MAX_TEXT, NEED, NOTEBOOK_TEXTS, Evaluation, load_evaluation
from ssr_widgets.translation import SOURCE_LANGUAGE, UI_DOMAIN, translations

__all__ = ["build_evaluation_notebook", "fill_evaluation", "form_notebook", "language_code", "write_evaluation",
           "write_form"]

_FIXED = {"editable": False, "deletable": False}


def _answer_cell(var: str) -> nbformat.NotebookNode:
    return new_code_cell(f'{var} = ""', metadata={"deletable": False, "tags": ["evaluation-answer"]})


def language_code(imports: str, language: str) -> str:
    """The form's first code cell: its imports, and in another language than English the choice of that language
    (as in the French edition's notebooks: ``set_language("fr")``)."""
    if language == SOURCE_LANGUAGE:
        return imports
    return f'from ssr_widgets import set_language\n{imports}\n\nset_language("{language}")'


def build_evaluation_notebook(evaluation: Evaluation) -> nbformat.NotebookNode:
    """The evaluation notebook in the evaluation's language (``load_evaluation(language=...)``).

    Its cells, their ids, the answer variables and metadata are the same in every language: only the texts differ,
    so a French form is collected and read exactly as an English one.
    """
    form = evaluation.form
    tr = translations(UI_DOMAIN, evaluation.language).gettext
    text = {key: tr(message) for key, message in NOTEBOOK_TEXTS.items()}
    need = {required: tr(message) for required, message in NEED.items()}
    required_items = [i for i in form.items if i.required]
    n_answers = sum(f.required for f in evaluation.fields)
    pairs = [i for i in form.items if i.kind == "confidence"]
    pair_note = ""
    if pairs:
        n = next(f.number for f in evaluation.fields if f.item == pairs[0].id)
        pair_note = " " + text["pairs"].format(n=n, objectives=len(evaluation.objectives), answers=n_answers)
    cells = [
        new_markdown_cell(
            f"# {form.title}\n\n{form.intro}\n\n{text['minutes'].format(minutes=form.minutes)}\n\n"
            f"**{text['how']}**\n\n"
            f"- {text['run']}\n"
            f"- {text['click']}\n"
            f"- {text['comment']}\n"
            f"- {text['required'].format(count=len(required_items))}{pair_note} {text['certificate']}\n"
            f"- {text['list']}\n"
            f"- {text['type']}\n"
            f"- {text['save']}",
            metadata=_FIXED,
        ),
        new_code_cell(language_code("from ssr_widgets.evaluation import ask, show_status", evaluation.language),
                      metadata=_FIXED),
    ]
    groups: dict[str, list] = {}
    for f in evaluation.fields:
        groups.setdefault(f.group, []).append(f)
    introduced: set[str] = set()
    profile_shown = False
    for group, group_fields in groups.items():
        first = group_fields[0]
        if first.objective:
            if first.item not in introduced:
                introduced.add(first.item)
                item = next(i for i in form.items if i.id == first.item)
                scale = ", ".join(f"{letter} = {option}" for letter, option in first.choices)
                cells.append(new_markdown_cell(
                    f"## {text['confidence'].format(n=first.number, need=need[first.required])}\n\n"
                    f"{item.prompt}\n\n{text['scale'].format(scale=scale)}",
                    metadata=_FIXED,
                ))
            cells.append(new_markdown_cell(f"**{first.objective}.** {first.prompt}", metadata=_FIXED))
        else:
            if first.profile and not profile_shown:
                profile_shown = True
                cells.append(new_markdown_cell(f"## {text['about_you']}\n\n{form.profile_intro}", metadata=_FIXED))
            options = ""
            if first.options:
                options = "\n\n" + "\n".join(f"- **{letter}** = {option}" for letter, option in first.choices)
            heading = text["question"].format(n=first.number, need=need[first.required])
            cells.append(new_markdown_cell(f"## {heading}\n\n{first.prompt}{options}", metadata=_FIXED))
        cells.append(new_code_cell(f'ask("{group}")', metadata=_FIXED))
        cells.extend(_answer_cell(f.var) for f in group_fields)
    cells += [
        new_markdown_cell(f"## {text['before_submit']}\n\n{text['status']}", metadata=_FIXED),
        new_code_cell("show_status()", metadata=_FIXED),
        new_markdown_cell(text["thanks"], metadata=_FIXED),
    ]
    return form_notebook(cells, evaluation.language)


def form_notebook(cells: list, language: str = SOURCE_LANGUAGE) -> nbformat.NotebookNode:
    """A learner form (the evaluation, the pre-test): these cells, for a plain Python 3 kernel.

    The cell ids are the cells' places (``form-07``), not random: the form is the same in every language, cell for
    cell, and rebuilding it writes the same file. A form in another language than English says so in its metadata,
    as the French edition's notebooks do.
    """
    for n, cell in enumerate(cells):
        cell.id = f"form-{n:02d}"
    metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    if language != SOURCE_LANGUAGE:
        metadata["ssr_course"] = {"language": language}
    return new_notebook(cells=cells, metadata=metadata)


def write_form(nb: nbformat.NotebookNode, folder: Path, name: str) -> Path:
    """Check a learner form and write it into ``folder`` as ``name``."""
    nbformat.validate(nb)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / name
    nbformat.write(nb, out)
    return out


def write_evaluation(folder: Path, evaluation: Evaluation | None = None, *, language: str = SOURCE_LANGUAGE) -> Path:
    """Write ``course_evaluation.ipynb`` into ``folder`` (a release folder, ``notebooks/quiz`` or, in French,
    ``notebooks/fr/quiz``), in ``language`` unless ``evaluation`` is given (then in its own)."""
    evaluation = evaluation or load_evaluation(language=language)
    return write_form(build_evaluation_notebook(evaluation), folder, EVALUATION_NOTEBOOK)


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
