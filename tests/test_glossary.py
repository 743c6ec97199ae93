"""The glossary: one validated data file, shown in its notebook, and linked from the first use of each term in every
section (issue 12: plain English for readers whose first language is not English)."""

from __future__ import annotations

import shutil

import nbformat
import pytest
import yaml

from ssr_widgets.glossary import (
    GLOSSARY_NOTEBOOK,
    GLOSSARY_TAG,
    _first_uses,
    _pattern,
    _uses_in,
    check_notebooks,
    glossary_markdown,
    load_glossary,
    section_notebooks,
    sync_notebook,
    uses,
)
from ssr_widgets.loader import CONTENT_DIR, GLOSSARY_FILE, content_files, load_course
from ssr_widgets.model import ContentError
from ssr_widgets.sources import secondary_host
from ssr_widgets.validate import validate_all

from .conftest import ROOT

NB = ROOT / "notebooks" / GLOSSARY_NOTEBOOK


@pytest.fixture(scope="module")
def glossary():
    return load_glossary()


def _edited(tmp_path, change):
    shutil.copy(CONTENT_DIR / GLOSSARY_FILE, tmp_path / GLOSSARY_FILE)
    data = yaml.safe_load((tmp_path / GLOSSARY_FILE).read_text(encoding="utf-8"))
    change(data)
    (tmp_path / GLOSSARY_FILE).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return tmp_path


# ------------------------------------------------------------------------------------------- the data file
def test_the_glossary_validates_and_covers_the_terms_the_course_uses(glossary):
    assert 30 <= len(glossary.terms) <= 50
    ids = {t.id for t in glossary.terms}
    for must in ("ssr", "ssg", "ddr", "rule-of-law", "oversight", "national-ownership", "hrddp", "itgn", "dpo",
                 "orolsi", "actor", "ombudsperson", "security-sector"):
        assert must in ids, must
    assert validate_all() == []
    assert GLOSSARY_FILE not in [p.name for p in content_files()], "the glossary is not a section file"


def test_every_source_is_primary_and_every_definition_is_our_own_short_text(glossary):
    for t in glossary.terms:
        for s in (*t.sources, *([t.fr.source] if t.fr else [])):
            assert s.url, f"{t.id}: cite the source with its address"
            assert secondary_host(s.url) is None, f"{t.id}: {s.url}"
        assert len(t.definition.split()) <= 60, f"{t.id}: keep the definition short"


def test_the_french_forms_the_brief_names_are_the_uns(glossary):
    assert glossary.term("ssr").fr.term == "réforme du secteur de la sécurité"
    assert glossary.term("ssr").fr.abbr == "RSS"
    assert glossary.term("ssg").fr.term == "gouvernance du secteur de la sécurité"
    assert glossary.term("dpo").fr.term == "Département des opérations de paix"
    for t in glossary.terms:
        if t.fr:
            assert t.fr.source.url and ("/fr" in t.fr.source.url or t.fr.source.url.endswith("ecowas.int")), t.id


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["terms"].append(dict(d["terms"][0])), r"duplicate id 'accountability'"),
    (lambda d: d["terms"][1].update(forms=["accountable"]), r"the form 'accountable' belongs to two terms"),
    (lambda d: d["terms"][0]["sources"][0].update(url="https://en.wikipedia.org/wiki/Accountability"),
     r"term 'accountability': field 'sources\[0\]\.url': .*an encyclopedia, not a primary source"),
    (lambda d: d["terms"][0].update(sources=[]), r"term 'accountability': field 'sources'"),
    (lambda d: d["terms"][0].update(meaning="x"), r"term 'accountability': field 'meaning': Extra inputs"),
])
def test_a_broken_glossary_names_the_file_the_term_and_the_field(tmp_path, change, message):
    folder = _edited(tmp_path, change)
    with pytest.raises(ContentError, match=rf"glossary\.yml: .*{message}"):
        load_glossary(folder)


# ------------------------------------------------------------------------------------------- the notebook
def test_the_glossary_notebook_is_generated_from_the_data_file():
    assert sync_notebook(ROOT, write=False) == []
    nb = nbformat.read(NB, as_version=4)
    assert [c.cell_type for c in nb.cells] == ["markdown"] * len(nb.cells), "a glossary needs no kernel"
    (cell,) = [c for c in nb.cells if GLOSSARY_TAG in c.metadata.get("tags", [])]
    assert cell.source == glossary_markdown()


