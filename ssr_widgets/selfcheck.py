"""Self-check question view: one answer (a radio group) or several (checkboxes), explained per option.

The options are one named group (``_choices.py``): a fieldset whose legend is the question, native
radio buttons sharing a name (Tab reaches the group once, arrow keys choose) or checkboxes (Space
ticks), each tied to its text, so keyboards and screen readers work without extra effort.
"""

from __future__ import annotations

from typing import Any

from ._choices import choice_group
from ._view import ExerciseView
from .checking import Feedback, check_choice
from .model import ChoiceExercise
from .progress import ProgressStore
from .translation import _

__all__ = ["SelfCheck"]


class SelfCheck(ExerciseView[ChoiceExercise]):
    """A single- or multiple-answer question with instant, explained feedback.

    The answer is a list of chosen option ids (one id for a single-answer question).
    """

    def __init__(self, exercise: ChoiceExercise, *, key: str, store: ProgressStore) -> None:
        how = _("choose all answers that apply") if exercise.multiple else _("choose one answer")
        self.choices = choice_group(
            [(opt.text, opt.id) for opt in exercise.options],
            # "Title (how)": many titles end with "?", and "?:" read oddly; a format, so French can space it
            legend=_("{title} ({how})").format(title=exercise.title, how=how),
            multiple=exercise.multiple,
        )
        super().__init__(exercise, key=key, store=store, controls=self.choices)

    def get_answer(self) -> list[str]:
        return list(self.choices.value)

    def set_answer(self, answer: Any) -> None:
        chosen = list(answer)
        known = {o.id for o in self.exercise.options}
        if not set(chosen) <= known:
            raise ValueError(f"saved answer names unknown options: {sorted(set(chosen) - known)}")
        if not self.exercise.multiple and len(chosen) > 1:
            raise ValueError("a single-answer question cannot hold several answers")
        self.choices.value = chosen

    def clear_answer(self) -> None:
        self.set_answer([])

    def evaluate(self, answer: list[str]) -> Feedback:
        return check_choice(self.exercise, frozenset(answer))
