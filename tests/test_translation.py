"""The French edition's catalogues (issue 16): complete where translated, current, and never showing English.

Fast: no browser. The catalogues are made and checked with Babel (``python -m ssr_widgets.translation``); the
learner's kernel reads the compiled ``.mo`` files. The slice translated so far is the welcome page, Section 1
(its notebook and ``01_concept.yml``), the course order (``course.yml``) and the widget texts (``ui``).
"""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from ssr_widgets.translation import set_language
from ssr_widgets.translation.catalogue import (
    Project,
    _read,
    build_notebooks,
    check,
    extract,
    paragraphs,
    update,
)
from ssr_widgets.translation.fields import NOT_TEXT_KEYS, text_fields, unclassified

from .conftest import ROOT

PROJECT = Project.here()
SLICE = ("ui", "course.yml", "01_concept.yml", "00_welcome.ipynb", "01_concept.ipynb")
FRENCH_NOTEBOOKS = ("00_welcome.ipynb", "01_concept.ipynb")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    set_language("en")


def _walk_strings(data, path=()):
    """Every string leaf of a YAML document with the keys above it (an independent walk, not fields.py's)."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _walk_strings(v, (*path, k))
    elif isinstance(data, list):
        for v in data:
            yield from _walk_strings(v, (*path, "[]"))
    elif isinstance(data, str):
        yield path, data


# -- (a) the templates cover every text, and nothing else ---------------------------------------------------------

def test_every_string_of_the_content_is_classified_as_text_or_not():
    for path in sorted(PROJECT.content.glob("*.yml")):
        assert unclassified(yaml.safe_load(path.read_text(encoding="utf-8"))) == [], path.name


def test_the_content_template_holds_every_text_field_once_and_no_id_key_or_url():
    pot = extract(PROJECT, "content")
    entries = {(m.context, m.id) for m in pot if m.id}
    expected = set()
    for path in sorted(PROJECT.content.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        walked = [(ctx, c[k]) for ctx, c, k in text_fields(data, path.name)]
        assert len({ctx for ctx, _ in walked}) == len(walked), f"{path.name}: two texts share a context"
        expected |= set(walked)
        # an independent walk: every string that is neither under a source, a French form nor a non-text key is there
        strings = [(p, s) for p, s in _walk_strings(data)
                   if not {"sources", "source", "fr", "forms"} & set(p)]
        texts = {s for p, s in strings if p[-1] not in NOT_TEXT_KEYS and not (p[-1] == "[]" and p[-2] in NOT_TEXT_KEYS)}
        assert texts == {s for ctx, s in walked}, path.name
    assert entries == expected
    for context, msgid in entries:
        assert re.fullmatch(r"[\w.-]+\.yml#[\w\[\].-]+", context), context
        field = re.sub(r"\[[^\]]*\]$", "", context.partition("#")[2]).rpartition(".")[2]
        assert field not in NOT_TEXT_KEYS and field != "url", context  # never an id, key, answer or address
        assert not re.match(r"https?://", msgid), (context, msgid)


def test_the_notebook_template_holds_every_markdown_paragraph():
    pot = extract(PROJECT, "notebooks")
    found = {m.context: m.id for m in pot if m.id}
    for name in PROJECT.english_notebooks():
        nb = nbformat.read(PROJECT.notebooks / name, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "markdown" or "glossary" in cell.metadata.get("tags", []):
                continue
            parts = paragraphs(cell.source)
            assert "".join(parts) == cell.source
            for n, para in enumerate(parts[::2], start=1):
                if para.strip():
                    assert found.pop(f"{name}#{cell.id}:{n}") == para
    assert found == {}, "entries for paragraphs that do not exist"


def test_the_ui_template_holds_the_widget_texts():
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extract(PROJECT, "ui") if m.id}
    assert {"Check", "Reset", "Correct.", "Not quite. Read the explanations below, then try again.",
            "Save my work"} <= ids


def test_the_committed_templates_are_current():
    assert [p for p in check(PROJECT, "fr") if p.kind == "template out of date"] == []


# -- (b) a change to the English makes the French entry fuzzy, and the check names it ------------------------------

def test_changed_english_becomes_fuzzy_and_the_check_names_it(tmp_path):
    package = tmp_path / "ssr_widgets"
    shutil.copytree(PROJECT.content, package / "content")
    shutil.copytree(PROJECT.locale, package / "locale")
    for py in PROJECT.package.glob("*.py"):
        shutil.copy(py, package / py.name)
    shutil.copytree(PROJECT.notebooks, tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns("ssr-progress*", ".ipynb_checkpoints"))
    project = Project(package, tmp_path / "notebooks")
    only = ("01_concept.yml",)
    assert check(project, "fr", only) == []
    yml = package / "content" / "01_concept.yml"
    old = "People can get basic health care."
    yml.write_text(yml.read_text(encoding="utf-8").replace(old, "People can get basic health care near home."),
                   encoding="utf-8")
    stale = check(project, "fr", only)
    assert any(p.kind == "template out of date" for p in stale)
    update(project)
    entry = _read(project.po("content", "fr"), "fr").get(
        "People can get basic health care near home.", context="01_concept.yml#human-security.options[d].text")
    assert entry.fuzzy and entry.string == "Les gens ont accès aux soins de santé de base."
    # the old English stays beside it for the translator (Babel writes it as a "#|" comment)
    po_text = project.po("content", "fr").read_text(encoding="utf-8")
    assert (f'#, fuzzy\n#| msgid "{old}"\nmsgctxt "01_concept.yml#human-security.options[d].text"\n'
            'msgid "People can get basic health care near home."') in po_text
    problems = check(project, "fr", only)
    assert [(p.origin, p.context, p.kind) for p in problems] == [
        ("01_concept.yml", "01_concept.yml#human-security.options[d].text", "fuzzy")]
    assert "01_concept.yml [01_concept.yml#human-security.options[d].text]: fuzzy" in str(problems[0])
    # the French notebook that shows this exercise is no longer ready: the check says it must not stay
    assert [p.kind for p in check(project, "fr", ("01_concept.ipynb",))] == ["French notebook not ready"]


# -- (c) the translated slice is complete and current; the rest is reported as missing -----------------------------

def test_the_translated_slice_is_complete_and_current():
    assert [str(p) for p in check(PROJECT, "fr", SLICE)] == []


def test_the_rest_is_reported_as_missing_file_by_file():
    rest = check(PROJECT, "fr", ("02_context.yml",))
    assert rest and {p.kind for p in rest} == {"missing"} and {p.origin for p in rest} == {"02_context.yml"}


# -- (d) French content: the same ids and answer keys, French feedback ----------------------------------------------

def test_french_content_has_the_same_ids_and_answers_and_gives_french_feedback():
    from ssr_widgets.checking import check_choice, check_classify
    from ssr_widgets.loader import load_section

    en = load_section("01_concept.yml", language="en")
    fr = load_section("01_concept.yml", language="fr")
    assert list(fr.exercises) == list(en.exercises)
    for ex_id, ex in en.exercises.items():
        fx = fr.exercises[ex_id]
        assert fx.kind == ex.kind and fx.title != ex.title
        if ex.kind == "choice":
            assert fx.correct_ids == ex.correct_ids
            assert [o.id for o in fx.options] == [o.id for o in ex.options]
        if ex.kind == "classify":
            assert {i.id: i.category for i in fx.items} == {i.id: i.category for i in ex.items}
    set_language("fr")
    q = fr.exercises["ssr-definition"]
    wrong = check_choice(q, "b")
    assert wrong.summary == "Pas tout à fait. Lisez les explications ci-dessous, puis essayez de nouveau."
    assert wrong.remarks[1].verdict.startswith("Faux : vous l'avez choisie")
    assert check_choice(q, "a").summary == "Bonne réponse."
    sort = fr.exercises["security-sector-sort"]
    fb = check_classify(sort, {"police": "provision"})
    assert fb.summary.startswith("1 éléments sur 14 sont à la bonne place.") or "sur" in fb.summary
    set_language("en")
    assert check_choice(en.exercises["ssr-definition"], "b").summary.startswith("Not quite.")


def test_a_french_exercise_checked_headless_shows_french_buttons_and_feedback(tmp_path):
    from ssr_widgets import show
    from ssr_widgets.progress import ProgressStore

    set_language("fr")
    view = show("01_concept.yml#ssr-definition", store=ProgressStore(tmp_path / "p.json"))
    assert (view.check_button.description, view.reset_button.description) == ("Vérifier", "Recommencer")
    view.set_answer(["c"])
    assert not view.check().complete
    assert "Pas tout à fait." in view.feedback_html.value and "Not quite" not in view.feedback_html.value
    # marked French for screen readers (the browser part sets it on the exercise: see test_browser_a11y)
    assert view.feedback_html.lang == "fr"
    set_language("en")
    assert show("01_concept.yml#ssr-definition", store=ProgressStore(tmp_path / "p.json")).feedback_html.lang == "en"


# -- (e) the French notebooks: built from the catalogue, current, and they run -------------------------------------

def test_the_french_notebooks_are_current_with_the_catalogue():
    built = build_notebooks(PROJECT, "fr", write=False)
    assert sorted(built) == sorted(FRENCH_NOTEBOOKS)
    for name, text in built.items():
        assert (PROJECT.edition("fr") / name).read_text(encoding="utf-8") == text, f"run: build-notebooks ({name})"
        english = nbformat.read(PROJECT.notebooks / name, as_version=4)
        french = nbformat.reads(text, as_version=4)
        assert [c.id for c in french.cells] == [c.id for c in english.cells]
        codes = [(e.source, f.source) for e, f in zip(english.cells, french.cells, strict=True) if e.cell_type == "code"]
        assert codes[0][1] == codes[0][0].replace("import ", "import set_language, ") + '\n\nset_language("fr")'
        assert all(e == f for e, f in codes[1:])
        assert all(c.outputs == [] and c.execution_count is None for c in french.cells if c.cell_type == "code")
        assert "widgets" not in french.metadata


def test_the_french_notebooks_pass_the_linter():
    import subprocess
    import sys

    paths = [str(PROJECT.edition("fr") / n) for n in FRENCH_NOTEBOOKS]
    done = subprocess.run([sys.executable, "-m", "ruff", "check", *paths], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.parametrize("name", FRENCH_NOTEBOOKS)
def test_french_notebook_executes_headless(name, tmp_path, monkeypatch):
    monkeypatch.setenv("SSR_PROGRESS_FILE", str(tmp_path / "progress.json"))
    path = PROJECT.edition("fr") / name
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    assert [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"] == []
    shown = [c for c in nb.cells if c.cell_type == "code" and "show" in c.source and "import" not in c.source]
    assert shown and all(any(WIDGET_MIME in o.get("data", {}) for o in c.outputs) for c in shown)


def test_links_in_the_french_notebooks_lead_to_notebooks_that_exist():
    for name in FRENCH_NOTEBOOKS:
        nb = nbformat.read(PROJECT.edition("fr") / name, as_version=4)
        for cell in nb.cells:
            for target in re.findall(r"\]\(([^)\s#]+\.ipynb)", cell.source):
                assert (PROJECT.edition("fr") / name).parent.joinpath(target).resolve().exists(), (name, target)


# -- (f) no English sentence in the French slice --------------------------------------------------------------------

#: Words that mark an English sentence and are not French words.
_ENGLISH = frozenset({
    "the", "and", "of", "is", "are", "to", "with", "which", "that", "this", "for", "by", "from", "be", "you", "your",
    "not", "it", "its", "was", "were", "have", "has", "what", "who", "when", "how",
})
#: English that the French edition shows on purpose: JupyterLab's own menu names (until its French language pack is
#: installed, the learner sees them in English), the UNITAR course's English title, and titles of sources that exist
#: only in English, cited as published (in italics or quotes, as in a bibliography).
ALLOWED = (
    "Run All Cells", "Run → Run All Cells", "Introduction to Security Sector Reform",
    "Security System Reform and Governance", "The Security Sector", "Human Development Report 1994",
    "Handbook on Security System Reform: Supporting Security and Justice",
    "The Security Sector: Roles and responsibilities in security provision, management and oversight",
    "New dimensions of human security", "Fostering a supportive political environment",
    "Office of Rule of Law and Security Institutions", "Access to justice and rule of law institutions",
    "Security Sector Reform Integrated Technical Guidance Notes", "DAC Guidelines and Reference Series",
)


def english_sentences(text: str) -> list[str]:
    """Sentences with two or more English function words, once links, addresses, code and allowed titles are out."""
    text = re.sub(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+|`[^`]*`|<[^>]+>", " ", text)
    for allowed in sorted(ALLOWED, key=len, reverse=True):
        text = text.replace(allowed, " ")
    out = []
    for sentence in re.split(r"(?<=[.!?:;])\s+|\n", text):
        words = re.findall(r"[A-Za-z]+", sentence.lower())
        if len({w for w in words if w in _ENGLISH}) >= 2:
            out.append(sentence.strip())
    return out


def test_the_heuristic_finds_english_and_spares_french():
    assert english_sentences("Press Check and read the feedback.") == ["Press Check and read the feedback."]
    assert english_sentences("Appuyez sur **Vérifier**, puis lisez les explications.") == []
    assert english_sentences("CAD de l’OCDE, *Security System Reform and Governance*, 2005") == []


def test_no_english_sentence_in_the_french_slice():
    from ssr_widgets.translation.catalogue import _read as read

    found = []
    for name in FRENCH_NOTEBOOKS:
        for cell in nbformat.read(PROJECT.edition("fr") / name, as_version=4).cells:
            if cell.cell_type == "markdown":
                sources_list = cell.source.startswith("## Sources")  # a bibliography: titles as published
                text = "\n".join(line for line in cell.source.splitlines()
                                 if not (sources_list and re.match(r"\d+\. ", line)))
                found += [(name, s) for s in english_sentences(text)]
    for domain, scope in (("content", ("course.yml", "01_concept.yml")), ("ui", None)):
        for m in read(PROJECT.po(domain, "fr"), "fr"):
            if m.id and (scope is None or (m.context or "").partition("#")[0] in scope):
                for s in [m.string] if isinstance(m.string, str) else m.string:
                    found += [(m.context or domain, x) for x in english_sentences(s)]
    assert found == []


def test_no_function_hides_gettext_behind_a_local_underscore():
    """``texts, _ = ...`` in a function that also calls ``_("...")`` makes ``_`` a local there, and the call fails
    at run time (it once broke the written exercise's review). Found by reading the code, for every module."""
    import ast

    found = []
    for path in sorted((ROOT / "ssr_widgets").rglob("*.py")):
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            nodes = list(ast.walk(fn))
            binds = any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store) for n in nodes)
            calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_" for n in nodes)
            if binds and calls:
                found.append(f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name}")
    assert not found, found
