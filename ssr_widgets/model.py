"""Content model: what an exercise is, validated so a typo in YAML fails loudly and clearly.

Subject experts edit the YAML files in ``ssr_widgets/content/``; this module says what those
files may contain. It never imports ipywidgets, so the content can be checked (in CI, by an
editor, by the grader side) without a notebook front end.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .sources import secondary_host

__all__ = [
    "EXERCISE_KINDS",
    "Actor",
    "ActorMapExercise",
    "Category",
    "ChoiceExercise",
    "ClassifyExercise",
    "ClassifyItem",
    "ContentError",
    "Course",
    "Exercise",
    "ExerciseBase",
    "Link",
    "MatchExercise",
    "MatchPrompt",
    "Objective",
    "Option",
    "OrderExercise",
    "OrderStep",
    "Reference",
    "ScenarioChoice",
    "ScenarioExercise",
    "ScenarioNode",
    "Section",
    "SectionContent",
    "Source",
    "WriteExercise",
    "WriteField",
    "WritePoint",
]

#: Identifiers appear in progress files and in ``file.yml#id`` references, so keep them plain.
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)]
Text = Annotated[str, Field(min_length=1)]


class ContentError(ValueError):
    """Course content is invalid; the message names the file, the exercise id and the field."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Source(_Frozen):
    """Where a fact comes from. Every exercise cites at least one.

    The URL may not be on an encyclopedia, an aggregator or a document-sharing site (see ``sources.py``): cite the
    primary document, by its title and symbol if no publisher's page is at hand.
    """

    title: Text
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None

    @field_validator("url")
    @classmethod
    def _primary_host(cls, url: str | None) -> str | None:
        what = secondary_host(url) if url else None
        if what:
            raise ValueError(f"{url} is on {what}, not a primary source; cite the primary document instead "
                             "(its publisher's page, or its title and symbol without a URL)")
        return url


class Option(_Frozen):
    """One answer option of a choice question, with the reason it is right or wrong."""

    id: Identifier
    text: Text
    correct: bool = False
    why: Text


class _ExerciseBase(_Frozen):
    id: Identifier
    title: Text
    objective: Annotated[str, Field(pattern=r"^LO[1-9]$")]
    prompt: Text
    sources: Annotated[tuple[Source, ...], Field(min_length=1)]


#: The common base of every exercise kind (views are generic over it).
ExerciseBase = _ExerciseBase


class ChoiceExercise(_ExerciseBase):
    """A self-check question: one right answer (``multiple: false``) or several (``multiple: true``)."""

    kind: Literal["choice"]
    multiple: bool = False
    options: Annotated[tuple[Option, ...], Field(min_length=2, max_length=8)]

    @model_validator(mode="after")
    def _check_options(self) -> ChoiceExercise:
        ids = [o.id for o in self.options]
        _unique(ids, "options")
        n_correct = sum(o.correct for o in self.options)
        if not self.multiple and n_correct != 1:
            raise ValueError(
                f"a single-answer question needs exactly one option with 'correct: true' "
                f"(found {n_correct}); set 'multiple: true' for several right answers"
            )
        if self.multiple and n_correct < 1:
            raise ValueError("a multiple-answer question needs at least one option with 'correct: true'")
        return self

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)


class Category(_Frozen):
    """A box learners sort items into."""

    id: Identifier
    label: Text
    description: str = ""


class ClassifyItem(_Frozen):
    """Something to sort, the box it belongs in, and why.

    In an exercise that sorts actors into the course's roles (``taxonomy: roles``), ``actor`` names the kind of
    actor in ``taxonomy.yml`` (``police``, ``ombudsperson``), so a check can see that its box is that kind's role.
    """

    id: Identifier
    text: Text
    category: Identifier
    why: Text
    actor: Identifier | None = None


