"""The French edition's catalogues (issue 16): complete where translated, current, and never showing English.

Fast: no browser. The catalogues are made and checked with Babel (``python -m ssr_widgets.translation``); the
learner's kernel reads the compiled ``.mo`` files. The slice translated so far is the welcome page, Section 1
(its notebook and ``01_concept.yml``), the course order (``course.yml``), the widget texts (``ui``), the glossary,
the taxonomy, the Solenna briefing (``country.yml``) and Sections 2 and 3. A French notebook is built once every
entry it needs is translated and current, and the tests below take the French notebooks to be exactly those the
catalogues make ready.
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
    _po_bytes,
    _read,
    build_notebooks,
    check,
    extract,
    paragraphs,
    ready_notebooks,
    shown_files,
    update,
)
from ssr_widgets.translation.fields import NOT_TEXT_KEYS, text_fields, unclassified
from ssr_widgets.translation.typography import french_spacing

from .conftest import ROOT

PROJECT = Project.here()
#: The French notebooks the catalogues make: every hand-written English notebook and the glossary page (its list
#: written by the glossary tool in French); not the trainer-made quiz, evaluation and pre-test (``build-quiz`` writes
#: the French evaluation and pre-test: ``tests/test_french_forms.py``).
EXPECTED_FRENCH = ("00_welcome.ipynb", "01_concept.ipynb", "02_context.ipynb", "03_actors.ipynb", "04_support.ipynb",
                   "glossary.ipynb", "quiz/practice_quiz.ipynb")
#: The French notebooks the catalogues make ready now (the ones built in notebooks/fr/): see the tests of (e).
FRENCH_NOTEBOOKS = tuple(sorted(ready_notebooks(PROJECT, "fr")))
#: The content files whose French the no-English test reads: every file a learner's kernel shows.
FRENCH_CONTENT = tuple(sorted(p.name for p in PROJECT.content.glob("*.yml")))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def copy_package(tmp_path):
    """A copy of the learner package's content, catalogues and modules, to change without touching the real one."""
    package = tmp_path / "ssr_widgets"
    shutil.copytree(PROJECT.content, package / "content")
    shutil.copytree(PROJECT.locale, package / "locale")
    for py in PROJECT.package.glob("*.py"):
        shutil.copy(py, package / py.name)
    return package


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
    package = copy_package(tmp_path)
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


# -- (c) the whole course is translated and current; a missing entry is reported with its file ----------------------

def test_the_whole_course_is_complete_and_current():
    """What CI holds the French edition to: every English text has a current French entry, every French notebook is
    built from them, and no entry is left over (``python -m ssr_widgets.translation check``)."""
    assert [str(p) for p in check(PROJECT, "fr")] == []


def test_french_spacing_keeps_marks_and_guillemets_with_their_words():
    """A no-break space before : ; ? ! and inside « », so that a narrow screen never starts a line with the mark;
    code spans, web addresses and Markdown images are left alone, and a line break a reader sees as a space counts."""
    nb = "\u00a0"
    assert french_spacing("Pourquoi ? Voici : « oui » !") == f"Pourquoi{nb}? Voici{nb}: «{nb}oui{nb}»{nb}!"
    assert french_spacing("Tapez `a ; b` : fin") == f"Tapez `a ; b`{nb}: fin"
    assert french_spacing("voir https://un.org/fr\n![carte](x.png)") == "voir https://un.org/fr\n![carte](x.png)"
    assert french_spacing("le mot «\n    paix\n    » et\n  ? ici") == f"le mot «{nb}paix{nb}» et{nb}? ici"
    assert french_spacing(french_spacing("Quoi ? « Rien »")) == french_spacing("Quoi ? « Rien »")


def test_a_french_entry_with_an_ordinary_space_before_a_colon_is_reported_and_typeset_fixes_it(tmp_path):
    from ssr_widgets.translation.catalogue import _po_bytes, typeset

    package = copy_package(tmp_path)
    project = Project(package, PROJECT.notebooks)
    po = project.po("ui", "fr")
    catalog = _read(po, "fr")
    entry = next(m for m in catalog if m.id == "Check")
    entry.string = "Vérifier ?"
    po.write_bytes(_po_bytes(catalog))
    assert [(p.origin, p.kind) for p in check(project, "fr", ("ui",))] == [
        ("ssr_widgets/_view.py", "French spacing"), ("ui.mo", "compiled catalogue out of date")]
    assert "'Vérifier ?' (run: typeset)" in str(check(project, "fr", ("ui",))[0])
    assert typeset(project) == [po]
    assert next(m for m in _read(po, "fr") if m.id == "Check").string == "Vérifier\u00a0?"
    assert [p.kind for p in check(project, "fr", ("ui",))] == ["compiled catalogue out of date"]


