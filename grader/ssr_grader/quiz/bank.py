"""The quiz item bank and quiz settings: validated data, with errors naming file, item and field.

The bank (``item_bank.yml``) holds a pool of items per learning objective; ``quiz.yml`` says how
many questions (slots) each objective gets, and each learner's paper draws its own items from the
pools (:mod:`ssr_grader.quiz.variants`). ``quiz.yml`` also sets the pass mark (the one place it is
set) and describes the hand-graded open question.

A bank is either a ``certification`` bank (the trainer's own, kept in a private course folder) or
a ``sample`` (public, in the repository, for tests and as a model): a quiz built from a sample
certifies nothing, since anyone can read its keys.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ssr_widgets.loader import describe_errors, item_locator
from ssr_widgets.model import ContentError, Source

__all__ = ["ItemBank", "OpenQuestion", "QuizItem", "QuizSettings", "load_bank", "load_quiz"]

Letter = Annotated[str, Field(pattern=r"^[A-H]$")]
Text = Annotated[str, Field(min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class QuizOption(_Frozen):
    id: Letter
    text: Text
    correct: bool = False
    why: Text


class QuizItem(_Frozen):
    """One multiple-choice item: options lettered A, B, C..., each with its rationale."""

    id: Annotated[str, Field(pattern=r"^[pq]\d{2,3}$")]  # p: practice bank, q: certification bank
    objective: Annotated[str, Field(pattern=r"^LO[1-9]$")]
    multiple: bool = False
    stem: Text
    options: Annotated[tuple[QuizOption, ...], Field(min_length=3, max_length=6)]
    sources: Annotated[tuple[Source, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> QuizItem:
        letters = [o.id for o in self.options]
        expected = [chr(ord("A") + i) for i in range(len(letters))]
        if letters != expected:
            raise ValueError(f"options must be lettered {', '.join(expected)} in order (found {', '.join(letters)})")
        n = sum(o.correct for o in self.options)
        if not self.multiple and n != 1:
            raise ValueError(f"a single-answer item needs exactly one correct option (found {n})")
        if self.multiple and n < 2:
            raise ValueError(f"a multiple-answer item needs at least two correct options (found {n})")
        return self

    @property
    def key(self) -> str:
        """The right answer as the answer cell records it: letters in order, e.g. ``"B"`` or ``"AC"``."""
        return "".join(o.id for o in self.options if o.correct)

    @property
    def answer_id(self) -> str:
        return f"answer_{self.id}"


class ItemBank(_Frozen):
    kind: Literal["certification", "sample"] = "certification"
    items: tuple[QuizItem, ...]

    @model_validator(mode="after")
    def _unique(self) -> ItemBank:
        dupes = [i for i, n in Counter(it.id for it in self.items).items() if n > 1]
        if dupes:
            raise ValueError(f"duplicate item ids: {', '.join(dupes)}")
        return self

    def pool(self, objective: str) -> list[QuizItem]:
        """The items on one learning objective, in id order: what that objective's slots draw from."""
        return sorted((it for it in self.items if it.objective == objective), key=lambda it: it.id)

    def item(self, item_id: str) -> QuizItem:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)


class OpenQuestion(_Frozen):
    """The reflective question graded by hand in formgrader, with its rubric."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    objective: Annotated[str, Field(pattern=r"^LO[1-9]$")]
    points: Annotated[int, Field(gt=0)]
    prompt: Text
    rubric: Text  # file name of the rubric, beside quiz.yml


class QuizSettings(_Frozen):
    """How many questions each objective gets, what each is worth and what it takes to pass."""

    assignment: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: Text
    pass_mark: Annotated[float, Field(gt=0, le=1)] = 0.70
    points_per_item: Annotated[int, Field(gt=0)] = 1
    #: questions per learning objective, in course order: {"LO1": 2, ...}
    slots_per_objective: Annotated[dict[Annotated[str, Field(pattern=r"^LO[1-9]$")], Annotated[int, Field(ge=2)]],
                                   Field(alias="slots", min_length=1)]
    open_question: OpenQuestion
    minutes: Annotated[int, Field(gt=0)] = 30

    @property
    def slots(self) -> tuple[tuple[str, str], ...]:
        """The quiz's questions as ``(slot id, objective)``: ``("s01", "LO1"), ("s02", "LO1"), ...``."""
        objectives = [lo for lo, n in self.slots_per_objective.items() for _ in range(n)]
        return tuple((f"s{k:02d}", lo) for k, lo in enumerate(objectives, 1))

    @property
    def notebook(self) -> str:
        return f"{self.assignment}.ipynb"

    @property
    def pass_percent(self) -> int:
        """The pass mark as a whole percentage, as learners and trainers read it (70)."""
        return round(self.pass_mark * 100)

    @property
    def total_points(self) -> int:
        return len(self.slots) * self.points_per_item + self.open_question.points


def _read(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{path.name}: not found in {path.parent}") from None
    except yaml.YAMLError as exc:
        raise ContentError(f"{path.name}: YAML syntax error: {exc}") from None


def _explain(exc: ValidationError, path: Path, data: object) -> ContentError:
    return describe_errors(exc, path.name, item_locator("items", data, "item"))


def load_bank(path: Path) -> ItemBank:
    data = _read(path)
    try:
        return ItemBank.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, path, data) from None


#: Fewest items an objective's pool may have: enough that learners' papers differ.
MIN_POOL = 6


def load_quiz(path: Path, bank: ItemBank) -> QuizSettings:
    """Load ``quiz.yml`` and check it against the bank: every objective has 2+ slots and a pool to draw from."""
    data = _read(path)
    if isinstance(data, dict) and "items" in data and "slots" not in data:
        raise ContentError(f"{path.name}: field 'items': a quiz no longer lists fixed items; give 'slots' (questions "
                           "per learning objective, e.g. 'LO1: 2'), and each learner's paper draws its own items")
    try:
        quiz = QuizSettings.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, path, data) from None
    missing = [f"LO{n}" for n in range(1, 10) if f"LO{n}" not in quiz.slots_per_objective]
    if missing:
        raise ContentError(f"{path.name}: field 'slots': no questions for {', '.join(missing)} "
                           "(every learning objective needs at least 2)")
    if len(quiz.slots) < 20:
        raise ContentError(f"{path.name}: field 'slots': {len(quiz.slots)} questions in all; a quiz needs at least 20")
    for objective, n in quiz.slots_per_objective.items():
        pool = len(bank.pool(objective))
        if pool < max(MIN_POOL, n + 1):
            raise ContentError(f"{path.name}: field 'slots': {objective} has {n} questions but the item bank has only "
                               f"{pool} items on it; each objective needs a pool of at least {max(MIN_POOL, n + 1)} "
                               "so that learners' papers differ")
    if not re.match(r"^[\w.-]+\.md$", quiz.open_question.rubric):
        raise ContentError(f"{path.name}: field 'open_question.rubric': give a Markdown file name")
    return quiz