class ClassifyExercise(_ExerciseBase):
    """Sort items into categories; feedback explains each item's place."""

    kind: Literal["classify"]
    categories: Annotated[tuple[Category, ...], Field(min_length=2, max_length=8)]
    items: Annotated[tuple[ClassifyItem, ...], Field(min_length=2, max_length=20)]
    #: ``roles``: the boxes are the course's actor roles (``taxonomy.yml``) and every item names its ``actor``.
    taxonomy: Literal["roles"] | None = None

    @model_validator(mode="after")
    def _check_references(self) -> ClassifyExercise:
        cat_ids = [c.id for c in self.categories]
        _unique(cat_ids, "categories")
        _unique([i.id for i in self.items], "items")
        for n, item in enumerate(self.items):
            _one_of(item.category, cat_ids, f"items[{n}] ('{item.id}') has category", "categories")
            if self.taxonomy and not item.actor:
                raise ValueError(f"items[{n}] ('{item.id}') names no 'actor', but 'taxonomy: roles' sorts actors "
                                 "into the course's roles: say which kind of actor it is (see taxonomy.yml)")
            if item.actor and not self.taxonomy:
                raise ValueError(f"items[{n}] ('{item.id}') names an 'actor', but the exercise does not say "
                                 "'taxonomy: roles'")
        return self

    def category(self, category_id: str) -> Category:
        return next(c for c in self.categories if c.id == category_id)


class OrderStep(_Frozen):
    """One step of a sequence, and why it comes where it does."""

    id: Identifier
    text: Text
    why: Text


class OrderExercise(_ExerciseBase):
    """Put steps in order. The YAML lists ``steps`` in the right order; learners see them mixed."""

    kind: Literal["order"]
    steps: Annotated[tuple[OrderStep, ...], Field(min_length=3, max_length=10)]

    @field_validator("steps")
    @classmethod
    def _unique_steps(cls, steps: tuple[OrderStep, ...]) -> tuple[OrderStep, ...]:
        _unique([s.id for s in steps], "steps")
        return steps


class MatchPrompt(_Frozen):
    """A situation or problem, the answer that fits it best, and why."""

    id: Identifier
    text: Text
    answer: Identifier
    why: Text


class MatchExercise(_ExerciseBase):
    """Match each prompt to one answer from a shared list (``reuse``: may two prompts share one?)."""

    kind: Literal["match"]
    reuse: bool = True
    answers: Annotated[tuple[Category, ...], Field(min_length=2, max_length=12)]
    prompts: Annotated[tuple[MatchPrompt, ...], Field(min_length=2, max_length=20)]

    @model_validator(mode="after")
    def _check_references(self) -> MatchExercise:
        answer_ids = [a.id for a in self.answers]
        _unique(answer_ids, "answers")
        _unique([p.id for p in self.prompts], "prompts")
        used: dict[str, str] = {}
        for n, prompt in enumerate(self.prompts):
            _one_of(prompt.answer, answer_ids, f"prompts[{n}] ('{prompt.id}') has answer", "answers")
            if not self.reuse and prompt.answer in used:
                raise ValueError(
                    f"prompts '{used[prompt.answer]}' and '{prompt.id}' share the answer '{prompt.answer}', "
                    "but 'reuse: false' says each answer fits one prompt only"
                )
            used[prompt.answer] = prompt.id
        return self

    def answer(self, answer_id: str) -> Category:
        return next(a for a in self.answers if a.id == answer_id)


class Actor(_Frozen):
    """Someone on the actor map: the level and role where they belong, and why."""

    id: Identifier
    name: Text
    level: Identifier
    role: Identifier
    why: Text


class Link(_Frozen):
    """A coordination link between two actors, drawn as a labelled line on the map."""

    source: Identifier = Field(alias="from")
    target: Identifier = Field(alias="to")
    label: Text


