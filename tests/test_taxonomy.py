"""One taxonomy of actors for the whole course: every section, the country file and the quiz banks key an actor the
same way, and a test fails on any actor keyed inconsistently."""

from __future__ import annotations

import shutil
from collections import defaultdict

import nbformat
import pytest
import yaml

from ssr_grader.quiz.bank import load_bank
from ssr_widgets.country import LEVELS, ROLES, load_country
from ssr_widgets.loader import CONTENT_DIR, COUNTRY_FILE, TAXONOMY_FILE, content_files, load_section
from ssr_widgets.model import ActorMapExercise, ClassifyExercise, ContentError
from ssr_widgets.taxonomy import (
    TABLE_TAGS,
    check_content,
    check_quiz_keys,
    load_taxonomy,
    roles_table_markdown,
    sync_notebooks,
)
from ssr_widgets.validate import validate_all

from .conftest import ROOT

SAMPLE_BANK = ROOT / "grader" / "item_bank.yml"


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


def _copy_content(tmp_path):
    for name in ("course.yml", COUNTRY_FILE, TAXONOMY_FILE):
        shutil.copy(CONTENT_DIR / name, tmp_path / name)
    for p in content_files():
        shutil.copy(p, tmp_path / p.name)
    return tmp_path


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --------------------------------------------------------------------------------- the taxonomy itself
def test_the_taxonomy_loads_and_every_role_has_kinds(taxonomy):
    roles = [r.id for r in taxonomy.roles]
    assert roles == ["provision", "management-oversight", "justice", "non-statutory", "civil-society",
                     "international-support"]
    for r in taxonomy.roles:
        assert any(k.role == r.id for k in taxonomy.kinds), f"role {r.id} has no kind of actor"
        assert r.compared, f"role {r.id} does not say how the UN and the OECD DAC group its actors"
    assert taxonomy.kind("ombudsperson").role == "management-oversight"
    assert taxonomy.kind("customary-justice").role == "justice"
    assert {taxonomy.kind(k).role for k in ("armed-movement", "vigilance-group", "party-militia", "private-security")} \
        == {"non-statutory"}
    assert taxonomy.kind("womens-organisation").role == "civil-society"


def test_the_country_levels_and_roles_are_the_taxonomy(taxonomy):
    assert taxonomy.level_labels == LEVELS
    assert taxonomy.role_labels == ROLES


def test_the_taxonomy_file_is_not_a_section_file():
    assert TAXONOMY_FILE not in [p.name for p in content_files()]


# ------------------------------------------------------------------------ every use agrees with it
def test_the_course_content_uses_the_taxonomy_without_a_contradiction():
    assert check_content() == []
    assert validate_all() == []


def test_no_kind_of_actor_is_keyed_two_ways_across_the_course(taxonomy):
    """Collect every place that keys an actor to a role (sections, actor maps, the country) and compare."""
    country = load_country()
    placed: dict[str, set[tuple[str, str]]] = defaultdict(set)  # kind -> {(role, where)}
    for a in country.actors:
        placed[a.kind].add((a.role, f"country.yml actor '{a.id}'"))
    uses = 0
    for path in content_files():
        for ex in load_section(path).exercises.values():
            if isinstance(ex, ClassifyExercise) and ex.taxonomy == "roles":
                for item in ex.items:
                    placed[item.actor].add((item.category, f"{path.name}#{ex.id} item '{item.id}'"))
                    uses += 1
            if isinstance(ex, ActorMapExercise):
                for actor in ex.actors:
                    placed[country.actor(actor.id).kind].add((actor.role, f"{path.name}#{ex.id} actor '{actor.id}'"))
                    uses += 1
    assert uses >= 25, "the sections should sort actors into the taxonomy's roles"
    clashes = {kind: sorted(where) for kind, where in placed.items() if len({role for role, _ in where}) > 1}
    assert clashes == {}
    for kind, where in placed.items():
        (role,) = {r for r, _ in where}
        assert role == taxonomy.kind(kind).role, (kind, sorted(where))


def test_section_1_and_section_3_sort_the_actors_the_issue_named(taxonomy):
    """The reviewer's examples: chiefs, the ombudsperson and armed groups versus a women's platform."""
    sort = load_section("01_concept.yml").exercises["security-sector-sort"]
    by_actor = {i.actor: i.category for i in sort.items}
    assert by_actor["customary-justice"] == "justice"
    assert by_actor["ombudsperson"] == "management-oversight"
    amap = load_section("03_actors.yml").exercises["solenna-actor-map"]
    roles = {a.id: a.role for a in amap.actors}
    assert roles["chiefs"] == "justice"
    assert roles["womens-platform"] == "civil-society" != roles["vigilance-groups"] == "non-statutory"
    country = load_country()
    assert country.actor("ombudsperson").role == "management-oversight"
    assert country.actor("nuf").role == country.actor("mine-security").role == "non-statutory"
    assert {r.id for r in amap.roles} == set(ROLES)