def test_a_missing_french_entry_is_reported_with_its_file_and_the_notebook_is_no_longer_ready(tmp_path):
    package = copy_package(tmp_path)
    project = Project(package, PROJECT.notebooks)
    po = project.po("content", "fr")
    catalog = _read(po, "fr")
    context = "04_support.yml#programme-cycle.steps[assess].text"
    entry = next(m for m in catalog if m.context == context)
    assert entry.string
    entry.string = ""
    from ssr_widgets.translation.catalogue import _po_bytes

    po.write_bytes(_po_bytes(catalog))
    rest = check(project, "fr", ("04_support.yml",))
    # the entry, by file and context; and the learners' compiled catalogue, which no longer matches the .po
    assert sorted((p.origin, p.context, p.kind) for p in rest) == [
        ("04_support.yml", context, "missing"), ("content.mo", "", "compiled catalogue out of date")]
    assert "04_support.ipynb" not in ready_notebooks(project, "fr")
    assert "03_actors.ipynb" in ready_notebooks(project, "fr")


def test_the_trainer_template_holds_every_text_of_the_certificate_and_badge():
    """The certificate's and the badge's fixed texts are in the ``trainer`` domain, extracted from the trainer's code."""
    from ssr_grader.credentials.certificate import _MONTHS, DEFAULT_STATEMENT
    from ssr_grader.credentials.issuing import DEFAULT_ACHIEVEMENT

    ids = {m.id for m in extract(PROJECT, "trainer") if m.id}
    assert {"Certificate of completion", "This certifies that", "has completed the course", "Date: {date}",
            "Issued by: {issuer}", "Check this certificate: {url}", "Certificate ID: {id}", DEFAULT_STATEMENT,
            "End-of-course quiz score", *_MONTHS, *DEFAULT_ACHIEVEMENT.values()} <= ids
    # the shipped issuer.yml's achievement is the one whose French is in the catalogue
    shipped = yaml.safe_load((ROOT / "grader" / "issuer.yml").read_text(encoding="utf-8"))["achievement"]
    assert {k: shipped[k] for k in DEFAULT_ACHIEVEMENT} == DEFAULT_ACHIEVEMENT


def test_a_missing_french_certificate_text_is_reported_by_the_check(tmp_path):
    package = copy_package(tmp_path)
    project = Project(package, PROJECT.notebooks)
    assert check(project, "fr", ("trainer",)) == []
    po = project.po("trainer", "fr")
    catalog = _read(po, "fr")
    entry = catalog.get("This certifies that")
    assert entry.string == "Ce certificat atteste que"
    entry.string = ""
    po.write_bytes(_po_bytes(catalog))
    assert sorted((p.origin, p.kind) for p in check(project, "fr", ("trainer",))) == [
        ("grader/ssr_grader/credentials/certificate.py", "missing"), ("trainer.mo", "compiled catalogue out of date")]
    assert "French notebook" not in {p.kind for p in check(project, "fr")}  # the learner's notebooks are not held up


def test_the_french_notebooks_are_the_ones_the_catalogues_make_ready():
    """Derived, not listed: a notebook is French exactly when every entry it needs is translated and current."""
    assert set(FRENCH_NOTEBOOKS) == set(EXPECTED_FRENCH)
    for name in ("02_context.ipynb", "03_actors.ipynb"):
        scope = (name, *shown_files(PROJECT, name))
        assert (name in FRENCH_NOTEBOOKS) == (check(PROJECT, "fr", scope) == []), name
    built = {p.relative_to(PROJECT.edition("fr")).as_posix() for p in PROJECT.edition("fr").rglob("*.ipynb")
             if ".ipynb_checkpoints" not in p.parts}
    # and the French evaluation and pre-test, which the trainer's tool writes (ssr-trainer build-quiz), not the catalogue
    assert PROJECT.trainer_made("fr") == {"quiz/course_evaluation.ipynb", "quiz/pre_test.ipynb"}
    assert built == set(FRENCH_NOTEBOOKS) | PROJECT.trainer_made("fr"), "run: python -m ssr_widgets.translation build"