class ActorMapExercise(_ExerciseBase):
    """Place each actor on a level (rows) and in a role (columns); the map and its links follow Check."""

    kind: Literal["actormap"]
    levels: Annotated[tuple[Category, ...], Field(min_length=2, max_length=6)]
    roles: Annotated[tuple[Category, ...], Field(min_length=2, max_length=6)]
    actors: Annotated[tuple[Actor, ...], Field(min_length=2, max_length=16)]
    links: tuple[Link, ...] = ()

    @model_validator(mode="after")
    def _check_references(self) -> ActorMapExercise:
        level_ids, role_ids = [lv.id for lv in self.levels], [r.id for r in self.roles]
        _unique(level_ids, "levels")
        _unique(role_ids, "roles")
        actor_ids = [a.id for a in self.actors]
        _unique(actor_ids, "actors")
        for n, actor in enumerate(self.actors):
            _one_of(actor.level, level_ids, f"actors[{n}] ('{actor.id}') has level", "levels")
            _one_of(actor.role, role_ids, f"actors[{n}] ('{actor.id}') has role", "roles")
        for n, link in enumerate(self.links):
            for end in (link.source, link.target):
                _one_of(end, actor_ids, f"links[{n}] names actor", "actors")
            if link.source == link.target:
                raise ValueError(f"links[{n}] links actor '{link.source}' to itself")
        return self

    def level(self, level_id: str) -> Category:
        return next(lv for lv in self.levels if lv.id == level_id)

    def role(self, role_id: str) -> Category:
        return next(r for r in self.roles if r.id == role_id)

    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)


#: How much one choice helps (+) or harms (-) one principle.
PrincipleScore = Annotated[int, Field(ge=-2, le=2)]


class ScenarioChoice(_Frozen):
    """One option at a decision point: where it leads, what happens, and how it serves each principle."""

    id: Identifier
    text: Text
    next: Identifier
    consequence: Text
    scores: dict[Identifier, PrincipleScore] = Field(default_factory=dict)


class ScenarioNode(_Frozen):
    """A decision point (two or more choices) or an ending (``end: true``, no choices)."""

    id: Identifier
    text: Text
    end: bool = False
    choices: tuple[ScenarioChoice, ...] = ()

    def choice(self, choice_id: str) -> ScenarioChoice:
        for c in self.choices:
            if c.id == choice_id:
                return c
        raise ValueError(f"node '{self.id}' has no choice '{choice_id}'")


class ScenarioExercise(_ExerciseBase):
    """A branching story, validated as a graph so that every path the learner can take ends properly."""

    kind: Literal["scenario"]
    principles: Annotated[tuple[Category, ...], Field(min_length=1, max_length=8)]
    start: Identifier
    nodes: Annotated[tuple[ScenarioNode, ...], Field(min_length=3, max_length=40)]

    @model_validator(mode="after")
    def _check_graph(self) -> ScenarioExercise:
        _unique([p.id for p in self.principles], "principles")
        ids = [n.id for n in self.nodes]
        _unique(ids, "nodes")
        if self.start not in ids:
            raise ValueError(f"the start node '{self.start}' is not one of the nodes: {', '.join(ids)}")
        principle_ids = {p.id for p in self.principles}
        for node in self.nodes:
            _check_node(node, set(ids), principle_ids)
        graph = {n.id: [c.next for c in n.choices] for n in self.nodes}
        cycle = _find_cycle(graph, self.start)
        if cycle:
            raise ValueError(f"node '{cycle[0]}' is on a loop ({' → '.join(cycle)}); "
                             "every path must reach an end node")
        reached = _reachable(graph, self.start)
        for node_id in ids:
            if node_id not in reached:
                raise ValueError(f"node '{node_id}' cannot be reached from the start node '{self.start}'")
        return self

    def node(self, node_id: str) -> ScenarioNode:
        return next(n for n in self.nodes if n.id == node_id)


