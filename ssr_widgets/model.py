"""Content model: what an exercise is, validated so a typo in YAML fails loudly and clearly.

Subject experts edit the YAML files in ``ssr_widgets/content/``; this module says what those
files may contain. It never imports ipywidgets, so the content can be checked (in CI, by an
editor, by the grader side) without a notebook front end.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "Category",
    "ChoiceExercise",
    "ClassifyExercise",
    "ClassifyItem",
    "ContentError",
    "Course",
    "Exercise",
    "Objective",
    "Option",
    "Section",
    "SectionContent",
    "Source",
]

#: Identifiers appear in progress files and in ``file.yml#id`` references, so keep them plain.
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)]
Text = Annotated[str, Field(min_length=1)]


class ContentError(ValueError):
    """Course content is invalid; the message names the file, the exercise id and the field."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Source(_Frozen):
    """Where a fact comes from. Every exercise cites at least one."""

    title: Text
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None


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
    """Something to sort, the box it belongs in, and why."""

    id: Identifier
    text: Text
    category: Identifier
    why: Text


class ClassifyExercise(_ExerciseBase):
    """Sort items into categories; feedback explains each item's place."""

    kind: Literal["classify"]
    categories: Annotated[tuple[Category, ...], Field(min_length=2, max_length=8)]
    items: Annotated[tuple[ClassifyItem, ...], Field(min_length=2, max_length=20)]

    @model_validator(mode="after")
    def _check_references(self) -> ClassifyExercise:
        cat_ids = [c.id for c in self.categories]
        _unique(cat_ids, "categories")
        _unique([i.id for i in self.items], "items")
        for n, item in enumerate(self.items):
            if item.category not in cat_ids:
                raise ValueError(
                    f"items[{n}] ('{item.id}') has category '{item.category}', "
                    f"which is not one of the categories: {', '.join(cat_ids)}"
                )
        return self

    def category(self, category_id: str) -> Category:
        return next(c for c in self.categories if c.id == category_id)


Exercise = Annotated[Union[ChoiceExercise, ClassifyExercise], Field(discriminator="kind")]


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
    """One entry of the course order: a notebook, its title and its estimated minutes."""

    id: Identifier
    title: Text
    notebook: Annotated[str, Field(pattern=r"^[\w-]+\.ipynb$")]
    minutes: Annotated[int, Field(gt=0, le=480)]
    objectives: tuple[str, ...] = ()
    content: Annotated[str, Field(pattern=r"^[\w-]+\.ya?ml$")] | None = None
    available: bool = True
    summary: str = ""


class Course(_Frozen):
    """The course order: the one place that says which notebooks exist and in what sequence."""

    title: Text
    objectives: Annotated[tuple[Objective, ...], Field(min_length=1)]
    sections: Annotated[tuple[Section, ...], Field(min_length=1)]

    @field_validator("sections")
    @classmethod
    def _unique_sections(cls, sections: tuple[Section, ...]) -> tuple[Section, ...]:
        _unique([s.id for s in sections], "sections")
        _unique([s.notebook for s in sections], "section notebooks")
        return sections

    @model_validator(mode="after")
    def _objectives_exist(self) -> Course:
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


def _unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"duplicate id '{i}' in {what}")
        seen.add(i)
