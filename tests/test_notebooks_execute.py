"""Every notebook runs top to bottom in a fresh kernel, and shows its exercises."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbclient import NotebookClient

from ssr_widgets.loader import load_course

from .conftest import ROOT

AVAILABLE = [s.notebook for s in load_course().sections if s.available] + [
    "quiz/end_of_course_quiz.ipynb",
    "quiz/course_evaluation.ipynb",
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