def _check_node(node: ScenarioNode, node_ids: set[str], principle_ids: set[str]) -> None:
    if node.end and node.choices:
        raise ValueError(f"node '{node.id}' is an end node ('end: true') but has choices")
    if not node.end and len(node.choices) < 2:
        raise ValueError(f"node '{node.id}' has {len(node.choices)} choice(s); a decision point needs at "
                         "least 2 (or mark it 'end: true')")
    _unique([c.id for c in node.choices], f"the choices of node '{node.id}'")
    for c in node.choices:
        if c.next not in node_ids:
            raise ValueError(f"node '{node.id}': choice '{c.id}' leads to '{c.next}', which is not a node")
        unknown = sorted(set(c.scores) - principle_ids)
        if unknown:
            raise ValueError(f"node '{node.id}': choice '{c.id}' scores unknown principle(s) "
                             f"{', '.join(unknown)} (principles: {', '.join(sorted(principle_ids))})")


def _reachable(graph: dict[str, list[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in graph[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _find_cycle(graph: dict[str, list[str]], start: str) -> list[str]:
    """A loop reachable from ``start`` as a list of node ids (first == last), or [] if there is none."""
    on_path: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str]:
        if node in on_path:
            return [*on_path[on_path.index(node):], node]
        if node in done:
            return []
        on_path.append(node)
        for nxt in graph[node]:
            found = visit(nxt)
            if found:
                return found
        on_path.pop()
        done.add(node)
        return []

    return visit(start)


class WriteField(_Frozen):
    """One labelled box the learner writes in: a short label, the question it answers, and a length limit."""

    id: Identifier
    label: Annotated[str, Field(min_length=1, max_length=60)]
    hint: Text
    max_chars: Annotated[int, Field(ge=200, le=10_000)] = 4000
    rows: Annotated[int, Field(ge=2, le=20)] = 6


class WritePoint(_Frozen):
    """One point of the checklist a learner ticks after writing: what a good answer contains, and why."""

    id: Identifier
    text: Text
    why: Text


#: A fact of the scenario country (``country.yml``) that a written exercise draws on: ``<list>/<id>``.
FactRef = Annotated[str, Field(pattern=r"^(actors|problems|budget|entry_points)/[a-z0-9][a-z0-9_-]*$")]


class WriteExercise(_ExerciseBase):
    """The learner writes (a note, a memo, a plan) in labelled boxes, saves it, then compares it with a model answer.

    Free text is never marked right or wrong: after saving, the learner sees a model answer for each box and ticks a
    checklist of what a good answer contains (self-assessment). The exercise is complete when every box is written.
    ``facts`` names the facts of the scenario country the task draws on (``problems/ghost-soldiers``); they are shown
    above the boxes and in the printable file, and ``validate`` checks that they exist in ``country.yml``.
    """

    kind: Literal["write"]
    facts: tuple[FactRef, ...] = ()
    fields: Annotated[tuple[WriteField, ...], Field(min_length=1, max_length=6)]
    model_answer: dict[Identifier, Text]
    checklist: Annotated[tuple[WritePoint, ...], Field(min_length=2, max_length=12)]

    @model_validator(mode="after")
    def _check_parts(self) -> WriteExercise:
        field_ids = [f.id for f in self.fields]
        _unique(field_ids, "fields")
        _unique([p.id for p in self.checklist], "checklist")
        _unique(list(self.facts), "facts")
        missing = [f for f in field_ids if f not in self.model_answer]
        if missing:
            raise ValueError(f"model_answer has no text for field(s) {', '.join(missing)}: give each field a model answer")
        for key in self.model_answer:
            _one_of(key, field_ids, "model_answer has an entry for field", "fields")
        return self

    def field(self, field_id: str) -> WriteField:
        return next(f for f in self.fields if f.id == field_id)


_KINDS = (ChoiceExercise, ClassifyExercise, OrderExercise, MatchExercise, ActorMapExercise, ScenarioExercise,
          WriteExercise)
#: The ``kind:`` names an exercise may have (the loader strips them from error paths).
EXERCISE_KINDS = tuple(k.model_fields["kind"].annotation.__args__[0] for k in _KINDS)

Exercise = Annotated[
    ChoiceExercise | ClassifyExercise | OrderExercise | MatchExercise | ActorMapExercise | ScenarioExercise
    | WriteExercise,
    Field(discriminator="kind"),
]


class SectionContent(_Frozen):
    """All exercises of one course section, as one YAML file holds them."""

    section: Identifier
    exercises: dict[Identifier, Exercise]

    @model_validator(mode="before")
    @classmethod
    def _ids_from_keys(cls, data: object) -> object:
        # In YAML the id is the mapping key; copy it into each exercise so a model knows its id.
        if isinstance(data, dict) and isinstance(data.get("exercises"), dict):
            exercises = {}
            for key, ex in data["exercises"].items():
                if isinstance(ex, dict):
                    if "id" in ex and ex["id"] != key:
                        raise ValueError(f"exercise '{key}' has a different 'id: {ex['id']}'; leave 'id' out")
                    ex = {**ex, "id": key}
                exercises[key] = ex
            data = {**data, "exercises": exercises}
        return data


class Objective(_Frozen):
    """A learning objective of the course, as the course description states it."""

    id: Annotated[str, Field(pattern=r"^LO[1-9]$")]
    text: Text


class Section(_Frozen):
    """One entry of the course order: a notebook, its title and its estimated minutes.

    ``notebook`` is a path inside ``notebooks/``, at most one folder down (``quiz/practice_quiz.ipynb``).
    A ``practice`` entry is the practice quiz: it has exercises on objectives that the sections teach, so the
    course lists those objectives beside it but never says they are taught there.
    """

    id: Identifier
    title: Text
    notebook: Annotated[str, Field(pattern=r"^(?:[\w-]+/)?[\w-]+\.ipynb$")]
    minutes: Annotated[int, Field(gt=0, le=480)]
    objectives: tuple[str, ...] = ()
    content: Annotated[str, Field(pattern=r"^[\w-]+\.ya?ml$")] | None = None
    available: bool = True
    practice: bool = False
    summary: str = ""

    @model_validator(mode="after")
    def _practice_has_exercises(self) -> Section:
        if self.practice and not self.content:
            raise ValueError(f"section '{self.id}' is a practice quiz ('practice: true') but names no 'content' file")
        return self


class Reference(_Frozen):
    """A reference page beside the course order, such as the glossary.

    It is listed on the course map, but it is not a step of the course: it has no minutes, no objectives and no
    place in the "previous" and "next" links. Learners reach it from the map and from the links in the sections.
    """

    title: Text
    notebook: Annotated[str, Field(pattern=r"^[\w-]+\.ipynb$")]
    summary: str = ""


class Course(_Frozen):
    """The course order: the one place that says which notebooks exist and in what sequence."""

    title: Text
    objectives: Annotated[tuple[Objective, ...], Field(min_length=1)]
    sections: Annotated[tuple[Section, ...], Field(min_length=1)]
    glossary: Reference | None = None

    @field_validator("sections")
    @classmethod
    def _unique_sections(cls, sections: tuple[Section, ...]) -> tuple[Section, ...]:
        _unique([s.id for s in sections], "sections")
        _unique([s.notebook for s in sections], "section notebooks")
        return sections

    @model_validator(mode="after")
    def _objectives_exist(self) -> Course:
        if self.glossary and self.glossary.notebook in {s.notebook for s in self.sections}:
            raise ValueError(f"the glossary's notebook {self.glossary.notebook} is also a section's notebook")
        known = {o.id for o in self.objectives}
        for s in self.sections:
            for lo in s.objectives:
                if lo not in known:
                    raise ValueError(f"section '{s.id}' names objective '{lo}', which is not listed")
        return self

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)


def _one_of(value: str, allowed: list[str], where: str, plural: str) -> None:
    """A reference to another part of the exercise must name one that exists."""
    if value not in allowed:
        raise ValueError(f"{where} '{value}', which is not one of the {plural}: {', '.join(allowed)}")


def _unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"duplicate id '{i}' in {what}")
        seen.add(i)
