"""Learning gain in the cohort report: the pre-test against the end-of-course quiz, per learning objective.

For each learner with both a pre-test (:mod:`.pretests`) and a graded quiz, the percent right on
each objective before (the pre-test's question on it) and after (the quiz's multiple-choice
questions on it; the hand-marked open question is left out). A learner's overall figure is the
mean over the objectives, so every objective weighs the same before and after. For the cohort:
mean before, mean after, mean gain in percentage points, and Hake's normalised gain
g = (post − pre) / (100 − pre) computed from the cohort means (Hake 1998, Am. J. Phys. 66:64), the
share of what there was left to learn that was learned. The same figures are shown by participant
profile, for groups of at least 5 learners only (:mod:`.groups`). Learner ids appear only in a
CSV file for the trainer, never with a profile.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

from ..course import Course
from .groups import MIN_GROUP, Dimension

__all__ = ["GainSummary", "LearnerGain", "gain_section", "learner_gains", "post_scores", "summarise"]


def _lo_key(lo: str) -> tuple[int, str]:
    digits = "".join(ch for ch in lo if ch.isdigit())
    return (int(digits) if digits else 0, lo)


@dataclass(frozen=True)
class LearnerGain:
    student: str
    pre: dict[str, float]  # objective -> percent right
    post: dict[str, float]

    @property
    def objectives(self) -> list[str]:
        """The objectives measured both before and after."""
        return sorted(set(self.pre) & set(self.post), key=_lo_key)

    @property
    def pre_mean(self) -> float:
        return mean(self.pre[lo] for lo in self.objectives)

    @property
    def post_mean(self) -> float:
        return mean(self.post[lo] for lo in self.objectives)


@dataclass(frozen=True)
class GainSummary:
    learners: int
    mean_pre: float | None
    mean_post: float | None

    @property
    def gain(self) -> float | None:
        """Mean gain, in percentage points."""
        return None if self.mean_pre is None or self.mean_post is None else self.mean_post - self.mean_pre

    @property
    def normalised(self) -> float | None:
        """Hake's g from the means: the gain as a share of the largest gain possible; None when nothing was left."""
        if self.gain is None or self.mean_pre is None or self.mean_pre >= 100:
            return None
        return self.gain / (100 - self.mean_pre)


def post_scores(course: Course, students: Iterable[str], matrix: Iterable[Iterable[float]]) -> dict[str, dict[str, float]]:
    """Percent right per objective on the quiz's multiple-choice questions, per learner (rows of the gradebook)."""
    slots_of: dict[str, list[int]] = defaultdict(list)
    for j, (_slot, objective) in enumerate(course.quiz.slots):
        slots_of[objective].append(j)
    points = float(course.quiz.points_per_item)
    out = {}
    for student, row in zip(students, matrix, strict=True):
        row = list(row)
        out[student] = {lo: 100 * sum(row[j] for j in js) / (len(js) * points) for lo, js in slots_of.items()}
    return out


def learner_gains(pre: dict[str, dict[str, float]], post: dict[str, dict[str, float]]) -> list[LearnerGain]:
    """The learners with both a pre-test and a quiz score on at least one common objective, by id."""
    out = []
    for student in sorted(set(pre) & set(post)):
        g = LearnerGain(student, dict(pre[student]), dict(post[student]))
        if g.objectives:
            out.append(g)
    return out


def summarise(gains: Iterable[LearnerGain], objective: str | None = None) -> GainSummary:
    """The cohort's figures on one objective, or overall (each learner's mean over the objectives)."""
    if objective is None:
        pairs = [(g.pre_mean, g.post_mean) for g in gains]
    else:
        pairs = [(g.pre[objective], g.post[objective]) for g in gains if objective in g.objectives]
    if not pairs:
        return GainSummary(0, None, None)
    return GainSummary(len(pairs), mean(p for p, _ in pairs), mean(q for _, q in pairs))


def _f(v: float | None, digits: int = 1) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def _csv(v: float | None, digits: int = 1) -> float | None:
    return None if v is None else round(v, digits)


def _row(s: GainSummary) -> list[object]:
    return [_csv(s.mean_pre), _csv(s.mean_post), _csv(s.gain), _csv(s.normalised, 2)]


