"""Classification exercise view: put each item in a category (box), with an explanation per item.

Each item gets a drop-down list labelled with the item's own text: a native control that works
with the keyboard (Tab to it, arrow keys to choose) and that screen readers announce by name.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ._view import ExerciseView, esc
from .checking import Feedback, check_classify
from .model import ClassifyExercise
from .progress import ProgressStore

__all__ = ["Classify"]

_UNSORTED_LABEL = "— choose a box —"
_UNSORTED = ""  # a real option value, so the list shows the hint instead of a blank


class Classify(ExerciseView[ClassifyExercise]):
    """Sort items into categories; feedback says for each item where it belongs and why.

    The answer is a mapping of item id to category id (only sorted items are included).
    """

    def __init__(self, exercise: ClassifyExercise, *, key: str, store: ProgressStore) -> None:
        choices = [(_UNSORTED_LABEL, _UNSORTED)] + [(c.label, c.id) for c in exercise.categories]
        self.dropdowns: dict[str, widgets.Dropdown] = {
            item.id: widgets.Dropdown(
                options=choices,
                value=_UNSORTED,
                description=item.text,
                description_allow_html=False,
                style={"description_width": "45%"},
                layout=widgets.Layout(width="95%"),
            )
            for item in exercise.items
        }
        legend = "".join(
            f"<li><strong>{esc(c.label)}</strong>{': ' + esc(c.description) if c.description else ''}</li>"
            for c in exercise.categories
        )
        controls = widgets.VBox(
            [widgets.HTML(value=f"<p>The boxes:</p><ul>{legend}</ul>"), *self.dropdowns.values()]
        )
        super().__init__(exercise, key=key, store=store, controls=controls)

    def get_answer(self) -> dict[str, str]:
        return {iid: dd.value for iid, dd in self.dropdowns.items() if dd.value != _UNSORTED}

    def set_answer(self, answer: Any) -> None:
        placed = dict(answer)
        cat_ids = {c.id for c in self.exercise.categories}
        unknown = set(placed) - set(self.dropdowns) or {v for v in placed.values() if v not in cat_ids}
        if unknown:
            raise ValueError(f"saved answer names unknown items or boxes: {sorted(map(str, unknown))}")
        for iid, dd in self.dropdowns.items():
            dd.value = placed.get(iid, _UNSORTED)

    def clear_answer(self) -> None:
        self.set_answer({})

    def evaluate(self, answer: dict[str, str]) -> Feedback:
        return check_classify(self.exercise, answer)
