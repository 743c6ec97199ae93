"""The course evaluation in the cohort report: answer distributions, confidence before/now, results by profile, comments.

Comments are listed without names and in alphabetical order (not roster order), so a comment
cannot be traced back to a learner through the report. The profile questions are not counted
like opinions: they only split the results into groups, and a group of fewer than 5 learners is
never shown (:mod:`.groups`). Figures are drawn with matplotlib on the trainer's side and also
written as CSV.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

from ssr_widgets.evaluation import Evaluation, load_evaluation

from .evaluations import EvaluationRecord
from .groups import MIN_GROUP, breakdown, profiles

__all__ = ["EvaluationSummary", "by_profile", "evaluation_section", "summarise"]


@dataclass(frozen=True)
class EvaluationSummary:
    responses: int  # evaluations submitted
    complete: int
    counts: dict[str, Counter]  # field var -> answer value -> learners (rating and choice fields)
    confidence: list[tuple[str, float | None, float | None, int]]  # (objective, mean before, mean now, n pairs)
    comments: dict[str, list[str]]  # field label -> comments, sorted


def summarise(evaluation: Evaluation, records: list[EvaluationRecord]) -> EvaluationSummary:
    submitted = [r for r in records if r.submitted]
    counts = {f.var: Counter(r.values[f.var] for r in submitted if f.var in r.values)
              for f in evaluation.fields if f.kind != "text" and not f.objective and not f.profile}
    confidence = []
    paired_items = [i.id for i in evaluation.form.items if i.kind == "confidence"]
    for item_id in paired_items:
        for lo in evaluation.objectives:
            pair = {f.when: f.var for f in evaluation.fields if f.item == item_id and f.objective == lo}
            both = [(int(r.values[pair["before"]]), int(r.values[pair["now"]])) for r in submitted
                    if pair["before"] in r.values and pair["now"] in r.values]
            name = lo if len(paired_items) == 1 else f"{item_id} {lo}"
            confidence.append((name, mean(b for b, _ in both) if both else None,
                               mean(n for _, n in both) if both else None, len(both)))
    comments = {f.label: sorted(r.values[f.var] for r in submitted if f.var in r.values)
                for f in evaluation.fields if f.kind == "text"}
    return EvaluationSummary(len(submitted), sum(r.complete for r in records), counts, confidence, comments)


def _measures(evaluation: Evaluation) -> list[tuple[str, str]]:
    """(name, header) of what is compared between groups: each rating's mean, each choice's first answer, confidence."""
    out = []
    label = {i.id: i.label for i in evaluation.form.items}
    for f in evaluation.fields:
        if f.profile or f.objective or f.kind == "text":
            continue
        if f.kind == "rating":
            out.append((f.var, f"{label[f.item]} (mean, 1-{len(f.letters)})"))
        else:
            out.append((f.var, f"{label[f.item]}: {f.options[0]} (%)"))
    if any(f.objective for f in evaluation.fields):
        out.append(("confidence", "confidence change (mean, now − before)"))
    return out


def _measure(evaluation: Evaluation, name: str, records: list[EvaluationRecord]) -> float | None:
    if name == "confidence":
        changes = []
        for r in records:
            pairs = {}
            for f in evaluation.fields:
                if f.objective and f.var in r.values:
                    pairs.setdefault(f.objective, {})[f.when] = int(r.values[f.var])
            changes += [p["now"] - p["before"] for p in pairs.values() if "now" in p and "before" in p]
        return mean(changes) if changes else None
    f = evaluation.field(name)
    given = [r.values[name] for r in records if name in r.values]
    if not given:
        return None
    if f.kind == "rating":
        return mean(int(v) for v in given)
    return 100 * sum(v == f.letters[0] for v in given) / len(given)


def by_profile(evaluation: Evaluation, records: list[EvaluationRecord]) -> tuple[list[str], list[list[object]]]:
    """The evaluation's results per profile group, suppressed as :mod:`.groups` says: (header, rows)."""
    submitted = {r.student: r for r in records if r.submitted}
    measures = _measures(evaluation)
    header = ["profile", "group", "learners", *(h for _, h in measures)]
    rows: list[list[object]] = []
    for dim in breakdown(evaluation, profiles(evaluation, submitted.values()), submitted):
        for group in dim.groups:
            if group.shown and group.members:
                members = [submitted[m] for m in group.members]
                values = [_measure(evaluation, name, members) for name, _ in measures]
                rows.append([dim.label, group.name, len(members),
                             *(None if v is None else round(float(v), 2) for v in values)])
            else:
                rows.append([dim.label, group.name, group.size if not group.shown else 0,
                             *([None] * len(measures))])
    return header, rows


def _profile_html(header: list[str], rows: list[list[object]]) -> str:
    esc = html.escape
    if not rows:
        return "<p>This evaluation form has no profile questions.</p>"
    head = "".join(f"<th>{esc(h[:1].upper() + h[1:])}</th>" for h in header[1:])

    def cell(value: object, column: str) -> str:
        if value is None:
            return "—"
        if isinstance(value, float):
            return f"{value:.1f}" if column.endswith("(%)") else f"{value:.2f}"
        return esc(str(value))

    body = ""
    for dim in dict.fromkeys(r[0] for r in rows):
        body += f"<tr><th colspan=\"{len(header) - 1}\">By {esc(str(dim))}</th></tr>"
        for r in rows:
            if r[0] != dim:
                continue
            if isinstance(r[2], str):  # hidden
                body += (f"<tr><td>{esc(str(r[1]))}</td><td>{esc(r[2])}</td>"
                         f"<td colspan=\"{len(header) - 3}\">not shown</td></tr>")
            else:
                body += "<tr>" + "".join(f"<td>{cell(c, h)}</td>" for c, h in zip(r[1:], header[1:], strict=True)) + "</tr>"
    return f"""<p>From the optional profile questions, one question at a time. A group of fewer than {MIN_GROUP}
learners is not shown, so that nobody can be picked out; when that leaves a single group hidden, the next smallest
is hidden too. The profile answers themselves are not listed.</p>
<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"""