def test_the_practice_quiz_and_the_sample_bank_key_actors_as_the_taxonomy_does(taxonomy):
    banks = {q.bank for q in taxonomy.quiz_keys}
    assert banks == {"practice_quiz.yml", "item_bank.yml"}
    practice = load_section("practice_quiz.yml")
    keyed = {ex.id: {o.id: o.correct for o in ex.options} for ex in practice.exercises.values()}
    assert check_quiz_keys("practice_quiz.yml", keyed, taxonomy) == []
    bank = load_bank(SAMPLE_BANK)
    keyed = {it.id: {o.id: o.correct for o in it.options} for it in bank.items}
    assert check_quiz_keys("item_bank.yml", keyed, taxonomy) == []


# ---------------------------------------------------------------------------- the checks catch errors
def test_a_classify_item_keyed_against_its_kind_is_reported(tmp_path):
    folder = _copy_content(tmp_path)

    def customary_courts_as_civil_society(data):
        ex = data["exercises"]["security-sector-sort"]
        for item in ex["items"]:
            if item["actor"] == "customary-justice":
                item["category"] = "civil-society"

    _edit(folder / "01_concept.yml", customary_courts_as_civil_society)
    problems = check_content(folder)
    assert len(problems) == 1
    assert "01_concept.yml#security-sector-sort: item 'customary-courts'" in problems[0]
    assert "keyed 'civil-society', but taxonomy.yml gives the role 'justice'" in problems[0]
    assert problems == [p for p in validate_all(folder) if "taxonomy" in p]


def test_a_box_with_another_label_and_an_item_without_a_kind_are_reported(tmp_path):
    folder = _copy_content(tmp_path)

    def relabel(data):
        data["exercises"]["security-sector-sort"]["categories"][0]["label"] = "Security providers"

    _edit(folder / "01_concept.yml", relabel)
    assert any("box 'provision' is labelled 'Security providers'" in p for p in check_content(folder))

    def drop_actor(data):
        del data["exercises"]["security-sector-sort"]["items"][0]["actor"]

    _edit(folder / "01_concept.yml", drop_actor)
    problems = validate_all(folder)
    assert any("names no 'actor'" in p for p in problems), problems


def test_an_actor_map_role_label_must_be_the_taxonomy_label(tmp_path):
    folder = _copy_content(tmp_path)

    def relabel(data):
        for role in data["exercises"]["solenna-actor-map"]["roles"]:
            if role["id"] == "civil-society":
                role["label"] = "Civil society, informal or non-State actor"

    _edit(folder / "03_actors.yml", relabel)
    problems = check_content(folder)
    assert problems == ["03_actors.yml#solenna-actor-map: role 'civil-society' is labelled "
                        "'Civil society, informal or non-State actor', but taxonomy.yml says 'Civil society and media'"]


def test_a_country_actor_with_the_wrong_role_for_its_kind_is_refused(tmp_path):
    folder = _copy_content(tmp_path)

    def ombudsperson_as_justice(data):
        for a in data["actors"]:
            if a["id"] == "ombudsperson":
                a["role"] = "justice"

    _edit(folder / COUNTRY_FILE, ombudsperson_as_justice)
    with pytest.raises(ContentError, match=r"actor 'ombudsperson' \(Ombudsperson\) has role 'justice', but "
                                           r"taxonomy.yml gives the role 'management-oversight'"):
        load_country(COUNTRY_FILE, folder)
    assert any("actor 'ombudsperson'" in p for p in validate_all(folder))


def test_a_country_actor_needs_a_kind(tmp_path):
    folder = _copy_content(tmp_path)
    _edit(folder / COUNTRY_FILE, lambda data: data["actors"][0].pop("kind"))
    with pytest.raises(ContentError, match=r"field 'kind': Field required"):
        load_country(COUNTRY_FILE, folder)


def test_a_quiz_key_against_the_taxonomy_is_reported(taxonomy):
    keyed = {"p17": {"a": True, "b": True, "c": False, "d": False}}  # the army's chief keyed as overseeing
    problems = check_quiz_keys("practice_quiz.yml", keyed, taxonomy)
    assert problems == ["practice_quiz.yml#p17: option b (Armed forces, role 'provision') is keyed right, but the "
                        "item asks for role 'management-oversight'"]
    assert "no such item" in check_quiz_keys("practice_quiz.yml", {}, taxonomy)[0]


def test_a_broken_taxonomy_is_a_content_error(tmp_path):
    folder = _copy_content(tmp_path)
    _edit(folder / TAXONOMY_FILE, lambda data: data["kinds"].append({"id": "police", "label": "x", "role": "justice"}))
    assert "duplicate id 'police' in kinds" in check_content(folder)[0]
    _edit(folder / TAXONOMY_FILE, lambda data: data["kinds"].__setitem__(-1, {"id": "x", "label": "x", "role": "boss"}))
    assert "kind 'x' has role 'boss'" in check_content(folder)[0]


# ------------------------------------------------------------------------------ the notebooks show it
def test_sections_1_and_3_show_the_current_role_table():
    assert sync_notebooks(ROOT, write=False) == []
    shown = {}
    for name in ("01_concept.ipynb", "03_actors.ipynb"):
        nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        for cell in nb.cells:
            for tag in TABLE_TAGS:
                if tag in cell.get("metadata", {}).get("tags", []):
                    shown[name] = tag
    assert shown == {"01_concept.ipynb": "taxonomy-roles-compared", "03_actors.ipynb": "taxonomy-roles"}
    table = roles_table_markdown(compared=True)
    for role in load_taxonomy().roles:
        assert f"**{role.label}**" in table