def test_the_french_welcome_page_leads_to_the_french_evaluation_and_pre_test():
    """Trainer-made French notebooks are in the edition: its links to them stay inside it, not ``../quiz/``."""
    text = (PROJECT.edition("fr") / "00_welcome.ipynb").read_text(encoding="utf-8")
    assert "](quiz/pre_test.ipynb)" in text and "../quiz/pre_test.ipynb" not in text
    assert build_notebooks(PROJECT, "fr", write=False)["00_welcome.ipynb"] == text


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
    assert wrong.remarks[1].verdict.startswith("Faux\u00a0: vous l'avez choisie")
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
    assert {p.name for p in PROJECT.edition("fr").glob("*.ipynb")} == {n for n in built if "/" not in n}
    for name, text in built.items():
        assert (PROJECT.edition("fr") / name).read_text(encoding="utf-8") == text, f"run: build-notebooks ({name})"
        english = nbformat.read(PROJECT.notebooks / name, as_version=4)
        french = nbformat.reads(text, as_version=4)
        assert [c.id for c in french.cells] == [c.id for c in english.cells]
        codes = [(e.source, f.source) for e, f in zip(english.cells, french.cells, strict=True) if e.cell_type == "code"]
        if codes:  # the glossary page has no code
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
    assert all(any(WIDGET_MIME in o.get("data", {}) for o in c.outputs) for c in shown)
    assert shown or not [c for c in nb.cells if c.cell_type == "code"], "a notebook with code shows its exercises"


def test_the_french_glossary_page_is_the_glossary_in_french_with_the_same_anchors():
    """The French sections link to their own glossary page (not the English one), at the same anchors: the term
    ids. Its terms and definitions are French, each with the UN's official French form where there is one and the
    English term, marked as English for screen readers."""
    from ssr_widgets.glossary import GLOSSARY_TAG, load_glossary

    def glossary_cell(path):
        (cell,) = [c for c in nbformat.read(path, as_version=4).cells if GLOSSARY_TAG in c.metadata.get("tags", [])]
        return cell.source

    english, french = glossary_cell(PROJECT.notebooks / "glossary.ipynb"), glossary_cell(
        PROJECT.edition("fr") / "glossary.ipynb")
    ids = re.compile(r'<dt id="([\w-]+)">')
    assert sorted(ids.findall(french)) == sorted(ids.findall(english)) == sorted(t.id for t in load_glossary().terms)
    fr_terms = {t.id: t for t in load_glossary(language="fr").terms}
    assert f'<dt id="ssr"><dfn>{fr_terms["ssr"].heading}</dfn></dt>' in french
    assert fr_terms["ssr"].heading.startswith("Réforme du secteur de la sécurité")
    assert '<span lang="en">Security sector reform (SSR)</span>' in french
    assert "Terme officiel en français\u00a0:" in french and "In French:" not in french
    # French order: "Acteur" before "Appropriation nationale", accents ignored ("État" among the E's)
    headings = re.findall(r"<dfn>([^<]+)</dfn>", french)
    from ssr_widgets.glossary import _sort_key

    assert headings == sorted(headings, key=_sort_key)
    for name in FRENCH_NOTEBOOKS:
        text = (PROJECT.edition("fr") / name).read_text(encoding="utf-8")
        assert "../glossary.ipynb" not in text, f"{name} links to the English glossary"


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
            if cell.cell_type == "markdown" and "glossary" in cell.metadata.get("tags", []):
                # the glossary list: its sources are cited by their published titles, and English marked as such
                text = re.sub(r'<small>Source\s:.*?</small>|<span lang="en">.*?</span>', " ", cell.source, flags=re.S)
                found += [(name, s) for s in english_sentences(text)]
            elif cell.cell_type == "markdown":
                sources_list = cell.source.startswith("## Sources")  # a bibliography: titles as published
                text = "\n".join(line for line in cell.source.splitlines()
                                 if not (sources_list and re.match(r"\d+\. ", line)))
                found += [(name, s) for s in english_sentences(text)]
    for domain, scope in (("content", FRENCH_CONTENT), ("ui", None)):
        catalog = read(PROJECT.po(domain, "fr"), "fr")
        # a notebook's bibliography (a cell whose first paragraph is "## Sources"): titles as published
        sources_cells = {m.context.rpartition(":")[0] for m in catalog
                         if domain == "notebooks" and m.context and m.id.startswith("## Sources")}
        for m in catalog:
            if m.id and (scope is None or (m.context or "").partition("#")[0] in scope):
                in_sources = (m.context or "").rpartition(":")[0] in sources_cells
                for s in [m.string] if isinstance(m.string, str) else m.string:
                    s = "\n".join(line for line in s.splitlines() if not (in_sources and re.match(r"\d+\. ", line)))
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


