"""Self-check question view: one answer (radio buttons) or several (checkboxes), explained per option.

Radio buttons and checkboxes are native, labelled form controls, so they work with the keyboard
(Tab, arrow keys, Space) and screen readers without extra effort.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ._view import ExerciseView
from .checking import Feedback, check_choice
from .model import ChoiceExercise
from .progress import ProgressStore

__all__ = ["SelfCheck"]


class SelfCheck(ExerciseView[ChoiceExercise]):
    """A single- or multiple-answer question with instant, explained feedback.

    The answer is a list of chosen option ids (one id for a single-answer question).
    """

    def __init__(self, exercise: ChoiceExercise, *, key: str, store: ProgressStore) -> None:
        self.radio: widgets.RadioButtons | None = None
        self.boxes: dict[str, widgets.Checkbox] = {}
        if exercise.multiple:
            hint = widgets.HTML(value="<em>Choose all answers that apply.</em>")
            for opt in exercise.options:
                self.boxes[opt.id] = widgets.Checkbox(
                    value=False, description=opt.text, indent=False, layout=widgets.Layout(width="auto")
                )
            controls: widgets.Widget = widgets.VBox([hint, *self.boxes.values()])
        else:
            self.radio = widgets.RadioButtons(
                options=[(opt.text, opt.id) for opt in exercise.options],
                value=None,
                description="Your answer:",
                style={"description_width": "initial"},
                layout=widgets.Layout(width="auto"),
            )
            controls = widgets.VBox([widgets.HTML(value="<em>Choose one answer.</em>"), self.radio])
        super().__init__(exercise, key=key, store=store, controls=controls)

    def get_answer(self) -> list[str]:
        if self.radio is not None:
            return [self.radio.value] if self.radio.value is not None else []
        return [oid for oid, box in self.boxes.items() if box.value]

    def set_answer(self, answer: Any) -> None:
        chosen = list(answer)
        known = {o.id for o in self.exercise.options}
        if not set(chosen) <= known:
            raise ValueError(f"saved answer names unknown options: {sorted(set(chosen) - known)}")
        if self.radio is not None:
            if len(chosen) > 1:
                raise ValueError("a single-answer question cannot hold several answers")
            self.radio.value = chosen[0] if chosen else None
        else:
            for oid, box in self.boxes.items():
                box.value = oid in chosen

    def clear_answer(self) -> None:
        self.set_answer([])

    def evaluate(self, answer: list[str]) -> Feedback:
        return check_choice(self.exercise, frozenset(answer))