def gain_section(course: Course, pre: dict[str, dict[str, float]], post: dict[str, dict[str, float]],
                 dimensions: Callable[[list[str]], list[Dimension]], out_dir: Path, png, write_csv) -> str:
    """The report's learning-gain section (HTML), with its figure embedded and its CSV files written.

    ``dimensions`` splits a list of learners by participant profile (suppression applied).
    """
    import matplotlib.pyplot as plt

    esc = html.escape
    gains = learner_gains(pre, post)
    objectives = sorted({lo for g in gains for lo in g.objectives}, key=_lo_key)
    head = (f"<h2>Learning gain: pre-test and end-of-course quiz</h2>\n<p>{len(pre)} pre-tests handed in (with at "
            f"least one answer); {len(gains)} learners have both a pre-test and a graded quiz.</p>")
    if not gains:
        return head + ("<p>No learner has both a pre-test and a graded quiz yet, so no learning gain can be shown. "
                       "The pre-test (<code>pre_test.ipynb</code>) is taken at the start of the course and collected "
                       "like the quiz.</p>")

    per_lo = [(lo, summarise(gains, lo)) for lo in objectives]
    overall = summarise(gains)
    write_csv(out_dir / "learning_gain.csv",
              ["objective", "learners", "mean_pre_percent", "mean_post_percent", "mean_gain_points", "normalised_gain"],
              [[lo, s.learners, *_row(s)] for lo, s in per_lo] + [["all", overall.learners, *_row(overall)]])
    learner_rows = []
    for g in gains:
        learner_rows += [[g.student, lo, _csv(g.pre[lo]), _csv(g.post[lo]), _csv(g.post[lo] - g.pre[lo]), None]
                         for lo in g.objectives]
        mine = GainSummary(1, g.pre_mean, g.post_mean)
        learner_rows.append([g.student, "all", *_row(mine)])
    write_csv(out_dir / "learning_gain_learners.csv",
              ["learner", "objective", "pre_percent", "post_percent", "gain_points", "normalised_gain"], learner_rows)

    fig, ax = plt.subplots(figsize=(6.5, 3))
    x = range(len(per_lo))
    ax.bar([i - 0.2 for i in x], [s.mean_pre or 0 for _, s in per_lo], width=0.4, label="Pre-test",
           color="#c9c9c9", edgecolor="black", hatch="//")
    ax.bar([i + 0.2 for i in x], [s.mean_post or 0 for _, s in per_lo], width=0.4, label="End-of-course quiz",
           color="#5b7fa6", edgecolor="black")
    ax.set_xticks(list(x), [lo for lo, _ in per_lo], fontsize=7)
    ax.set_ylim(0, 100)
    ax.set_ylabel("Right answers (%)")
    ax.legend(fontsize=8)
    chart = png(fig)
    plt.close(fig)

    def cells(s: GainSummary) -> str:
        return (f"<td>{_f(s.mean_pre)}</td><td>{_f(s.mean_post)}</td><td>{_f(s.gain)}</td>"
                f"<td>{_f(s.normalised, 2)}</td>")

    lo_rows = "".join(f"<tr><td>{esc(lo)}</td><td>{s.learners}</td>{cells(s)}</tr>" for lo, s in per_lo)
    lo_rows += f"<tr><th>All objectives</th><td>{overall.learners}</td>{cells(overall)}</tr>"
    header = ("<tr><th>{}</th><th>Learners</th><th>Pre-test (% right)</th><th>Quiz (% right)</th>"
              "<th>Gain (points)</th><th>Normalised gain g</th></tr>")

    by_gains = {g.student: g for g in gains}
    profile_rows, profile_html = [], []
    for dim in dimensions(sorted(by_gains)):
        rows = ""
        for group in dim.groups:
            if group.shown and group.members:
                s = summarise([by_gains[m] for m in group.members])
                rows += f"<tr><td>{esc(group.name)}</td><td>{group.size}</td>{cells(s)}</tr>"
                profile_rows.append([dim.label, group.name, len(group.members), *_row(s)])
            elif group.shown:
                rows += f"<tr><td>{esc(group.name)}</td><td>0</td><td colspan=\"4\">—</td></tr>"
                profile_rows.append([dim.label, group.name, 0, None, None, None, None])
            else:
                rows += (f"<tr><td>{esc(group.name)}</td><td>{esc(group.size)}</td>"
                         f"<td colspan=\"4\">not shown: {esc(group.why)}</td></tr>")
                profile_rows.append([dim.label, group.name, group.size, None, None, None, None])
        profile_html.append(f"<h4>By {esc(dim.label)}</h4><p>{esc(dim.question)}</p>"
                            f"<table><thead>{header.format('Group')}</thead><tbody>{rows}</tbody></table>")
    write_csv(out_dir / "learning_gain_by_profile.csv",
              ["profile", "group", "learners", "mean_pre_percent", "mean_post_percent", "mean_gain_points",
               "normalised_gain"], profile_rows)
    profile_part = "".join(profile_html) or "<p>The evaluation form has no profile questions.</p>"
    return f"""{head}
<p>Per objective: the pre-test's question on it, and the quiz's multiple-choice questions on it (the open question
is left out). <em>Gain</em> is the quiz's mean minus the pre-test's, in percentage points. <em>Normalised gain</em>
g = (quiz − pre-test) / (100 − pre-test), from the means (Hake 1998): the share of what was left to learn that was
learned; about 0.3 or more is a medium gain, 0.7 or more a high one. The pre-test has one question per objective,
so read the figures per objective over the cohort, not per learner. Figures as CSV: learning_gain.csv,
learning_gain_by_profile.csv, and, per learner, learning_gain_learners.csv (for the trainer only).</p>
<img alt="Paired bar chart: mean percent right per learning objective on the pre-test (hatched grey) and on the
 end-of-course quiz (plain blue)" src="data:image/png;base64,{chart}">
<table><thead>{header.format('Objective')}</thead><tbody>{lo_rows}</tbody></table>
<h3>Learning gain by participant profile</h3>
<p>From the optional profile questions of the course evaluation, one question at a time. A group of fewer than
{MIN_GROUP} learners is not shown, so that nobody can be picked out; when that leaves a single group hidden, the next
smallest is hidden too, so that its figures cannot be worked out from the total.</p>
{profile_part}"""