# -- (g) Sections 2-3 in a French kernel: the briefing, the taxonomy, the actor map and the scenario -----------------

def _ui_texts(*modules: str) -> list[tuple[list[str], list[str]]]:
    """(English forms, French forms) of every ui entry marked in these modules, read from the French catalogue."""
    out = []
    for m in _read(PROJECT.po("ui", "fr"), "fr"):
        if m.id and any(file.rpartition("/")[2] in modules for file, _line in m.locations):
            english = [m.id] if isinstance(m.id, str) else list(m.id)
            french = [m.string] if isinstance(m.string, str) else list(m.string)
            assert all(french), f"not translated: {english[0]!r}"
            out.append((english, french))
    assert out, modules
    return out


def _pattern(text: str) -> re.Pattern:
    """A catalogue text as it shows, its placeholders ({name}) standing for any text on the same line."""
    parts = re.split(r"\{[A-Za-z_]\w*\}", text)
    return re.compile(r"(?<!\w)" + r"[^<>\n]*?".join(re.escape(p) for p in parts) + r"(?!\w)")


def _has_letters(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]{2}", re.sub(r"\{\w+\}", "", text)))


def _readable(page: str) -> str:
    """HTML as a reader gets it: entities decoded, and an SVG text's lines (wrapped into tspans) joined again."""
    import html as html_lib

    return html_lib.unescape(re.sub(r"</tspan><tspan[^>]*>", " ", page))


def _english_shown(page: str, texts: list[tuple[list[str], list[str]]]) -> list[str]:
    page = _readable(page)
    return [e for english, _fr in texts for e in english if _has_letters(e) and _pattern(e).search(page)]


def _french_missing(page: str, texts: list[tuple[list[str], list[str]]]) -> list[str]:
    page = _readable(page)
    return [french[0] for _en, french in texts if not any(_pattern(f).search(page) for f in french)]


def _widget_text(widget) -> str:
    """Every text a widget tree shows: HTML values, labels, legends, tooltips and the options of lists and groups."""
    parts = [str(getattr(widget, name, "") or "") for name in ("value", "description", "description_hidden",
                                                                "legend", "tooltip", "placeholder")
             if isinstance(getattr(widget, name, None), str)]
    parts += [str(label) for label in getattr(widget, "_options_labels", ())]
    parts += [str(option[0]) for option in getattr(widget, "options", ()) if isinstance(option, list)]
    for child in getattr(widget, "children", ()):
        parts.append(_widget_text(child))
    return "\n".join(parts)


def test_the_briefing_is_french_in_a_french_kernel_and_english_in_an_english_one():
    from ssr_widgets.country import country_briefing_html, load_country, show_briefing

    texts = _ui_texts("country.py")
    set_language("fr")
    page = show_briefing().value
    assert 'lang="fr"' in page
    assert _french_missing(page, texts) == [] and _english_shown(page, texts) == []
    fr = load_country()
    assert fr == load_country(language="fr") and fr.official_name in page
    assert all(a.name in page and a.description in page for a in fr.actors)
    set_language("en")
    en = load_country()
    assert en != fr and en.official_name == load_country(language="en").official_name != fr.official_name
    page = country_briefing_html()
    assert 'lang="en"' in page and en.official_name in page
    assert "<h3>Who is who</h3>" in page and "<p>What the agreement says:</p>" in page
    assert _english_shown(page, texts) and not _french_missing(page, [(e, e) for e, _f in texts])


def test_the_taxonomy_labels_are_french_in_a_french_kernel():
    from ssr_widgets.taxonomy import load_taxonomy
    from ssr_widgets.translation import content_text

    en = load_taxonomy(language="en")
    set_language("fr")
    fr = load_taxonomy()
    assert fr is load_taxonomy(language="fr") and fr is not en
    assert [lv.id for lv in fr.levels] == [lv.id for lv in en.levels] and [k.role for k in fr.kinds] == [
        k.role for k in en.kinds]
    for r in en.roles:
        french = content_text(f"taxonomy.yml#roles[{r.id}].label", r.label, "fr")
        assert fr.role_labels[r.id] == french != r.label
    assert fr.outside.label != en.outside.label
    set_language("en")
    assert load_taxonomy() is en and en.role_labels["provision"] == "Provides security"