def test_the_glossary_is_an_accessible_definition_list_with_one_anchor_per_term(glossary):
    md = glossary_markdown(glossary)
    assert md.startswith('<dl class="ssr-glossary">') and md.endswith("</dl>")
    assert md.count("<dt id=") == md.count("<dd>") == len(glossary.terms)
    for t in glossary.terms:
        assert f'<dt id="{t.id}"><dfn>' in md
    assert '<span lang="fr">réforme du secteur de la sécurité (RSS)</span>' in md
    headings = [t.heading.casefold() for t in glossary.alphabetical]
    assert headings == sorted(headings)


def test_the_glossary_is_on_the_course_map_but_not_a_step_of_the_course():
    course = load_course()
    assert course.glossary and course.glossary.notebook == GLOSSARY_NOTEBOOK
    assert GLOSSARY_NOTEBOOK not in [s.notebook for s in course.sections]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"(notebooks/{GLOSSARY_NOTEBOOK})" in readme


# ------------------------------------------------------------------------------------------- first uses
def test_every_sections_first_use_of_a_term_links_to_that_term():
    assert [p.name for p in section_notebooks(ROOT)] == [
        "01_concept.ipynb", "02_context.ipynb", "03_actors.ipynb", "04_support.ipynb"]
    assert check_notebooks(ROOT) == []


def test_every_glossary_link_in_the_course_leads_to_a_term(glossary):
    ids = {t.id for t in glossary.terms}
    linked = set()
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        for u in uses(path, glossary):
            if u.glossary_link:
                assert u.glossary_link in ids, f"{path.name}: {u.link}"
                linked.add(u.glossary_link)
    assert len(linked) >= 30, "the sections link most of the glossary"


def test_the_first_use_rule_skips_headings_other_links_and_hyphenated_words(glossary):
    pats = _pattern(glossary)
    src = ("## What is security sector reform?\n\n"
           "See [SSR in the UN](https://peacekeeping.un.org/en/security-sector-reform). A gender-sensitive plan.\n"
           "Then [security sector reform (SSR)](glossary.ipynb#ssr) and gender, and DPO's SSR Unit.")
    found = _uses_in(src, 0, pats)
    seen = [(u.text, u.term, u.heading, u.link) for u in found]
    assert seen == [
        ("security sector reform", "ssr", True, None),  # in a heading
        ("SSR", "ssr", False, "https://peacekeeping.un.org/en/security-sector-reform"),  # in another link
        ("security sector reform", "ssr", False, "glossary.ipynb#ssr"),  # the longest form, not "security sector"
        ("SSR", "ssr", False, "glossary.ipynb#ssr"),
        ("gender", "gender", False, None),  # "gender-sensitive" is not a use of "gender"
        ("DPO", "dpo", False, None),  # a possessive is a use
        ("SSR", "ssr", False, None),
    ]
    first = _first_uses(iter(found))
    assert first["ssr"].glossary_link == "ssr" and first["gender"].glossary_link is None


def test_a_missing_first_use_link_is_reported_with_section_cell_and_term(tmp_path):
    for name in ("notebooks",):
        shutil.copytree(ROOT / name, tmp_path / name)
    path = tmp_path / "notebooks" / "03_actors.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.source = cell.source.replace(f"[ombudsperson]({GLOSSARY_NOTEBOOK}#ombudsperson)", "ombudsperson")
    nbformat.write(nb, path)
    problems = check_notebooks(tmp_path)
    assert any(p.startswith("03_actors.ipynb: the first use of 'ombudsperson'") and "glossary.ipynb#ombudsperson" in p
               for p in problems), problems


def test_titles_in_italics_or_title_case_are_not_uses_of_a_term(glossary):
    pats = _pattern(glossary)
    src = ("The *Gender and Security Toolkit* and the Handbook on Security System Reform. Liberia's *National Security "
           "Strategy*. Oversight matters, and security system reform means almost the same as SSR.")
    assert [(u.text, u.term) for u in _uses_in(src, 0, pats)] == [
        ("Oversight", "oversight"), ("security system reform", "security-system"), ("SSR", "ssr")]
