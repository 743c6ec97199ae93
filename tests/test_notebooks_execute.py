"""Every notebook runs top to bottom in a fresh kernel, and shows its exercises."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from ssr_widgets.loader import load_course

from .conftest import ROOT

AVAILABLE = [s.notebook for s in load_course().sections if s.available] + [
    "quiz/end_of_course_quiz.ipynb",
    "quiz/course_evaluation.ipynb",
    "quiz/pre_test.ipynb",
]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.mark.parametrize("name", AVAILABLE)
def test_notebook_executes_in_a_fresh_kernel(name, tmp_path, monkeypatch):
    progress = tmp_path / "progress.json"
    monkeypatch.setenv("SSR_PROGRESS_FILE", str(progress))  # the kernel inherits it
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str((ROOT / "notebooks" / name).parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    shows = ("show(", "show_progress(", "show_briefing(")
    shown = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(shows)]
    for cell in shown:
        assert any(WIDGET_MIME in o.get("data", {}) for o in cell.outputs), f"no widget shown by {cell.source}"
    assert not progress.exists() or json.loads(progress.read_text())["format"] == 1
    assert not (ROOT / "notebooks" / "ssr-progress.json").exists()


def test_practice_quiz_saves_answers_where_the_welcome_page_counts_them(tmp_path, monkeypatch):
    """Run where JupyterLab runs it (notebooks/quiz/), the practice quiz saves into the sections' progress file."""
    from ssr_widgets.overview import section_progress
    from ssr_widgets.progress import ProgressStore

    monkeypatch.delenv("SSR_PROGRESS_FILE")
    course = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", course, ignore=shutil.ignore_patterns("ssr-progress*", ".ipynb_checkpoints"))
    (practice,) = [s for s in load_course().sections if s.practice]
    nb = nbformat.read(course / practice.notebook, as_version=4)
    first = next(c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith("show("))
    nb.cells.append(nbformat.v4.new_code_cell(
        f"w = {first}\nw.set_answer(sorted(w.exercise.correct_ids))\nassert w.check().complete"))
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str((course / practice.notebook).parent)}}).execute()
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not (course / practice.notebook).parent.joinpath("ssr-progress.json").exists()
    rows = {title: (done, total) for title, done, _tried, total in
            section_progress(ProgressStore(course / "ssr-progress.json"))}
    assert rows[practice.title][0] == 1 and rows[practice.title][1] > 1