def test_the_actor_map_shows_french_instructions_and_no_english_fixed_text(tmp_path):
    from ssr_widgets import show
    from ssr_widgets.progress import ProgressStore

    texts = _ui_texts("actormap.py", "_mapsvg.py")
    set_language("fr")
    view = show("03_actors.yml#solenna-actor-map", store=ProgressStore(tmp_path / "p.json"))
    ex = view.exercise
    shown = _widget_text(view)
    assert ("Pour chaque acteur, choisissez le niveau où il agit et son rôle. La carte s’affiche quand vous appuyez "
            "sur Vérifier.") in shown
    assert "— choisir un niveau —" in shown and "— choisir un rôle —" in shown
    # one actor right, one with a level only, one with a role only, one wrong, the others not placed
    a, b, c, d = ex.actors[:4]
    other = next(lv.id for lv in ex.levels if lv.id != d.level)
    answer = {a.id: {"level": a.level, "role": a.role}, b.id: {"level": b.level}, c.id: {"role": c.role},
              d.id: {"level": other, "role": d.role}}
    view.set_answer(answer)
    details = view.render_details(answer, view.evaluate(answer))
    page = shown + "\n" + details
    assert _english_shown(page, texts) == []
    missing = _french_missing(page, texts)
    assert missing == [] or (not ex.links and missing == ["<strong>Liens de coordination</strong> (les flèches "
                                                          "sur la carte)\u00a0:"])
    set_language("en")
    view = show("03_actors.yml#solenna-actor-map", store=ProgressStore(tmp_path / "p.json"))
    assert "For each actor, choose the level it works at and its role. The map appears when you press Check." in (
        _widget_text(view))


def test_a_scenario_shows_french_fixed_texts_and_no_english_ones(tmp_path):
    from ssr_widgets import show
    from ssr_widgets.checking import path_nodes
    from ssr_widgets.progress import ProgressStore

    texts = _ui_texts("scenario.py")

    def own_text(view) -> str:  # the feedback summary is checking.py's: checked in a test of its own below
        return _widget_text(view).replace(view.feedback_html.value, "")

    set_language("fr")
    view = show("04_support.yml#solenna-entry-points", store=ProgressStore(tmp_path / "p.json"))
    ex = view.exercise
    assert (view.reset_button.description, view.reset_button.tooltip) == (
        "Rejouer", "Reprendre l’histoire depuis le début")
    assert "Décision 1." in view.now_html.value and "Choisissez quoi faire\u00a0:" in view.now_html.value
    pages = [own_text(view)]
    while not ex.node(path_nodes(ex, view.path)[-1]).end:
        view.choose(ex.node(path_nodes(ex, view.path)[-1]).choices[-1].id)
        pages.append(own_text(view))
    assert "Fin." in view.now_html.value and "L’histoire jusqu’ici" in view.story_html.value
    assert "Vous avez choisi\u00a0:" in view.story_html.value and "Ce qui s’est passé\u00a0:" in view.now_html.value
    assert "Votre parcours à côté du meilleur" in view.details_html.value
    assert re.search(r"Votre parcours \(total [-+]?\d+\)", view.details_html.value)
    view.reset()
    assert "L’histoire reprend depuis le début." in view.feedback_html.value
    pages.append(_widget_text(view))  # the feedback now says only the widget's own note
    # the story itself is Section 4's English (not translated yet): only the widget's own texts are checked
    assert _english_shown("\n".join(pages), texts) == []


def _ui_french():
    """The French of every ui entry (a plural entry: its forms), and the catalogue's plural rule (n -> form)."""
    import gettext

    catalog = _read(PROJECT.po("ui", "fr"), "fr")
    return {m.id: m.string for m in catalog if m.id}, gettext.c2py(catalog.plural_expr)


