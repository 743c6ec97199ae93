"""Course content and notebooks as committed: valid, in sync with course.yml, clean, thin."""

from __future__ import annotations

import re

import nbformat
import pytest

from ssr_widgets.loader import load_course, load_exercise
from ssr_widgets.navigation import sync
from ssr_widgets.validate import validate_all

from .conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SHOW_CALL = re.compile(r'^show\("([^"]+)"\)$')


def test_every_content_file_is_valid():
    assert validate_all() == []


def test_navigation_and_course_maps_are_in_sync_with_course_yml():
    assert sync(ROOT, write=False) == []


def test_available_sections_have_notebooks_and_content():
    course = load_course()
    available = [s for s in course.sections if s.available]
    assert [s.notebook for s in available] == [p.name for p in NOTEBOOKS]
    for s in available[1:]:
        assert s.content, f"section {s.id} has no exercise file"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert "widgets" not in nb.metadata, "widget state must not be committed"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"outputs committed in {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_cells_are_one_short_call(path):
    """Notebooks stay thin: an import, or one call that shows an exercise that exists."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        src = cell.source.strip()
        assert "\n" not in src, f"{path.name}: code cell has several lines: {src!r}"
        m = SHOW_CALL.match(src)
        if m:
            load_exercise(m.group(1))  # raises ContentError naming what is wrong
        else:
            allowed_imports = ("from ssr_widgets import",)
            assert src.startswith(allowed_imports) or src in ("show_progress()", "show_briefing()"), src


def test_section_notebooks_follow_the_anatomy():
    course = load_course()
    for s in course.sections:
        if not s.available or not s.content:
            continue
        nb = nbformat.read(ROOT / "notebooks" / s.notebook, as_version=4)
        md = [c.source for c in nb.cells if c.cell_type == "markdown"]
        text = "\n".join(md)
        assert md[0].startswith(f"# {s.title}")
        assert f"{s.minutes} minutes" in text, f"{s.notebook}: estimated minutes not stated"
        for lo in s.objectives:
            assert lo in text, f"{s.notebook}: objective {lo} not stated"
        headings = [line for line in text.splitlines() if line.startswith("## ")]
        assert headings[-2:] == ["## Key points", "## Sources"] or "## Key points" in headings[-3:]
        shows = [c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith("show(")]
        assert len(shows) >= 4, f"{s.notebook}: needs at least 3 exercises and a self-check"
        assert "DPKO" not in text or "DPO" in text


def test_code_passes_the_linter():
    """ruff, configured in pyproject.toml, over the package, the trainer tooling, tests and benchmarks."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "ruff", "check", "ssr_widgets", "grader/ssr_grader", "tests",
                           "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
