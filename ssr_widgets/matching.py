"""Matching exercise view: match each situation to the answer (mechanism, tool) that fits it best.

Like the classification view, each prompt gets one drop-down list labelled with the prompt's own
text, so it works with the keyboard and screen readers; the shared answers are listed above it.
"""

from __future__ import annotations

from ._rows import DropdownRowsView, legend_html
from .checking import Feedback, check_match
from .model import MatchExercise
from .progress import ProgressStore
from .translation import N_, _

__all__ = ["Matching"]


class Matching(DropdownRowsView[MatchExercise]):
    """Match prompts to answers; feedback says for each prompt what fits best and why.

    The answer is a mapping of prompt id to answer id (only matched prompts are included).
    """

    hint = N_("— choose an answer —")

    def __init__(self, exercise: MatchExercise, *, key: str, store: ProgressStore) -> None:
        rule = (_("An answer may fit more than one situation.") if exercise.reuse
                else _("Each answer fits one situation only."))
        super().__init__(
            exercise,
            key=key,
            store=store,
            rows=[(p.id, p.text) for p in exercise.prompts],
            choices=[(a.label, a.id) for a in exercise.answers],
            intro_html=legend_html(_("The answers to choose from.") + f" {rule}", exercise.answers),
        )

    def evaluate(self, answer: dict[str, str]) -> Feedback:
        return check_match(self.exercise, answer)