def evaluation_section(records: list[EvaluationRecord], out_dir: Path, png, write_csv) -> str:
    """The report's evaluation section (HTML), with its figures embedded and its CSV files written."""
    import matplotlib.pyplot as plt

    evaluation = load_evaluation()
    s = summarise(evaluation, records)
    esc = html.escape
    if not s.responses:
        return "<h2>Course evaluation</h2><p>No course evaluations submitted yet.</p>"

    rated = [f for f in evaluation.fields if f.var in s.counts]
    rows = [[f.var, f.label, letter, text, s.counts[f.var].get(letter, 0)]
            for f in rated for letter, text in f.choices]
    write_csv(out_dir / "evaluation_items.csv", ["field", "question", "value", "meaning", "learners"], rows)
    fig, axes = plt.subplots(len(rated), 1, figsize=(6.5, 1.35 * len(rated)), squeeze=False)
    for ax, f in zip(axes[:, 0], rated, strict=True):
        values = [s.counts[f.var].get(letter, 0) for letter in f.letters]
        labels = [f"{letter} {text}" for letter, text in f.choices]
        ax.barh(labels, values, color="#5b7fa6")
        ax.invert_yaxis()
        ax.set_title(f.prompt, fontsize=8, loc="left")
        ax.tick_params(labelsize=7)
        for y, v in enumerate(values):
            ax.text(v, y, f" {v}", va="center", fontsize=7)
        ax.set_xlim(0, max(max(values), 1) * 1.15)
    fig.tight_layout()
    items_png = png(fig)
    plt.close(fig)

    conf_html = "<p>This evaluation form has no before/now confidence question.</p>"
    if s.confidence:
        write_csv(out_dir / "evaluation_confidence.csv", ["objective", "text", "mean_before", "mean_now", "change",
                                                            "learners"],
                  [[lo, evaluation.objectives.get(lo.split()[-1], ""), _r(b), _r(n),
                    _r(None if b is None or n is None else n - b), k] for lo, b, n, k in s.confidence])
        scale_top = max(len(f.letters) for f in evaluation.fields if f.objective)
        fig, ax = plt.subplots(figsize=(6.5, 3))
        los = [lo for lo, *_ in s.confidence]
        x = range(len(los))
        ax.bar([i - 0.2 for i in x], [b or 0 for _, b, _, _ in s.confidence], width=0.4, label="Before the course",
               color="#c9c9c9", edgecolor="black", hatch="//")
        ax.bar([i + 0.2 for i in x], [n or 0 for _, _, n, _ in s.confidence], width=0.4, label="Now",
               color="#5b7fa6", edgecolor="black")
        ax.set_xticks(list(x), los, fontsize=7)
        ax.set_ylim(0, scale_top)
        ax.set_ylabel(f"Mean confidence (1-{scale_top})")
        ax.legend(fontsize=8)
        conf_png = png(fig)
        plt.close(fig)
        conf_rows = "".join(f"<tr><td>{esc(lo)}</td><td>{_r(b)}</td><td>{_r(n)}</td><td>{k}</td></tr>"
                            for lo, b, n, k in s.confidence)
        conf_html = f"""<img alt="Paired bar chart: mean confidence before the course (hatched grey) and now (plain blue),
 per objective" src="data:image/png;base64,{conf_png}">
<table><thead><tr><th>Objective</th><th>Mean before</th><th>Mean now</th><th>Learners</th></tr></thead>
<tbody>{conf_rows}</tbody></table>"""

    profile_header, profile_rows = by_profile(evaluation, records)
    write_csv(out_dir / "evaluation_by_profile.csv", profile_header, profile_rows)
    profile_html = _profile_html(profile_header, profile_rows)

    write_csv(out_dir / "evaluation_comments.csv", ["question", "comment"],
              [[label, c] for label, cs in s.comments.items() for c in cs])
    comment_html = "".join(
        f"<h3>{esc(label)}</h3>" + ("<ul>" + "".join(f"<li>{esc(c)}</li>" for c in cs) + "</ul>" if cs
                                     else "<p>No comments.</p>")
        for label, cs in s.comments.items())
    return f"""<h2>Course evaluation</h2>
<p>{s.responses} evaluations submitted; {s.complete} complete (every required answer given).
Figures as CSV: evaluation_items.csv, evaluation_confidence.csv, evaluation_by_profile.csv, evaluation_comments.csv.</p>
<h3>Answers per question</h3>
<img alt="Bar charts: how many learners gave each answer, one chart per evaluation question"
 src="data:image/png;base64,{items_png}">
<h3>Confidence per learning objective, before the course and now</h3>
{conf_html}
<h3>Results by participant profile</h3>
{profile_html}
<h2>Comments (without names, in alphabetical order)</h2>{comment_html}"""


def _r(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}"
