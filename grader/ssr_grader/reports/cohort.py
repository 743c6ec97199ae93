"""Cohort report for trainers: scores, mastery per objective, item analysis, learning gain, evaluation.

Written as one self-contained HTML file (figures embedded as PNG, drawn with matplotlib on the
trainer's side only — learners never load it) plus the same figures as CSV files, so the numbers
can be checked or re-plotted. Item analysis follows Moodle's quiz statistics (see itemstats.py).
"""

from __future__ import annotations

import base64
import html
import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ssr_widgets.evaluation import load_evaluation

from ..course import Course
from .csvfile import write_csv
from .evaluation_section import evaluation_section
from .evaluations import read_all
from .gain import gain_section, post_scores
from .groups import breakdown, profiles
from .itemstats import QuizAnalysis, analyse, per_item
from .pretests import read_pretests

__all__ = ["CohortScores", "collect_scores", "write_report"]


@dataclass(frozen=True)
class CohortScores:
    students: tuple[str, ...]
    slots: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]  # per student, per slot (multiple-choice questions only)
    drawn: tuple[tuple[str, ...], ...]  # per student, per slot: the bank item their paper had there
    totals: tuple[float, ...]  # whole quiz, including hand-marked points


def collect_scores(course: Course) -> CohortScores:
    """Scores of every graded learner for every question, read from nbgrader's gradebook, with the items drawn."""
    from nbgrader.api import Gradebook, MissingEntry

    from ..quiz.papers import learner_draw

    coursedir = course.api().coursedir
    nb_id = Path(course.quiz.notebook).stem
    slots = tuple(slot for slot, _ in course.quiz.slots)
    students, matrix, drawn, totals = [], [], [], []
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        for st in sorted(gb.students, key=lambda s: s.id):
            try:
                sub = gb.find_submission(course.quiz.assignment, st.id)
            except MissingEntry:
                continue
            row = []
            for slot in slots:
                grade = gb.find_grade(f"test_{slot}", nb_id, course.quiz.assignment, st.id)
                row.append(float(grade.score or 0.0))
            paper = {d.slot: d.item.id for d in learner_draw(course, st.id).slots}
            students.append(st.id)
            matrix.append(tuple(row))
            drawn.append(tuple(paper[slot] for slot in slots))
            totals.append(float(sub.score))
    return CohortScores(tuple(students), slots, tuple(matrix), tuple(drawn), tuple(totals))


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """A figure's CSV: quoted, formulas in learner text (evaluation comments) neutralised, written atomically."""
    write_csv(path, header, rows, bom=False, lineterminator="\n")


