"""The quiz item bank and quiz settings: validated data, with errors naming file, item and field.

The bank (``item_bank.yml``) has more items than a quiz needs; ``quiz.yml`` picks the items,
sets the pass mark (the one place it is set) and describes the hand-graded open question.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Annotated

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
    items: tuple[QuizItem, ...]

    @model_validator(mode="after")
    def _unique(self) -> ItemBank:
        dupes = [i for i, n in Counter(it.id for it in self.items).items() if n > 1]
        if dupes:
            raise ValueError(f"duplicate item ids: {', '.join(dupes)}")
        return self

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
    """Which items make up the quiz, what each is worth and what it takes to pass."""

    assignment: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: Text
    pass_mark: Annotated[float, Field(gt=0, le=1)] = 0.70
    points_per_item: Annotated[int, Field(gt=0)] = 1
    items: Annotated[tuple[str, ...], Field(min_length=20)]
    open_question: OpenQuestion
    minutes: Annotated[int, Field(gt=0)] = 30

    @property
    def notebook(self) -> str:
        return f"{self.assignment}.ipynb"

    @property
    def pass_percent(self) -> int:
        """The pass mark as a whole percentage, as learners and trainers read it (70)."""
        return round(self.pass_mark * 100)

    @property
    def total_points(self) -> int:
        return len(self.items) * self.points_per_item + self.open_question.points


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


def load_quiz(path: Path, bank: ItemBank) -> QuizSettings:
    """Load ``quiz.yml`` and check it against the bank: items exist, every objective covered twice."""
    data = _read(path)
    try:
        quiz = QuizSettings.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, path, data) from None
    known = {it.id for it in bank.items}
    missing = [i for i in quiz.items if i not in known]
    if missing:
        raise ContentError(f"{path.name}: field 'items': not in the item bank: {', '.join(missing)}")
    if len(set(quiz.items)) != len(quiz.items):
        raise ContentError(f"{path.name}: field 'items': an item is listed twice")
    per_lo = Counter(bank.item(i).objective for i in quiz.items)
    thin = [f"LO{n}" for n in range(1, 10) if per_lo.get(f"LO{n}", 0) < 2]
    if thin:
        raise ContentError(f"{path.name}: field 'items': fewer than 2 items for {', '.join(thin)}")
    if not re.match(r"^[\w.-]+\.md$", quiz.open_question.rubric):
        raise ContentError(f"{path.name}: field 'open_question.rubric': give a Markdown file name")
    return quiz
