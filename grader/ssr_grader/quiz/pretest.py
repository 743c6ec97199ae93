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

from ssr_widgets.evaluation import NOTEBOOK_TEXTS as EVALUATION_TEXTS
from ssr_widgets.loader import load_exercise
from ssr_widgets.pretest import NOTEBOOK_TEXTS, PRETEST_NOTEBOOK, Pretest, PretestField, load_pretest
from ssr_widgets.translation import SOURCE_LANGUAGE, UI_DOMAIN, translations

from .evaluation import form_notebook, language_code, write_form

__all__ = ["build_pretest_notebook", "key", "score", "write_pretest"]

_FIXED = {"editable": False, "deletable": False}


def build_pretest_notebook(pretest: Pretest) -> nbformat.NotebookNode:
    """The pre-test notebook in the pre-test's language (``load_pretest(language=...)``): the same cells, ids, answer
    variables and metadata in every language, so a French pre-test is collected and scored as an English one."""
    form = pretest.form
    tr = translations(UI_DOMAIN, pretest.language).gettext
    text = {key: tr(message) for key, message in NOTEBOOK_TEXTS.items()}
    shared = {key: tr(EVALUATION_TEXTS[key]) for key in ("minutes", "how", "run")}
    n = len(pretest.fields)
    cells = [
        new_markdown_cell(
            f"# {form.title}\n\n{form.intro}\n\n{text['count'].format(n=n)} "
            f"{shared['minutes'].format(minutes=form.minutes)}\n\n"
            f"**{shared['how']}**\n\n"
            f"- {shared['run']}\n"
            f"- {text['click']}\n"
            f"- {text['no_feedback']}\n"
            f"- {text['type']}\n"
            f"- {text['save']}",
            metadata=_FIXED,
        ),
        new_code_cell(language_code("from ssr_widgets.pretest import ask", pretest.language), metadata=_FIXED),
    ]
    for f in pretest.fields:
        options = "\n".join(f"- **{letter}.** {option}" for letter, option in zip(f.letters, f.options, strict=True))
        heading = text["question"].format(n=f.number, objective=f.objective)
        cells.append(new_markdown_cell(f"## {heading}\n\n{f.prompt}\n\n{options}", metadata=_FIXED))
        cells.append(new_code_cell(f'ask("{f.item_id}")', metadata=_FIXED))
        cells.append(new_code_cell(f'{f.var} = ""', metadata={"deletable": False, "tags": ["pretest-answer"]}))
    cells.append(new_markdown_cell(f"## {text['thanks']}\n\n{text['end']}", metadata=_FIXED))
    return form_notebook(cells, pretest.language)


def write_pretest(folder: Path, pretest: Pretest | None = None, *, language: str = SOURCE_LANGUAGE) -> Path:
    """Write ``pre_test.ipynb`` into ``folder`` (a release folder, a learner's papers folder, ``notebooks/quiz`` or,
    in French, ``notebooks/fr/quiz``), in ``language`` unless ``pretest`` is given (then in its own)."""
    pretest = pretest or load_pretest(language=language)
    return write_form(build_pretest_notebook(pretest), folder, PRETEST_NOTEBOOK)


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
