"""The course evaluation in the cohort report: answer distributions, confidence before/now, comments.

Comments are listed without names and in alphabetical order (not roster order), so a comment
cannot be traced back to a learner through the report. Figures are drawn with matplotlib on the
trainer's side and also written as CSV.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

from ssr_widgets.evaluation import Evaluation, load_evaluation

from .evaluations import EvaluationRecord

__all__ = ["EvaluationSummary", "evaluation_section", "summarise"]


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
              for f in evaluation.fields if f.kind != "text" and not f.objective}
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

    write_csv(out_dir / "evaluation_comments.csv", ["question", "comment"],
              [[label, c] for label, cs in s.comments.items() for c in cs])
    comment_html = "".join(
        f"<h3>{esc(label)}</h3>" + ("<ul>" + "".join(f"<li>{esc(c)}</li>" for c in cs) + "</ul>" if cs
                                     else "<p>No comments.</p>")
        for label, cs in s.comments.items())
    return f"""<h2>Course evaluation</h2>
<p>{s.responses} evaluations submitted; {s.complete} complete (every required answer given).
Figures as CSV: evaluation_items.csv, evaluation_confidence.csv, evaluation_comments.csv.</p>
<h3>Answers per question</h3>
<img alt="Bar charts: how many learners gave each answer, one chart per evaluation question"
 src="data:image/png;base64,{items_png}">
<h3>Confidence per learning objective, before the course and now</h3>
{conf_html}
<h2>Comments (without names, in alphabetical order)</h2>{comment_html}"""


def _r(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}"
