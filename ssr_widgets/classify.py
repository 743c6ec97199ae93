"""Classification exercise view: put each item in a category (box), with an explanation per item.

Each item gets a drop-down list labelled with the item's own text: a native control that works
with the keyboard (Tab to it, arrow keys to choose) and that screen readers announce by name.
"""

from __future__ import annotations

from ._rows import DropdownRowsView, legend_html
from .checking import Feedback, check_classify
from .model import ClassifyExercise
from .progress import ProgressStore
from .translation import N_, _

__all__ = ["Classify"]


class Classify(DropdownRowsView[ClassifyExercise]):
    """Sort items into categories; feedback says for each item where it belongs and why.

    The answer is a mapping of item id to category id (only sorted items are included).
    """

    hint = N_("— choose a box —")

    def __init__(self, exercise: ClassifyExercise, *, key: str, store: ProgressStore) -> None:
        super().__init__(
            exercise,
            key=key,
            store=store,
            rows=[(item.id, item.text) for item in exercise.items],
            choices=[(c.label, c.id) for c in exercise.categories],
            intro_html=legend_html(_("The boxes:"), exercise.categories),
        )

    def evaluate(self, answer: dict[str, str]) -> Feedback:
        return check_classify(self.exercise, answer)