def _fmt(v: float | None, digits: int = 1) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def write_report(course: Course, out_dir: Path) -> Path:
    """Write ``report.html`` and its CSV figures into ``out_dir``; returns the HTML path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = collect_scores(course)
    if not data.students:
        raise ValueError("no graded submissions yet: run  ssr-trainer grade  first")
    out_dir.mkdir(parents=True, exist_ok=True)
    total_max = float(course.quiz.total_points)
    max_scores = [float(course.quiz.points_per_item)] * len(data.slots)
    analysis: QuizAnalysis = analyse([list(r) for r in data.matrix], max_scores)  # whole quiz, by position
    items = per_item(data.drawn, data.matrix, float(course.quiz.points_per_item))  # each bank item, where drawn

    # 1. Score distribution
    percents = [100 * t / total_max for t in data.totals]
    passed = sum(p >= 100 * course.quiz.pass_mark - 1e-9 for p in percents)
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist(percents, bins=range(0, 101, 10), color="#5b7fa6", edgecolor="white")
    ax.axvline(100 * course.quiz.pass_mark, color="black", linestyle="--", label="pass mark")
    ax.set_xlabel("Score (% of all points)")
    ax.set_ylabel("Learners")
    ax.legend()
    dist_png = _png(fig)
    plt.close(fig)
    _write_csv(out_dir / "scores.csv", ["learner", "score", "max_score", "percent", "passed"],
               [[s, t, total_max, round(p, 1), "yes" if p >= 100 * course.quiz.pass_mark - 1e-9 else "no"]
                for s, t, p in zip(data.students, data.totals, percents, strict=False)])

    # 2. Mastery per learning objective (share of that objective's questions answered right)
    by_lo: dict[str, list[int]] = defaultdict(list)
    for j, (_slot, objective) in enumerate(course.quiz.slots):
        by_lo[objective].append(j)
    los = sorted(by_lo, key=lambda lo: int(lo[2:]))
    mastery = [100 * sum(r[j] for r in data.matrix for j in by_lo[lo])
               / (len(data.matrix) * len(by_lo[lo]) * course.quiz.points_per_item) for lo in los]
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar(los, mastery, color="#5b7fa6")
    ax.set_ylim(0, 100)
    ax.set_ylabel("Right answers (%)")
    for x, y in zip(los, mastery, strict=False):
        ax.text(x, y + 2, f"{y:.0f}", ha="center", fontsize=8)
    lo_png = _png(fig)
    plt.close(fig)
    _write_csv(out_dir / "mastery.csv", ["objective", "questions", "percent_right"],
               [[lo, len(by_lo[lo]), round(m, 1)] for lo, m in zip(los, mastery, strict=False)])

    # 3. Item analysis: per bank item, over the learners whose paper drew it
    rows = []
    for item_id, st in items.items():
        rows.append([item_id, course.bank.item(item_id).objective, st.attempts, _fmt(st.facility), _fmt(st.sd),
                     _fmt(st.discrimination_index), _fmt(st.discriminative_efficiency),
                     "yes" if st.flagged else "no"])
    header = ["item", "objective", "learners", "facility_%", "sd_%", "discrimination_index",
              "discriminative_efficiency_%", "flag_below_15"]
    _write_csv(out_dir / "items.csv", header, rows)
    t = analysis.test
    test_rows = [
        ["attempts", t.attempts], ["mean_%", _fmt(t.percent(t.mean))], ["median_%", _fmt(t.percent(t.median))],
        ["sd_%", _fmt(t.percent(t.sd))], ["cronbach_alpha_%", _fmt(t.cic)], ["error_ratio_%", _fmt(t.error_ratio)],
        ["standard_error_%", _fmt(t.percent(t.standard_error))],
    ]
    _write_csv(out_dir / "test.csv", ["statistic", "value"], test_rows)
    fig, ax = plt.subplots(figsize=(7, 3))
    facilities = [st.facility or 0 for st in items.values()]
    colours = ["#b35c00" if st.flagged else "#5b7fa6" for st in items.values()]
    hatches = ["//" if st.flagged else "" for st in items.values()]  # flagged: not by colour alone
    ax.bar(range(len(items)), facilities, color=colours, hatch=hatches)
    ax.set_xticks(range(len(items)), list(items), rotation=90, fontsize=7)
    ax.set_ylabel("Facility (%)")
    item_png = _png(fig)
    plt.close(fig)

    # 4. Learning gain (pre-test against quiz), and the evaluation; both also by participant profile
    records = list(read_all(course).values())
    evaluation = load_evaluation()
    profile_of = profiles(evaluation, records)
    pre = {s: r.scores for s, r in read_pretests(course).items()}
    post = post_scores(course, data.students, data.matrix)
    gain_html = gain_section(course, pre, post, lambda learners: breakdown(evaluation, profile_of, learners),
                             out_dir, _png, _write_csv)

    esc = html.escape
    table = "".join("<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    tests = "".join(f"<tr><th>{esc(k)}</th><td>{esc(str(v))}</td></tr>" for k, v in test_rows)
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{esc(course.quiz.title)} — cohort report</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:auto;padding:1em}}
td,th{{padding:.2em .6em;border-bottom:1px solid #ccc}}</style>
</head><body><h1>{esc(course.quiz.title)} — cohort report</h1>
<p>{len(data.students)} learners graded; {passed} at or above the pass mark ({course.quiz.pass_percent} %).
Figures as CSV: scores.csv, mastery.csv, items.csv, test.csv.</p>
<h2>Score distribution</h2>
<img alt="Histogram of learners' scores in percent, with the pass mark marked" src="data:image/png;base64,{dist_png}">
<h2>Mastery per learning objective</h2>
<img alt="Bar chart: percent of right answers per learning objective" src="data:image/png;base64,{lo_png}">
<h2>Item analysis</h2>
<p>As in Moodle's quiz statistics for random questions: each bank item is measured on the learners whose
paper drew it (column "learners"), whatever question number it had. Items whose discriminative efficiency is
below 15 % are flagged: review their wording and options. Cronbach's alpha ("Whole quiz") is computed by
question position.</p>
<img alt="Bar chart: facility per bank item; flagged items hatched, in orange" src="data:image/png;base64,{item_png}">
<table><thead><tr>{''.join(f'<th>{esc(h)}</th>' for h in header)}</tr></thead><tbody>{table}</tbody></table>
<h2>Whole quiz</h2><table>{tests}</table>
{gain_html}
{evaluation_section(records, out_dir, _png, _write_csv)}</body></html>"""
    path = out_dir / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
