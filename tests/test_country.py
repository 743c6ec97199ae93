"""The scenario country: it loads, a typo is reported by file, actor and field, and the briefing is complete."""

from __future__ import annotations

import html
import shutil

import pytest
import yaml

from ssr_widgets.country import (
    LEVELS,
    ROLES,
    Country,
    country_briefing_html,
    load_country,
    show_briefing,
)
from ssr_widgets.loader import CONTENT_DIR, COUNTRY_FILE, content_files
from ssr_widgets.model import ContentError
from ssr_widgets.validate import validate_all


@pytest.fixture
def country_data():
    return yaml.safe_load((CONTENT_DIR / COUNTRY_FILE).read_text(encoding="utf-8"))


def _write(tmp_path, data, name=COUNTRY_FILE):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_course_country_loads_and_is_complete():
    c = load_country()
    assert isinstance(c, Country)
    assert c.name == "Solenna"
    ids = [a.id for a in c.actors]
    assert len(ids) == len(set(ids))
    levels = {a.level for a in c.actors}
    assert {"local", "national", "regional", "international"} <= levels
    assert {a.role for a in c.actors} == set(ROLES)
    assert c.actor("mission").level == "international"
    with pytest.raises(KeyError):
        c.actor("no-such-actor")
    assert c.problems and c.budget and c.entry_points and c.timeline


def test_the_country_file_is_not_treated_as_a_section_file():
    assert COUNTRY_FILE not in [p.name for p in content_files()]


def test_a_bad_level_names_the_file_the_actor_and_the_field(tmp_path, country_data):
    country_data["actors"][0]["level"] = "global"
    path = _write(tmp_path, country_data)
    with pytest.raises(ContentError) as info:
        load_country(path)
    msg = str(info.value)
    first = country_data["actors"][0]["id"]
    assert msg.startswith(f"country.yml: actor '{first}': field 'level':")
    assert "national" in msg  # says which values are allowed


def test_an_extra_field_is_rejected_with_its_name(tmp_path, country_data):
    country_data["peace_agreement"]["signatories"] = ["government"]
    path = _write(tmp_path, country_data)
    with pytest.raises(ContentError, match=r"country\.yml: field 'peace_agreement\.signatories': Extra inputs"):
        load_country(path)


def test_a_missing_field_is_named(tmp_path, country_data):
    del country_data["actors"][2]["description"]
    actor_id = country_data["actors"][2]["id"]
    path = _write(tmp_path, country_data)
    with pytest.raises(ContentError, match=rf"actor '{actor_id}': field 'description': Field required"):
        load_country(path)


def test_duplicate_actor_ids_are_rejected(tmp_path, country_data):
    country_data["actors"].append(dict(country_data["actors"][0]))
    path = _write(tmp_path, country_data)
    with pytest.raises(ContentError, match=r"duplicate id '.+' in actors"):
        load_country(path)


def test_a_bad_problem_id_names_the_item(tmp_path, country_data):
    country_data["problems"][1]["id"] = "Ghost Soldiers!"
    path = _write(tmp_path, country_data)
    with pytest.raises(ContentError, match=r"country\.yml: problems item 'Ghost Soldiers!': field 'id'"):
        load_country(path)


def test_missing_file_and_yaml_errors_are_content_errors(tmp_path):
    with pytest.raises(ContentError, match="content file not found"):
        load_country("country.yml", tmp_path)
    (tmp_path / COUNTRY_FILE).write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match="YAML syntax error at line"):
        load_country(COUNTRY_FILE, tmp_path)
    (tmp_path / COUNTRY_FILE).write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ContentError, match="expected a mapping"):
        load_country(COUNTRY_FILE, tmp_path)


def test_validate_all_reports_a_broken_country_file(tmp_path, country_data):
    shutil.copy(CONTENT_DIR / "course.yml", tmp_path / "course.yml")
    for p in content_files():
        shutil.copy(p, tmp_path / p.name)
    assert validate_all(tmp_path) == []
    country_data["actors"][0]["role"] = "boss"
    _write(tmp_path, country_data)
    problems = validate_all(tmp_path)
    assert len(problems) == 1 and "field 'role'" in problems[0]


def test_briefing_contains_every_actor_and_the_main_parts():
    c = load_country()
    page = country_briefing_html(c)
    for a in c.actors:
        assert html.escape(a.name) in page, a.name
        assert html.escape(a.description) in page
    for heading in ("Key facts", "History", "Who is who", "Security problems", "Money", "Timeline"):
        assert f"<h3>{heading}" in page
    assert html.escape(c.peace_agreement.name) in page
    assert all(html.escape(p.text) in page for p in c.problems)
    assert page.count("<table") == 3
    for label in LEVELS.values():
        assert f"<td>{label}</td>" in page


def test_briefing_lists_actors_from_local_to_international():
    c = load_country()
    page = country_briefing_html(c)
    order = list(LEVELS)
    rows = sorted(c.actors, key=lambda a: order.index(a.level))
    positions = [page.index(f'<th scope="row">{html.escape(a.name)}</th>') for a in rows]
    assert positions == sorted(positions)


def test_briefing_escapes_text_from_the_content_file(country_data):
    country_data["actors"][0]["name"] = "<script>alert('x')</script>"
    page = country_briefing_html(Country.model_validate(country_data))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_show_briefing_returns_an_html_widget():
    import ipywidgets as widgets

    view = show_briefing()
    assert isinstance(view, widgets.HTML)
    assert view.value == country_briefing_html()
