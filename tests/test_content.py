"""Course content and notebooks as committed: valid, in sync with course.yml, clean, thin."""

from __future__ import annotations

import posixpath
import re

import nbformat
import pytest

from ssr_widgets.loader import load_course, load_exercise, load_section
from ssr_widgets.navigation import MAP_TAG, RUN_HINT, course_map_markdown, nav_markdown, objectives_markdown, sync
from ssr_widgets.progress import COURSE_HOME
from ssr_widgets.validate import validate_all

from .conftest import ROOT

NB_DIR = ROOT / "notebooks"
#: Made by the trainer's tool (``ssr-trainer build-quiz``) and checked by test_quiz_pipeline.py: not course notebooks.
TRAINER_MADE = ("quiz/end_of_course_quiz.ipynb", "quiz/course_evaluation.ipynb", "quiz/pre_test.ipynb")
#: The course's notebooks: the sections in notebooks/ and the practice quiz in notebooks/quiz/.
NOTEBOOKS = sorted(p for p in NB_DIR.rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts and p.relative_to(NB_DIR).as_posix() not in TRAINER_MADE
                   and p.relative_to(NB_DIR).parts[0] != "fr")  # the French edition: built and checked by test_translation
SHOW_CALL = re.compile(r'^show\("([^"]+)"\)$')
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _name(path):
    return path.relative_to(NB_DIR).as_posix()


def test_every_content_file_is_valid():
    assert validate_all() == []


def test_navigation_and_course_maps_are_in_sync_with_course_yml():
    assert sync(ROOT, write=False) == []


def test_available_sections_have_notebooks_and_content():
    course = load_course()
    available = [s for s in course.sections if s.available]
    reference = [course.glossary.notebook] if course.glossary else []  # beside the course order, not a section
    assert sorted([s.notebook for s in available] + reference) == [_name(p) for p in NOTEBOOKS]
    for s in available[1:]:
        assert s.content, f"section {s.id} has no exercise file"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_name)
def test_notebook_is_committed_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert "widgets" not in nb.metadata, "widget state must not be committed"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"outputs committed in {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_name)
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
        if not s.available or not s.content or s.practice:
            continue  # the practice quiz has an anatomy of its own (below)
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


def test_practice_quiz_notebook_shows_every_practice_question_under_its_objective():
    """After the last section: a title, the navigation and run hint, what practice means, then per objective a
    heading (with the section that teaches it) and one show() per question, every question once, in file order."""
    course = load_course()
    (practice,) = [s for s in course.sections if s.practice]
    assert course.sections[-1] == practice and practice.available
    content = load_section(practice.content)
    assert set(practice.objectives) == {o.id for o in course.objectives}
    nb = nbformat.read(NB_DIR / practice.notebook, as_version=4)
    assert [c.source for c in nb.cells[:3]] == [f"# {practice.title}", nav_markdown(course, practice.id), RUN_HINT]
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert f"{practice.minutes} minutes" in text
    for promise in ("not graded", "**Check**", "right answer", "as often as you like", "different questions"):
        assert promise in text, promise
    here = posixpath.dirname(practice.notebook)
    taught_in = {lo: s for s in course.sections if not s.practice for lo in s.objectives}
    objectives = {o.id: o.text for o in course.objectives}
    headings, shown, under = [], [], None
    for cell in nb.cells:
        first = cell.source.splitlines()[0] if cell.source else ""
        if cell.cell_type == "markdown" and first.startswith("## "):
            m = re.match(r"^## (LO[1-9]): (.+)$", first)
            under = m and m.group(1)
            if m:
                headings.append(under)
                assert m.group(2) == objectives[under].rstrip("."), first
                teacher = taught_in[under]
                assert f"[{teacher.title}]({posixpath.relpath(teacher.notebook, here)})" in cell.source, first
        elif cell.cell_type == "code" and (m := SHOW_CALL.match(cell.source.strip())):
            file, _, ex_id = m.group(1).partition("#")
            assert file == practice.content, cell.source
            assert content.exercises[ex_id].objective == under, f"{ex_id} is not under its objective's heading"
            shown.append(ex_id)
    assert headings == sorted({e.objective for e in content.exercises.values()}) == list(practice.objectives)
    assert shown == list(content.exercises)


def test_practice_quiz_comes_after_section_4_and_the_welcome_page_links_to_it():
    course = load_course()
    i, practice = next((n, s) for n, s in enumerate(course.sections) if s.practice)
    before, welcome = course.sections[i - 1], course.sections[0]
    assert nav_markdown(course, before.id).endswith(f"Next: [{practice.title}]({practice.notebook}) →")
    assert nav_markdown(course, practice.id) == (
        f"**Course navigation** — ← Previous: [{before.title}](../{before.notebook}) · "
        f"[Course map](../{welcome.notebook}#Course-map)")
    assert f"| [{practice.title}]({practice.notebook})<br>" in course_map_markdown(course)
    assert practice.title not in objectives_markdown(course), "objectives are taught in the sections, not practised"
    nb = nbformat.read(NB_DIR / welcome.notebook, as_version=4)
    own_text = [c.source for c in nb.cells if c.cell_type == "markdown" and MAP_TAG not in c.metadata.get("tags", [])]
    assert any(f"]({practice.notebook})" in t for t in own_text), "the welcome page says when to take the practice quiz"


def _anchors(path):
    """The anchors JupyterLab gives a notebook's headings ("## Course map" -> "Course-map"), and the ids of elements
    in its Markdown (the glossary's terms: ``<dt id="ssr">``)."""
    nb = nbformat.read(path, as_version=4)
    md = [c.source for c in nb.cells if c.cell_type == "markdown"]
    headings = {line.lstrip("#").strip().replace(" ", "-") for s in md for line in s.splitlines() if line.startswith("#")}
    return headings | {m for s in md for m in re.findall(r'<[a-z]+ id="([^"]+)"', s)}


@pytest.mark.parametrize("path", [*NOTEBOOKS, ROOT / "README.md"], ids=lambda p: p.relative_to(ROOT).as_posix())
def test_links_to_notebooks_lead_to_a_notebook_and_heading_that_exist(path):
    """Links are relative to the file's own folder: from notebooks/quiz/ a section is ../04_support.ipynb."""
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        texts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    else:
        texts = [path.read_text(encoding="utf-8")]
    checked = 0
    for text in texts:
        for target in LINK.findall(text):
            file, _, anchor = target.partition("#")
            if not file.endswith(".ipynb") or "://" in file:
                continue
            linked = (path.parent / file).resolve()
            assert linked.is_file() and NB_DIR in linked.parents, f"{path.name}: link to {target}"
            assert not anchor or anchor in _anchors(linked), f"{path.name}: no heading for {target}"
            checked += 1
    assert checked, f"{path.name} links to no notebook"


def test_progress_file_sits_beside_the_first_notebook():
    """progress.py finds the course's folder by its first notebook, without reading course.yml at every show()."""
    assert load_course().sections[0].notebook == COURSE_HOME


def test_code_passes_the_linter():
    """ruff, configured in pyproject.toml, over the package, the trainer tooling, tests and benchmarks."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "ruff", "check", "ssr_widgets", "grader/ssr_grader", "tests",
                           "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
