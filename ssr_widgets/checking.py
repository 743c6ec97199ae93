"""Checking answers: pure functions from (exercise, answer) to feedback, no widgets involved.

Keeping this apart from the views means every rule about right and wrong is unit-tested
without a notebook, and the same feedback text appears whatever front end shows it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model import (
    ActorMapExercise,
    ChoiceExercise,
    ClassifyExercise,
    MatchExercise,
    OrderExercise,
    ScenarioExercise,
)
from .translation import N_, NP_, _, ngettext

__all__ = [
    "Feedback",
    "Remark",
    "ScenarioPath",
    "best_paths",
    "check_actormap",
    "check_choice",
    "check_classify",
    "check_match",
    "check_order",
    "check_scenario",
    "path_nodes",
    "path_scores",
    "signed",
]


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
        return Feedback(0.0, False, _("Choose an answer first, then press Check."), ())

    remarks = []
    for opt in exercise.options:
        picked = opt.id in chosen
        # The verdict speaks of the learner's choice, as the mark beside it does (Remark.ok).
        if opt.correct:
            verdict = _("Right: you chose it, and it is a right answer.") if picked else _(
                "Missed: it is a right answer, and you did not choose it.")
        else:
            verdict = _("Not right: you chose it, but it is not a right answer.") if picked else _(
                "Right to leave out: it is not a right answer.")
        remarks.append(Remark(opt.text, picked == opt.correct, verdict, opt.why, chosen=picked))

    correct = exercise.correct_ids
    complete = chosen == correct
    if exercise.multiple:
        hits = len(chosen & correct)
        wrong = len(chosen - correct)
        score = max(0.0, (hits - wrong) / len(correct))
        if complete:
            summary = _("Correct. You found all {total} right answers.").format(total=len(correct))
        elif wrong:
            summary = ngettext(
                "Not yet. You chose {hits} of the {total} right answers and {wrong} that is not right. "
                "Read the explanations below, then try again.",
                "Not yet. You chose {hits} of the {total} right answers and {wrong} that are not right. "
                "Read the explanations below, then try again.", wrong).format(hits=hits, total=len(correct), wrong=wrong)
        else:
            summary = _("Not yet. You chose {hits} of the {total} right answers. "
                        "Read the explanations below, then try again.").format(hits=hits, total=len(correct))
    else:
        score = 1.0 if complete else 0.0
        summary = _("Correct.") if complete else _("Not quite. Read the explanations below, then try again.")
    return Feedback(score, complete, summary, tuple(remarks))


@dataclass(frozen=True)
class _Wording:
    """How an assignment exercise (classify, match) talks about its rows and choices (texts translated when used)."""

    row: str  # "item": unknown-id errors
    choice: str  # "category"
    unset: str  # "Not sorted yet. It belongs in: {right}."
    wrong: str  # "Not right: you chose {chosen}. It belongs in: {right}."
    all_right: str  # "Correct. All {total} items are in the right place."
    some_right: str  # "{n} of {total} items are in the right place."
    open: tuple[str, str]  # ("{n} is not sorted yet.", "{n} are not sorted yet."): one plural entry (NP_)


_CLASSIFY = _Wording(
    "item", "category",
    unset=N_("Not sorted yet. It belongs in: {right}."),
    wrong=N_("Not right: you chose {chosen}. It belongs in: {right}."),
    all_right=N_("Correct. All {total} items are in the right place."),
    some_right=N_("{n} of {total} items are in the right place."),
    open=NP_("{n} is not sorted yet.", "{n} are not sorted yet."),
)
_MATCH = _Wording(
    "prompt", "answer",
    unset=N_("Not matched yet. The best match: {right}."),
    wrong=N_("Not right: you chose {chosen}. The best match: {right}."),
    all_right=N_("Correct. All {total} are matched well."),
    some_right=N_("{n} of {total} are matched well."),
    open=NP_("{n} is not matched yet.", "{n} are not matched yet."),
)


def _check_assignment(
    exercise_id: str,
    rows: Sequence[tuple[str, str, str, str]],
    labels: Mapping[str, str],
    placed: Mapping[str, str | None],
    words: _Wording,
) -> tuple[list[Remark], int, str]:
    """Shared by classify and match: each row (id, text, right choice, why) gets one choice.

    Returns the remarks, the number right, and the summary so far.
    """
    unknown_rows = set(placed) - {r[0] for r in rows}
    if unknown_rows:
        raise ValueError(f"unknown {words.row} id(s) for '{exercise_id}': {', '.join(sorted(unknown_rows))}")
    for row_id, choice in placed.items():
        if choice is not None and choice not in labels:
            raise ValueError(f"unknown {words.choice} '{choice}' for {words.row} '{row_id}' in '{exercise_id}'")

    remarks = []
    n_right = n_open = 0
    for row_id, text, right, why in rows:
        choice = placed.get(row_id)
        if choice is None:
            n_open += 1
            remarks.append(Remark(text, False, _(words.unset).format(right=labels[right]), why))
        elif choice == right:
            n_right += 1
            remarks.append(Remark(text, True, _("Right: {right}.").format(right=labels[right]), why, chosen=True))
        else:
            verdict = _(words.wrong).format(chosen=labels[choice], right=labels[right])
            remarks.append(Remark(text, False, verdict, why, chosen=True))
    total = len(rows)
    if n_right == total:
        summary = _(words.all_right).format(total=total)
    else:
        summary = _(words.some_right).format(n=n_right, total=total)
        if n_open:
            # one plural entry per kind (NP_): ngettext finds both forms of the same sentence
            summary += " " + ngettext(*words.open, n_open).format(n=n_open)
    return remarks, n_right, summary


_TRY_AGAIN = N_(" Read the explanations, change your answers, and check again.")


def check_classify(exercise: ClassifyExercise, placed: Mapping[str, str | None]) -> Feedback:
    """Check a sorting answer: a mapping of item id to the category id the learner chose.

    Items left unsorted count as not yet right; the summary says how many are still open.
    """
    rows = [(i.id, i.text, i.category, i.why) for i in exercise.items]
    labels = {c.id: c.label for c in exercise.categories}
    remarks, n_right, summary = _check_assignment(exercise.id, rows, labels, placed, _CLASSIFY)
    complete = n_right == len(rows)
    return Feedback(n_right / len(rows), complete, summary if complete else summary + _(_TRY_AGAIN), tuple(remarks))


def check_match(exercise: MatchExercise, placed: Mapping[str, str | None]) -> Feedback:
    """Check a matching answer: a mapping of prompt id to the answer id the learner chose.

    With ``reuse: false`` each answer fits one prompt only, so the summary also names any answer
    the learner used twice (the wrong uses are already marked per prompt).
    """
    rows = [(p.id, p.text, p.answer, p.why) for p in exercise.prompts]
    labels = {a.id: a.label for a in exercise.answers}
    remarks, n_right, summary = _check_assignment(exercise.id, rows, labels, placed, _MATCH)
    complete = n_right == len(rows)
    if not complete:
        if not exercise.reuse:
            chosen = [c for c in placed.values() if c is not None]
            twice = sorted({labels[c] for c in chosen if chosen.count(c) > 1})
            if twice:
                summary += _(" Each answer fits one situation only, but you used {answers} more than once.").format(
                    answers=", ".join(twice))
        summary += _(_TRY_AGAIN)
    return Feedback(n_right / len(rows), complete, summary, tuple(remarks))


def check_order(exercise: OrderExercise, positions: Sequence[str | None]) -> Feedback:
    """Check an ordering answer: the step id the learner put at each position (None: not chosen).

    The score is the share of positions holding the right step. Each step gets a remark saying
    where the learner put it, where it belongs, and why.
    """
    steps = exercise.steps
    if len(positions) != len(steps):
        raise ValueError(f"'{exercise.id}' has {len(steps)} positions, the answer has {len(positions)}")
    known = {s.id for s in steps}
    unknown = {p for p in positions if p is not None and p not in known}
    if unknown:
        raise ValueError(f"unknown step id(s) for '{exercise.id}': {', '.join(sorted(unknown))}")
    if all(p is None for p in positions):
        return Feedback(0.0, False, _("Choose a step for each position first, then press Check."), ())

    remarks = []
    for right_pos, step in enumerate(steps, start=1):
        at = [n for n, p in enumerate(positions, start=1) if p == step.id]
        if at == [right_pos]:
            remarks.append(Remark(step.text, True, _("Right: step {n}.").format(n=right_pos), step.why, chosen=True))
        elif not at:
            remarks.append(Remark(step.text, False, _("Not placed yet. It is step {n}.").format(n=right_pos), step.why))
        else:
            where = _(" and ").join(str(n) for n in at)
            verdict = ngettext("Not right: you put it at step {where}. It is step {n}.",
                               "Not right: you put it at steps {where}. It is step {n}.", len(at)).format(
                where=where, n=right_pos)
            remarks.append(Remark(step.text, False, verdict, step.why, chosen=True))
    total = len(steps)
    n_right = sum(p == s.id for p, s in zip(positions, steps, strict=True))
    if n_right == total:
        return Feedback(1.0, True, _("Correct. All {total} steps are in the right order.").format(total=total),
                        tuple(remarks))
    summary = _("{n} of {total} steps are in the right place.").format(n=n_right, total=total)
    n_open = sum(p is None for p in positions)
    if n_open:
        summary += ngettext(" {n} position is still empty.", " {n} positions are still empty.", n_open).format(n=n_open)
    twice = [s.text for s in steps if positions.count(s.id) > 1]
    if twice:
        summary += _(" You chose {steps} more than once: each step has one place.").format(steps="; ".join(twice))
    return Feedback(n_right / total, False, summary + _(_TRY_AGAIN), tuple(remarks))


#: An actor's level and role, each said in a sentence of its own (not chosen, right, not right).
_ACTOR_PART = {
    "level": (N_("Level: not chosen yet — it is {right}."), N_("Level: right, {right}."),
              N_("Level: not right — you chose {chosen}; it is {right}.")),
    "role": (N_("Role: not chosen yet — it is {right}."), N_("Role: right, {right}."),
             N_("Role: not right — you chose {chosen}; it is {right}.")),
}


def check_actormap(exercise: ActorMapExercise, placed: Mapping[str, Mapping[str, str]]) -> Feedback:
    """Check an actor map: for each actor id, the learner's ``{"level": id, "role": id}`` (either may be missing).

    Level and role count half each towards the score; the remark names both.
    """
    unknown = set(placed) - {a.id for a in exercise.actors}
    if unknown:
        raise ValueError(f"unknown actor id(s) for '{exercise.id}': {', '.join(sorted(unknown))}")
    levels = {lv.id: lv.label for lv in exercise.levels}
    roles = {r.id: r.label for r in exercise.roles}
    for actor_id, answer in placed.items():
        level, role = answer.get("level"), answer.get("role")
        if set(answer) - {"level", "role"} or level not in (None, *levels) or role not in (None, *roles):
            raise ValueError(f"unknown level or role for actor '{actor_id}' in '{exercise.id}': {dict(answer)}")
    if not any(placed.values()):
        return Feedback(0.0, False, _("Choose a level and a role for the actors first, then press Check."), ())

    remarks = []
    points = 0
    n_open = 0
    for actor in exercise.actors:
        answer = placed.get(actor.id, {})
        parts = []
        for part, right, names in (("level", actor.level, levels), ("role", actor.role, roles)):
            chosen = answer.get(part)
            unset, good, bad = _ACTOR_PART[part]
            if chosen is None:
                parts.append(_(unset).format(right=names[right]))
            elif chosen == right:
                points += 1
                parts.append(_(good).format(right=names[right]))
            else:
                parts.append(_(bad).format(chosen=names[chosen], right=names[right]))
        ok = answer.get("level") == actor.level and answer.get("role") == actor.role
        n_open += not answer
        remarks.append(Remark(actor.name, ok, " ".join(parts), actor.why, chosen=bool(answer)))
    total = len(exercise.actors)
    n_right = sum(r.ok for r in remarks)
    if n_right == total:
        return Feedback(1.0, True, _("Correct. All {total} actors are on the right level and in the right role.").format(
            total=total), tuple(remarks))
    summary = _("{n} of {total} actors are fully right ({points} of {choices} choices).").format(
        n=n_right, total=total, points=points, choices=2 * total)
    if n_open:
        summary += ngettext(" {n} actor is not placed yet.", " {n} actors are not placed yet.", n_open).format(n=n_open)
    return Feedback(points / (2 * total), False, summary + _(_TRY_AGAIN), tuple(remarks))


# -- branching scenario --------------------------------------------------------------------------

#: A path through a scenario: the choice ids taken, from the start node on.
ScenarioPath = tuple[str, ...]


def path_nodes(exercise: ScenarioExercise, path: Sequence[str]) -> list[str]:
    """The node ids visited by ``path`` (one more than the choices); raises ValueError if it does not fit."""
    nodes = [exercise.start]
    for choice_id in path:
        node = exercise.node(nodes[-1])
        if node.end:
            raise ValueError(f"the path goes on after the end node '{node.id}'")
        nodes.append(node.choice(choice_id).next)
    return nodes


def path_scores(exercise: ScenarioExercise, path: Sequence[str]) -> dict[str, int]:
    """Sum of the choices' scores per principle id along ``path``."""
    totals = {p.id: 0 for p in exercise.principles}
    for node_id, choice_id in zip(path_nodes(exercise, path), path, strict=False):
        for principle, score in exercise.node(node_id).choice(choice_id).scores.items():
            totals[principle] += score
    return totals


