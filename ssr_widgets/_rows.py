"""Shared by the classify, match and order views: one labelled drop-down list per row (``_choices.py``).

These kinds differ only in what a row is (an item to sort, a situation to match, a position in
a sequence) and what it is checked against; the controls, their keyboard use (Tab to a list,
arrow keys to choose) and the handling of saved answers are the same, so they live here once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import ipywidgets as widgets

from ._choices import choice_list
from ._view import E, ExerciseView, esc
from .model import Category
from .progress import ProgressStore
from .translation import N_, _

__all__ = ["DropdownRowsView", "legend_html"]

_UNSET = ""  # a real option value, so the list shows the hint instead of a blank


def legend_html(title: str, entries: Iterable[Category]) -> str:
    """The choices with their descriptions, as a plain list a screen reader reads in order."""
    items = "".join(
        f"<li><strong>{esc(c.label)}</strong>{': ' + esc(c.description) if c.description else ''}</li>"
        for c in entries
    )
    return f"<p>{esc(title)}</p><ul>{items}</ul>"


class DropdownRowsView(ExerciseView[E]):
    """A view whose answer maps each row id to one chosen id (rows left open are left out)."""

    #: The first entry of every list, shown until the learner chooses.
    hint = N_("— choose —")

    def __init__(
        self,
        exercise: E,
        *,
        key: str,
        store: ProgressStore,
        rows: Iterable[tuple[str, str]],
        choices: Iterable[tuple[str, str]],
        intro_html: str,
        label_width: str = "45%",
    ) -> None:
        options = [(_(self.hint), _UNSET), *choices]
        self._choice_ids = {value for _label, value in options[1:]}
        self.dropdowns = {
            row_id: choice_list(options, description=label, label_width=label_width,
                                layout=widgets.Layout(width="95%"))
            for row_id, label in rows
        }
        controls = widgets.VBox([widgets.HTML(value=intro_html), *self.dropdowns.values()])
        super().__init__(exercise, key=key, store=store, controls=controls)

    def get_answer(self) -> Any:
        return {row: dd.value for row, dd in self.dropdowns.items() if dd.value != _UNSET}

    def set_answer(self, answer: Any) -> None:
        placed: Mapping[str, str] = dict(answer)
        unknown = set(placed) - set(self.dropdowns) or {v for v in placed.values() if v not in self._choice_ids}
        if unknown:
            raise ValueError(f"saved answer names unknown rows or choices: {sorted(map(str, unknown))}")
        for row, dd in self.dropdowns.items():
            dd.value = placed.get(row, _UNSET)

    def clear_answer(self) -> None:
        DropdownRowsView.set_answer(self, {})