def test_the_actor_map_and_scenario_feedback_is_french():
    from ssr_widgets.checking import best_paths, check_actormap, check_scenario, path_nodes, path_scores, signed
    from ssr_widgets.loader import load_exercise

    fr, form = _ui_french()
    set_language("fr")
    actormap = load_exercise("03_actors.yml#solenna-actor-map")
    assert check_actormap(actormap, {}).summary == fr[
        "Choose a level and a role for the actors first, then press Check."]
    # one actor right, one with its level only, one with a wrong level and the right role, the others not placed
    a, b, c = actormap.actors[:3]
    levels = {lv.id: lv.label for lv in actormap.levels}
    roles = {r.id: r.label for r in actormap.roles}
    other = next(lv for lv in levels if lv != c.level)
    fb = check_actormap(actormap, {a.id: {"level": a.level, "role": a.role}, b.id: {"level": b.level},
                                   c.id: {"level": other, "role": c.role}})
    total, n_open = len(actormap.actors), len(actormap.actors) - 3
    not_placed = fr[(" {n} actor is not placed yet.", " {n} actors are not placed yet.")][form(n_open)]
    assert fb.summary == (fr["{n} of {total} actors are fully right ({points} of {choices} choices)."].format(
        n=1, total=total, points=4, choices=2 * total) + not_placed.format(n=n_open)
        + fr[" Read the explanations, change your answers, and check again."])
    assert [r.verdict for r in fb.remarks[:4]] == [
        fr["Level: right, {right}."].format(right=levels[a.level]) + " "
        + fr["Role: right, {right}."].format(right=roles[a.role]),
        fr["Level: right, {right}."].format(right=levels[b.level]) + " "
        + fr["Role: not chosen yet — it is {right}."].format(right=roles[b.role]),
        fr["Level: not right — you chose {chosen}; it is {right}."].format(chosen=levels[other], right=levels[c.level])
        + " " + fr["Role: right, {right}."].format(right=roles[c.role]),
        fr["Level: not chosen yet — it is {right}."].format(right=levels[actormap.actors[3].level]) + " "
        + fr["Role: not chosen yet — it is {right}."].format(right=roles[actormap.actors[3].role]),
    ]
    right = {x.id: {"level": x.level, "role": x.role} for x in actormap.actors}
    assert check_actormap(actormap, right).summary == fr[
        "Correct. All {total} actors are on the right level and in the right role."].format(total=total)

    scenario = load_exercise("04_support.yml#solenna-entry-points")
    assert check_scenario(scenario, []).summary == fr["Read the situation, then choose what to do."]
    first = scenario.node(scenario.start).choices[0].id
    decisions = ("{n} decision made. Read what happened, then choose what to do next.",
                 "{n} decisions made. Read what happened, then choose what to do next.")
    assert check_scenario(scenario, [first]).summary == fr[decisions][form(1)].format(n=1)
    best, _worst, best_ones = best_paths(scenario)
    fb = check_scenario(scenario, best_ones[0])
    assert fb.complete and fb.summary == fr[
        "The end. Your path is one of the best: it scores {score} across all principles."].format(score=signed(best))
    standings = [fr[s] for s in ("strongly upheld", "upheld", "neither helped nor harmed", "harmed", "badly harmed")]
    before, _sep, after = fr["{score}: {standing}."].partition("{score}")
    verdict = re.compile(r"[-+]?\d+" + "|".join(re.escape(after.format(standing=st)) for st in standings).join("()"))
    assert before == ""
    lead = fr["Your choices that count here: {choices}."].partition("{choices}")[0]
    for r in fb.remarks:
        assert verdict.fullmatch(r.verdict), r.verdict
        assert r.why.startswith((lead, fr["None of your choices affected this principle."]))
        assert fr[" A best path scores {score} here."].partition("{score}")[0] in r.why
    path = []  # the last choice each time
    while not scenario.node(path_nodes(scenario, path)[-1]).end:
        path.append(scenario.node(path_nodes(scenario, path)[-1]).choices[-1].id)
    fb = check_scenario(scenario, path)
    if not fb.complete:
        assert fb.summary == fr["The end. Your path scores {score} across all principles; the best path scores "
                                "{best}. Compare the paths below, then play again."].format(
            score=signed(sum(path_scores(scenario, path).values())), best=signed(best))
    said = [check_actormap(actormap, {}).summary, check_scenario(scenario, []).summary, fb.summary,
            *(r.verdict for r in fb.remarks)]
    assert [s for s in said if english_sentences(s)] == []
    # English is unchanged
    set_language("en")
    en = load_exercise("03_actors.yml#solenna-actor-map")
    assert check_actormap(en, {}).summary == "Choose a level and a role for the actors first, then press Check."
    assert check_scenario(load_exercise("04_support.yml#solenna-entry-points"), [first]).summary == (
        "1 decision made. Read what happened, then choose what to do next.")


