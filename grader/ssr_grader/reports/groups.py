"""Learners grouped by their participant profile, with small groups suppressed so that nobody can be picked out.

The evaluation's profile questions (military, police, civilian; gender; earlier SSR training) are
optional and self-declared, and learners are told results are shown only for groups. So a report
never shows a figure for a group of fewer than :data:`MIN_GROUP` learners (primary suppression).
When only one group of a question is suppressed, its figures could be worked out from the
cohort's total and the other groups, so the next-smallest group is hidden too (secondary
suppression, as statistical offices do for one-way tables). "Not stated" is a group like any
other, so the groups of a question always add up to the cohort. Only one question at a time is
broken down: crossing them (for example "police women") would make groups of one.

The profile comes only from the answers of the learner's evaluation, as the intake rebuilt it:
nothing a learner's file claims elsewhere (metadata, tags) is read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ssr_widgets.evaluation import Evaluation

from .evaluations import EvaluationRecord

__all__ = ["MIN_GROUP", "NOT_STATED", "Dimension", "Group", "breakdown", "profiles"]

#: The smallest group whose figures a report shows.
MIN_GROUP = 5
NOT_STATED = "Not stated"


@dataclass(frozen=True)
class Group:
    name: str  # the option's text ("Police"), or "Not stated"
    members: tuple[str, ...]
    shown: bool
    why: str = ""  # why it is hidden, in words for the report

    @property
    def size(self) -> str:
        """The group's size as the report may print it."""
        if self.shown:
            return str(len(self.members))
        return self.why.removesuffix(" learners") if self.why.startswith("fewer") else "hidden"


@dataclass(frozen=True)
class Dimension:
    """One profile question and the cohort split by its answers."""

    var: str  # eval_category
    question: str  # the prompt, for the report
    label: str  # short: "your category"
    groups: tuple[Group, ...]


def profiles(evaluation: Evaluation, records: Iterable[EvaluationRecord]) -> dict[str, dict[str, str]]:
    """``{learner: {profile variable: letter}}`` from the valid answers of each submitted evaluation."""
    wanted = {f.var for f in evaluation.profile_fields}
    return {r.student: {k: v for k, v in r.values.items() if k in wanted} for r in records if r.submitted}


def suppress(sizes: list[int], min_size: int = MIN_GROUP) -> list[str]:
    """For each group size, "" (shown) or why it is hidden; see the module's docstring."""
    why = [f"fewer than {min_size} learners" if 0 < n < min_size else "" for n in sizes]
    hidden = [i for i, w in enumerate(why) if w]
    if len(hidden) == 1:
        others = [i for i, n in enumerate(sizes) if n > 0 and not why[i]]
        if others:
            smallest = min(others, key=lambda i: (sizes[i], i))
            why[smallest] = "hidden too, so that the small group cannot be worked out from the total"
    return why


def breakdown(evaluation: Evaluation, profile_of: dict[str, dict[str, str]], students: Iterable[str],
              min_size: int = MIN_GROUP) -> list[Dimension]:
    """``students`` split by each profile question, in the form's order of options, then "Not stated"."""
    students = sorted(set(students))
    out = []
    for f in evaluation.profile_fields:
        by_letter: dict[str | None, list[str]] = {letter: [] for letter in f.letters}
        unstated: list[str] = []
        for s in students:
            letter = profile_of.get(s, {}).get(f.var)
            by_letter.get(letter, unstated).append(s)
        named = [(text, by_letter[letter]) for letter, text in f.choices] + [(NOT_STATED, unstated)]
        why = suppress([len(m) for _, m in named], min_size)
        label = next(i.label for i in evaluation.form.items if i.id == f.item).removeprefix("your ")
        out.append(Dimension(f.var, f.prompt, label,
                             tuple(Group(name, tuple(m), not w, w) for (name, m), w in zip(named, why, strict=True))))
    return out
