"""Exercises that use Solenna agree with the country file: an actor map never contradicts the briefing."""

from __future__ import annotations

import pytest

from ssr_widgets.country import LEVELS, ROLES, load_country
from ssr_widgets.loader import content_files, load_section
from ssr_widgets.model import ActorMapExercise

ACTOR_MAPS = [
    (path.name, ex)
    for path in content_files()
    for ex in load_section(path).exercises.values()
    if isinstance(ex, ActorMapExercise)
]


def test_the_course_has_an_actor_map():
    assert ACTOR_MAPS, "no actormap exercise found in the course content"


@pytest.mark.parametrize(("file", "exercise"), ACTOR_MAPS, ids=[f"{f}#{ex.id}" for f, ex in ACTOR_MAPS])
def test_actor_map_agrees_with_the_country(file, exercise):
    country = load_country()
    known = {a.id for a in country.actors}
    problems = []
    for actor in exercise.actors:
        where = f"{file}#{exercise.id}: actor '{actor.id}'"
        if actor.id not in known:
            problems.append(f"{where} is not an actor in country.yml")
            continue
        expected = country.actor(actor.id)
        for field in ("name", "level", "role"):
            mine, theirs = getattr(actor, field), getattr(expected, field)
            if mine != theirs:
                problems.append(f"{where}: {field} is {mine!r}, but country.yml says {theirs!r}")
    assert problems == []


@pytest.mark.parametrize(("file", "exercise"), ACTOR_MAPS, ids=[f"{f}#{ex.id}" for f, ex in ACTOR_MAPS])
def test_actor_map_uses_the_country_levels_and_roles(file, exercise):
    assert {lv.id for lv in exercise.levels} <= set(LEVELS), f"{file}#{exercise.id}: unknown level ids"
    assert {r.id for r in exercise.roles} <= set(ROLES), f"{file}#{exercise.id}: unknown role ids"