def best_paths(exercise: ScenarioExercise) -> tuple[int, int, list[ScenarioPath]]:
    """(best total, worst total, every path reaching the best total) over all complete paths.

    A depth-first walk with memory per node: the validated graph has no loops, so each node's
    best and worst remaining totals are computed once, and ties keep every best path.
    """

    @functools.cache
    def walk(node_id: str) -> tuple[int, int, tuple[ScenarioPath, ...]]:
        node = exercise.node(node_id)
        if node.end:
            return 0, 0, ((),)
        best, worst, paths = None, None, []
        for c in node.choices:
            gain = sum(c.scores.values())
            b, w, tails = walk(c.next)
            if best is None or b + gain > best:
                best, paths = b + gain, [(c.id, *t) for t in tails]
            elif b + gain == best:
                paths += [(c.id, *t) for t in tails]
            worst = w + gain if worst is None else min(worst, w + gain)
        return best, worst, tuple(paths)

    best, worst, paths = walk(exercise.start)
    return best, worst, list(paths)


def signed(score: int) -> str:
    """A score as the debrief writes it: +2, -1, or 0 (no sign on zero)."""
    return f"{score:+d}" if score else "0"


def _standing(total: int) -> str:
    if total >= 3:
        return _("strongly upheld")
    if total > 0:
        return _("upheld")
    if total == 0:
        return _("neither helped nor harmed")
    if total > -3:
        return _("harmed")
    return _("badly harmed")


