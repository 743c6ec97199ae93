"""Primary sources only: no source or link in the course rests on an encyclopedia, an aggregator or a
document-sharing copy, and the corrections of the expert review (issue 12) stay in."""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml

from ssr_widgets.loader import CONTENT_DIR, content_files, load_section
from ssr_widgets.model import ContentError, Source
from ssr_widgets.sources import secondary_host

from .conftest import ROOT

NB_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(p for p in NB_DIR.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
URL = re.compile(r"https?://[^\s)<>\"'\]]+")


def _notebook_text(name: str) -> str:
    nb = nbformat.read(NB_DIR / name, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _yaml_text(name: str) -> str:
    return (CONTENT_DIR / name).read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------ the host check
@pytest.mark.parametrize("url", [
    "https://en.wikipedia.org/wiki/Gender_and_security_sector_reform",
    "https://docslib.org/doc/5499422/the-security-sector",
    "https://ru.scribd.com/document/227611731/Security-Sector-Reforms-2013",
    "https://agenparl.eu/?p=3641116",
    "http://womennet.am/en/x",
    "https://modeldiplomat.com/learn/lessons/human-security",
    "https://www.studocu.com/x",
    "http://unscr.com/en/resolutions/2553",
])
def test_encyclopedias_aggregators_and_copies_are_refused_as_sources(url):
    assert secondary_host(url)
    with pytest.raises(ValueError, match="not a primary source"):
        Source(title="t", url=url)


@pytest.mark.parametrize("url", [
    "https://undocs.org/S/RES/1325(2000)",
    "https://press.un.org/en/2014/sc11369.doc.htm",
    "https://peacekeeping.un.org/en/security-sector-reform",
    "https://www.dcaf.ch/security-sector-reform-and-gender-tool-1",
    "https://issat.dcaf.ch/Learn/SSR-Methodology-Guidance/Programme-Cycle",
    "https://notwikipedia.org.example/x",
])
def test_primary_hosts_pass(url):
    assert secondary_host(url) is None
    assert Source(title="t", url=url).url == url


def test_a_content_file_with_a_secondary_source_names_file_exercise_and_field(tmp_path):
    data = yaml.safe_load(_yaml_text("01_concept.yml"))
    data["exercises"]["human-security"]["sources"][0]["url"] = "https://en.wikipedia.org/wiki/Human_security"
    path = tmp_path / "01_concept.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentError, match=r"01_concept\.yml: exercise 'human-security': field 'sources\[0\]\.url': "
                                           r".*an encyclopedia, not a primary source"):
        load_section(path)


# ------------------------------------------------------------------------------- every source, every link
def test_no_section_or_practice_source_is_on_a_secondary_host():
    bad = []
    for path in content_files():
        for ex in load_section(path).exercises.values():
            bad += [(path.name, ex.id, s.url) for s in ex.sources if s.url and secondary_host(s.url)]
    assert bad == []


def test_no_source_of_the_sample_item_bank_is_on_a_secondary_host():
    bank = yaml.safe_load((ROOT / "grader" / "item_bank.yml").read_text(encoding="utf-8"))
    bad = [(it["id"], s.get("url")) for it in bank["items"] for s in it["sources"]
           if s.get("url") and secondary_host(s["url"])]
    assert bad == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(NB_DIR).as_posix())
def test_no_notebook_links_to_a_secondary_host(path):
    nb = nbformat.read(path, as_version=4)
    bad = [url for c in nb.cells for url in URL.findall(c.source) if secondary_host(url)]
    assert bad == []


def test_no_guide_or_readme_links_to_a_secondary_host():
    for path in [ROOT / "README.md", *(ROOT / "grader").glob("*.md")]:
        bad = [url for url in URL.findall(path.read_text(encoding="utf-8")) if secondary_host(url)]
        assert bad == [], path.name


def test_no_yaml_content_file_names_a_secondary_host_anywhere():
    """Not only in 'sources': a URL in a comment or a text counts too."""
    for path in CONTENT_DIR.glob("*.yml"):
        bad = [url for url in URL.findall(path.read_text(encoding="utf-8")) if secondary_host(url)]
        assert bad == [], path.name


# -------------------------------------------------------------------- the reviewer's points stay fixed
def test_resolution_1325_is_quoted_with_where_feasible_and_its_four_pillars():
    context = _notebook_text("02_context.ipynb")
    assert "never be covered by an amnesty" not in context
    assert '"where feasible"' in context
    for pillar in ("**participation**", "**protection**", "**prevention**", "**relief and recovery**"):
        assert pillar in context, pillar
    assert "gender mainstreaming** in peace operations, for example" not in context
    amnesty = next(i for i in load_section("02_context.yml").exercises["solenna-challenges"].items if i.id == "amnesty")
    assert '"where feasible"' in amnesty.why


def test_the_un_security_sector_should_also_include_oversight_bodies():
    texts = [_notebook_text("01_concept.ipynb"), _yaml_text("01_concept.yml")]
    for text in texts:
        flat = " ".join(text.split())
        assert not re.search(r"always (includes?|include|part of)( the)? (management|oversight|security sector)|"
                             r"\*\*Always:\*\*", flat, re.I), "the UN says 'should also include'"
    assert '"should also include"' in texts[0]


def test_the_human_rights_due_diligence_policy_is_taught_where_the_un_supports_security_forces():
    support = load_section("04_support.yml").exercises
    guard = support["sc-guard-vehicles"]
    assert "SOLMIS" in guard.prompt
    assert "Human Rights Due" in next(o.why for o in guard.options if o.correct)
    assert any("A/67/775" in s.title for s in guard.sources)
    tools = support["tools-to-situations"]
    assert tools.answer("hrddp") and any(p.answer == "hrddp" for p in tools.prompts)
    assert "A/67/775–S/2013/110" in _notebook_text("04_support.ipynb")
    assert "Human Rights Due Diligence" in " ".join(_yaml_text("country.yml").split())


def test_children_are_released_and_reintegrated_never_awaiting_a_place_in_the_forces():
    texts = {name: _yaml_text(name) for name in ("country.yml", "02_context.yml", "04_support.yml")}
    for name, text in texts.items():
        flat = " ".join(text.split())
        assert not re.search(r"(girls|children)[^.]{0,80}(place in the army|join the army)", flat), name
        assert "women and girls who served" not in flat and "women and girls, wait" not in flat, name
    assert "children-in-camps" in texts["country.yml"] and "child-release" in texts["country.yml"]
    for name in ("02_context.yml", "04_support.yml"):
        assert "Paris Principles" in texts[name] and "IDDRS" in texts[name], name
    assert "Paris Principles" in _notebook_text("02_context.ipynb")


def test_the_timeline_has_the_presidential_statements_and_the_itgn_date_note():
    concept = _notebook_text("01_concept.ipynb")
    for text in ("S/PRST/2007/3", "S/PRST/2008/14", "S/PRST/2011/19", "published early 2013", "March 2022"):
        assert text in concept, text
    assert "DPKO" in concept and "DPO" in concept  # current name, with the old one explained