def test_a_french_sort_or_match_with_open_items_gives_the_french_plural_count():
    from ssr_widgets.checking import check_classify, check_match
    from ssr_widgets.loader import load_exercise

    fr, form = _ui_french()
    sorting = ("{n} is not sorted yet.", "{n} are not sorted yet.")
    matching = ("{n} is not matched yet.", "{n} are not matched yet.")
    assert isinstance(fr[sorting], tuple) and isinstance(fr[matching], tuple)  # one plural entry each (NP_)
    set_language("fr")
    sort = load_exercise("02_context.yml#solenna-challenges")
    n = len(sort.items)
    fb = check_classify(sort, {})
    assert fr[sorting][form(n)].format(n=n) in fb.summary
    assert fb.summary.startswith(fr["{n} of {total} items are in the right place."].format(n=0, total=n))
    all_but_one = {i.id: i.category for i in sort.items[1:]}
    assert fr[sorting][form(1)].format(n=1) in check_classify(sort, all_but_one).summary
    match = load_exercise("03_actors.yml#coordination-problems")
    n = len(match.prompts)
    assert fr[matching][form(n)].format(n=n) in check_match(match, {}).summary
    set_language("en")
    en = load_exercise("02_context.yml#solenna-challenges")
    assert f" {len(en.items)} are not sorted yet." in check_classify(en, {}).summary
    assert " 1 is not sorted yet." in check_classify(en, all_but_one).summary


def test_the_written_exercise_shows_its_fact_labels_in_french(tmp_path):
    from ssr_widgets import show
    from ssr_widgets.progress import ProgressStore
    from ssr_widgets.written_work import FACT_LISTS, scenario_facts, work_html

    fr, _form = _ui_french()
    set_language("fr")
    view = show("03_actors.yml#coordination-memo", store=ProgressStore(tmp_path / "p.json"))
    facts = scenario_facts(view.exercise)
    assert {what for what, _text in facts} >= {"Who", "Problem", "Opening for reform"}
    page = _widget_text(view)
    document = work_html(view.exercise, {}, [], saved="2026-01-01 10:00 UTC", facts=facts)
    for what in {what for what, _text in facts}:
        label = "<strong>" + fr["{name}:"].format(name=fr[what]) + "</strong>"
        assert label in page and label in document
        assert f"<strong>{what}:</strong>" not in page + document
    assert fr["Facts from the Solenna briefing"] in page
    assert '<html lang="fr">' in document and fr["My work"] in document
    assert set(FACT_LISTS.values()) <= set(fr)  # every label is in the catalogue
    set_language("en")
    view = show("03_actors.yml#coordination-memo", store=ProgressStore(tmp_path / "p.json"))
    assert "<strong>Who:</strong>" in _widget_text(view)


def test_a_notebook_that_shows_the_briefing_is_not_ready_while_a_country_entry_is_missing(tmp_path):
    package = copy_package(tmp_path)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(PROJECT.notebooks / "01_concept.ipynb", notebooks / "01_concept.ipynb")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from ssr_widgets import show_briefing"),
                nbformat.v4.new_code_cell("show_briefing()")]
    nbformat.write(nb, notebooks / "briefing.ipynb")
    project = Project(package, notebooks)
    assert shown_files(project, "briefing.ipynb") == {"country.yml", "taxonomy.yml"}
    assert "taxonomy.yml" in shown_files(project, "01_concept.ipynb")  # its role table
    assert {"country.yml", "taxonomy.yml"} <= shown_files(PROJECT, "03_actors.ipynb")
    assert set(ready_notebooks(project, "fr")) == {"01_concept.ipynb", "briefing.ipynb"}

    def blank(context: str) -> None:
        path = project.po("content", "fr")
        catalog = _read(path, "fr")
        entry = next(m for m in catalog if m.context == context)
        entry.string = ""
        path.write_bytes(_po_bytes(catalog))

    blank("country.yml#actors[presidency].description")
    assert set(ready_notebooks(project, "fr")) == {"01_concept.ipynb"}
    assert [(p.context, p.kind) for p in check(project, "fr", ("country.yml",)) if p.origin == "country.yml"] == [
        ("country.yml#actors[presidency].description", "missing")]
    blank("taxonomy.yml#roles[provision].label")
    assert ready_notebooks(project, "fr") == []
