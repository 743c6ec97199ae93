"""Checking answers: pure functions from (exercise, answer) to feedback, no widgets involved.

Keeping this apart from the views means every rule about right and wrong is unit-tested
without a notebook, and the same feedback text appears whatever front end shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .model import ChoiceExercise, ClassifyExercise

__all__ = ["Feedback", "Remark", "check_choice", "check_classify"]


@dataclass(frozen=True)
class Remark:
    """Feedback on one option or item: what it is, whether the learner got it right, and why."""

    subject: str
    ok: bool
    verdict: str
    why: str
    chosen: bool = False


@dataclass(frozen=True)
class Feedback:
    """The result of checking one answer.

    ``score`` is the share of the exercise answered correctly (0 to 1); ``complete`` is True
    when every part was right. ``remarks`` explain each option or item, right or wrong.
    """

    score: float
    complete: bool
    summary: str
    remarks: tuple[Remark, ...]


def check_choice(exercise: ChoiceExercise, chosen: frozenset[str] | set[str] | str | None) -> Feedback:
    """Check a self-check answer: the set of option ids the learner selected.

    Every option gets a remark, so a learner learns why the others are right or wrong too.
    A single-answer question accepts one id as a string.
    """
    if chosen is None:
        chosen = frozenset()
    elif isinstance(chosen, str):
        chosen = frozenset([chosen])
    chosen = frozenset(chosen)
    unknown = chosen - {o.id for o in exercise.options}
    if unknown:
        raise ValueError(f"unknown option id(s) for '{exercise.id}': {', '.join(sorted(unknown))}")
    if not chosen:
        return Feedback(0.0, False, "Choose an answer first, then press Check.", ())

    remarks = []
    for opt in exercise.options:
        picked = opt.id in chosen
        if opt.correct:
            verdict = "Right answer — you chose it." if picked else "Right answer — you did not choose it."
        else:
            verdict = "Not right — you chose it." if picked else "Not right."
        remarks.append(Remark(opt.text, picked == opt.correct, verdict, opt.why, chosen=picked))

    correct = exercise.correct_ids
    complete = chosen == correct
    if exercise.multiple:
        hits = len(chosen & correct)
        wrong = len(chosen - correct)
        score = max(0.0, (hits - wrong) / len(correct))
        if complete:
            summary = f"Correct. You found all {len(correct)} right answers."
        else:
            summary = (
                f"Not yet. You chose {hits} of the {len(correct)} right answers"
                + (f" and {wrong} that {'is' if wrong == 1 else 'are'} not right" if wrong else "")
                + ". Read the explanations below, then try again."
            )
    else:
        score = 1.0 if complete else 0.0
        summary = "Correct." if complete else "Not quite. Read the explanations below, then try again."
    return Feedback(score, complete, summary, tuple(remarks))


def check_classify(exercise: ClassifyExercise, placed: Mapping[str, str | None]) -> Feedback:
    """Check a sorting answer: a mapping of item id to the category id the learner chose.

    Items left unsorted count as not yet right; the summary says how many are still open.
    """
    unknown_items = set(placed) - {i.id for i in exercise.items}
    if unknown_items:
        raise ValueError(f"unknown item id(s) for '{exercise.id}': {', '.join(sorted(unknown_items))}")
    cat_ids = {c.id for c in exercise.categories}
    for item_id, cat in placed.items():
        if cat is not None and cat not in cat_ids:
            raise ValueError(f"unknown category '{cat}' for item '{item_id}' in '{exercise.id}'")

    remarks = []
    n_right = n_open = 0
    for item in exercise.items:
        cat = placed.get(item.id)
        right_label = exercise.category(item.category).label
        if cat is None:
            n_open += 1
            remarks.append(Remark(item.text, False, f"Not sorted yet. It belongs in: {right_label}.", item.why))
        elif cat == item.category:
            n_right += 1
            remarks.append(Remark(item.text, True, f"Right: {right_label}.", item.why, chosen=True))
        else:
            chosen_label = exercise.category(cat).label
            remarks.append(
                Remark(
                    item.text,
                    False,
                    f"Not right: you chose {chosen_label}. It belongs in: {right_label}.",
                    item.why,
                    chosen=True,
                )
            )
    total = len(exercise.items)
    complete = n_right == total
    if complete:
        summary = f"Correct. All {total} items are in the right place."
    else:
        summary = f"{n_right} of {total} items are in the right place."
        if n_open:
            summary += f" {n_open} {'is' if n_open == 1 else 'are'} not sorted yet."
        summary += " Read the explanations, change your answers, and check again."
    return Feedback(n_right / total, complete, summary, tuple(remarks))