def check_scenario(exercise: ScenarioExercise, path: Sequence[str]) -> Feedback:
    """Check a path through a scenario: the choice ids taken from the start node.

    Before an end node is reached the feedback only says how far the learner is. At an end
    node the debrief scores the path against each principle, with the choices behind each
    number. ``complete`` means the path is one of the best-scoring ones; ``score`` places
    the path between the worst (0) and the best (1) path the story allows.
    """
    nodes = path_nodes(exercise, path)
    if not exercise.node(nodes[-1]).end:
        n = len(path)
        summary = (ngettext("{n} decision made. Read what happened, then choose what to do next.",
                            "{n} decisions made. Read what happened, then choose what to do next.", n).format(n=n)
                   if n else _("Read the situation, then choose what to do."))
        return Feedback(0.0, False, summary, ())
    totals = path_scores(exercise, path)
    best, worst, best_ones = best_paths(exercise)
    yours = sum(totals.values())
    best_totals = path_scores(exercise, best_ones[0])
    remarks = []
    for principle in exercise.principles:
        moves = [
            _("“{choice}” ({score})").format(choice=exercise.node(node_id).choice(cid).text, score=signed(score))
            for node_id, cid in zip(nodes, path, strict=False)
            if (score := exercise.node(node_id).choice(cid).scores.get(principle.id, 0))
        ]
        why = (_("Your choices that count here: {choices}.").format(choices="; ".join(moves)) if moves
               else _("None of your choices affected this principle."))
        why += _(" A best path scores {score} here.").format(score=signed(best_totals[principle.id]))
        total = totals[principle.id]
        verdict = _("{score}: {standing}.").format(score=signed(total), standing=_standing(total))
        remarks.append(Remark(principle.label, total >= 0, verdict, why, chosen=True))
    complete = tuple(path) in best_ones
    if complete:
        summary = _("The end. Your path is one of the best: it scores {score} across all principles.").format(
            score=signed(yours))
    else:
        summary = _("The end. Your path scores {score} across all principles; the best path scores {best}. "
                    "Compare the paths below, then play again.").format(score=signed(yours), best=signed(best))
    score = 1.0 if best == worst else (yours - worst) / (best - worst)
    return Feedback(score, complete, summary, tuple(remarks))
