"""Ordering exercise view: put the steps of a sequence (such as the programme cycle) in order.

Each position ("Step 1", "Step 2", ...) is a labelled drop-down list of the steps. Drop-downs are
native controls that keyboards and screen readers handle well, unlike drag and drop; and unlike
"move up / move down" buttons, focus never jumps when the list changes.
"""

from __future__ import annotations

import random
from typing import Any

from ._rows import DropdownRowsView
from .checking import Feedback, check_order
from .model import OrderExercise
from .progress import ProgressStore
from .translation import N_, _

__all__ = ["Ordering"]


class Ordering(DropdownRowsView[OrderExercise]):
    """Choose the step for each position; feedback says where each step belongs and why.

    The answer is a list with the step id at each position (``None`` where none is chosen).
    """

    hint = N_("— choose a step —")

    def __init__(self, exercise: OrderExercise, *, key: str, store: ProgressStore) -> None:
        super().__init__(
            exercise,
            key=key,
            store=store,
            rows=[(str(n), _("Step {n}").format(n=n)) for n in range(1, len(exercise.steps) + 1)],
            choices=[(s.text, s.id) for s in _mixed(exercise)],
            intro_html="<p><em>" + _("For each step, choose what comes at that point. "
                                     "The lists show the steps in mixed order.") + "</em></p>",
            label_width="5.5em",
        )

    def get_answer(self) -> list[str | None]:
        placed = super().get_answer()
        return [placed.get(str(n)) for n in range(1, len(self.exercise.steps) + 1)]

    def set_answer(self, answer: Any) -> None:
        positions = list(answer)
        if len(positions) != len(self.exercise.steps):
            raise ValueError("saved answer has a different number of steps")
        super().set_answer({str(n): step for n, step in enumerate(positions, start=1) if step is not None})

    def is_answered(self, answer: list[str | None]) -> bool:
        return any(step is not None for step in answer)

    def evaluate(self, answer: list[str | None]) -> Feedback:
        return check_order(self.exercise, answer)


def _mixed(exercise: OrderExercise) -> list:
    """The steps in a mixed order that is the same every time (seeded by the exercise id), never the right one."""
    steps = list(exercise.steps)
    mixed = random.Random(exercise.id).sample(steps, len(steps))  # noqa: S311 - not for security
    return mixed if mixed != steps else mixed[1:] + mixed[:1]
