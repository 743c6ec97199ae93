"""Actor maps: the model and its links, checking level and role, the SVG picture, and the view headless."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ssr_widgets import show
from ssr_widgets._mapsvg import actor_map_svg
from ssr_widgets.actormap import ActorMap
from ssr_widgets.checking import check_actormap
from ssr_widgets.model import ContentError
from ssr_widgets.progress import ProgressStore

from .conftest import FIXTURES

REF = "new_kinds.yml#actors"
SVG = "{http://www.w3.org/2000/svg}"
RIGHT = {"police": {"level": "national", "role": "provision"},
         "parliament": {"level": "national", "role": "oversight"},
         "elders": {"level": "local", "role": "civil"}, "au": {"level": "regional", "role": "support"}}


def _map(actors, links=()):
    return {"kind": "actormap", "title": "T", "objective": "LO4", "prompt": "P",
            "levels": [{"id": "local", "label": "Local"}, {"id": "national", "label": "National"}],
            "roles": [{"id": "provision", "label": "Provision"}, {"id": "justice", "label": "Justice"}],
            "actors": actors, "links": list(links), "sources": [{"title": "S"}]}


A = {"id": "a", "name": "A", "level": "local", "role": "justice", "why": "w"}
B = {"id": "b", "name": "B", "level": "national", "role": "provision", "why": "w"}


@pytest.mark.parametrize(
    ("exercise", "message"),
    [
        (_map([A, {**B, "level": "global"}]), r"actors\[1\] \('b'\) has level 'global', which is not one of the "
                                              "levels: local, national"),
        (_map([A, {**B, "role": "army"}]), r"actors\[1\] \('b'\) has role 'army'"),
        (_map([A, B], [{"from": "a", "to": "c", "label": "x"}]), r"links\[0\] names actor 'c'"),
        (_map([A, B], [{"from": "a", "to": "a", "label": "x"}]), r"links\[0\] links actor 'a' to itself"),
        (_map([A, B], [{"from": "a", "label": "x"}]), r"field 'links\[0\].to': Field required"),
        (_map([A, B], [{"source": "a", "to": "b", "label": "x"}]), r"field 'links\[0\].from': Field required"),
        (_map([A, A]), "duplicate id 'a' in actors"),
    ],
    ids=["level", "role", "link-target", "self-link", "link-to-missing", "link-wrong-key", "duplicate"],
)
def test_model_errors(load_one, exercise, message):
    with pytest.raises(ContentError, match=r"one-0.yml: exercise 'ex': .*" + message):
        load_one(exercise)


def test_links_load_from_and_to(new_kinds):
    link = new_kinds.exercises["actors"].links[0]
    assert (link.source, link.target, link.label) == ("parliament", "police", "oversees <budget>")


def test_check_level_and_role_separately(new_kinds):
    ex = new_kinds.exercises["actors"]
    assert check_actormap(ex, RIGHT).complete
    fb = check_actormap(ex, {"police": {"level": "national", "role": "oversight"}, "au": {"level": "regional"}})
    assert not fb.complete and fb.score == pytest.approx(2 / 8)
    police, parliament, _elders, au = fb.remarks
    assert police.verdict == ("Level: right, National. Role: not right — you chose Management and oversight; "
                              "it is Provision.")
    assert not police.ok and police.why == "It provides security nationwide."
    assert au.verdict == "Level: right, Regional. Role: not chosen yet — it is International support."
    assert parliament.verdict.startswith("Level: not chosen yet")
    assert fb.summary.startswith("0 of 4 actors are fully right (2 of 8 choices). 2 actors are not placed yet.")
    assert check_actormap(ex, {}).summary.startswith("Choose a level and a role")
    with pytest.raises(ValueError, match="unknown level or role"):
        check_actormap(ex, {"police": {"level": "galactic"}})


def test_svg_is_accessible_escaped_and_marks_placements_in_text(new_kinds):
    ex = new_kinds.exercises["actors"]
    svg = actor_map_svg(ex, {**RIGHT, "police": {"level": "local", "role": "justice"}, "elders": {}})
    root = ET.fromstring(svg)  # noqa: S314 - our own output; parsing it proves it is well-formed: every text was escaped ("&", "<budget>", "'")
    assert root.get("role") == "img" and "4 actors" in root.get("aria-label")
    assert root.find(f"{SVG}title").text == "Who does what, where?: actor map"
    texts = [" ".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "✔ Parliament's defence committee" in texts
    assert "✘ National Police you chose: Local · Justice" in texts
    assert "? Village elders & chiefs (not placed)" in texts
    assert "oversees <budget>" in texts and "refer cases" in texts
    assert len(root.findall(f"{SVG}path")) == 3  # one curve per link (the arrowhead is in defs)
    headers = [t for t in texts if t.startswith("Civil society")]
    assert headers == ["Civil society and informal providers"]


def test_view_labels_name_the_actor(new_kinds, store):
    view = ActorMap(new_kinds.exercises["actors"], key=REF, store=store)
    level, role = view.dropdowns["police"].values()
    assert (level.description_hidden, level.description, role.description) == ("National Police:", "Level", "Role")
    assert level.options[0] == ["— choose a level —", ""] and len(role.options) == 6
    assert view.details_html.value == ""  # no map (and no answers) before Check


def test_view_check_shows_map_and_links_then_restores_and_resets(new_kinds, store):
    view = ActorMap(new_kinds.exercises["actors"], key=REF, store=store)
    view.dropdowns["police"]["level"].value = "national"
    view.dropdowns["police"]["role"].value = "provision"
    view.dropdowns["au"]["level"].value = "international"
    view.check_button.click()
    assert "✘ 1 of 4 actors are fully right (2 of 8 choices)." in view.feedback_html.value
    details = view.details_html.value
    assert "<svg" in details and 'role="img"' in details
    assert "Parliament&#x27;s defence committee → National Police: oversees &lt;budget&gt;" in details
    assert ProgressStore(store.path).get(REF)["answer"] == {
        "police": {"level": "national", "role": "provision"}, "au": {"level": "international"}}
    again = ActorMap(new_kinds.exercises["actors"], key=REF, store=ProgressStore(store.path))
    assert again.get_answer() == view.get_answer() and "<svg" in again.details_html.value
    again.reset_button.click()
    assert again.get_answer() == {} and again.details_html.value == ""
    store.save(REF, answer={"police": {"level": "nowhere"}}, completed=False, score=0)
    assert "no longer fits" in ActorMap(new_kinds.exercises["actors"], key=REF, store=store).notice_html.value


def test_show_dispatches_actormap(store):
    assert isinstance(show(f"{FIXTURES / 'new_kinds.yml'}#actors", store=store), ActorMap)
