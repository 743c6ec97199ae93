"""Quiz item analysis with the same definitions as Moodle's quiz statistics report.

Why Moodle's definitions: trainers who already read Moodle's report should be able to read ours
the same way, and the figures should agree with Moodle's for the same attempts. The definitions
come from the Moodle developer page "Quiz statistics calculations"
(https://docs.moodle.org/dev/Quiz_statistics_calculations), its companion "Quiz item analysis
calculations in practice" (https://docs.moodle.org/310/en/Development:Quiz_item_analysis_calculations_in_practice),
and the user-facing meanings on "Quiz report statistics"
(https://docs.moodle.org/28/en/Development:Quiz_report_statistics). Where the pages leave a detail
open, we follow the code those pages document: ``question/classes/statistics/questions/calculator.php``
(item statistics) and ``mod/quiz/report/statistics/classes/calculator.php`` (test statistics), in
moodle/moodle.

Notation (the doc page's): attempts s = 1..S, items (positions) i = 1..p, x_i(s) the mark of
attempt s on item i, T(s) = sum_i x_i(s) its total, X_i(s) = T(s) - x_i(s) the "rest of the test".

* Every variance and covariance divides by S - 1 (sample estimates), never by S. In Moodle's
  calculator: ``markvariance = markvariancesum / (s - 1)``, ``sd = sqrt(markvariancesum / (s - 1))``,
  ``standarddeviation = sqrt(power2 / (s - 1))``. Skewness and kurtosis use the moments m_k (divided
  by S) turned into the unbiased cumulants k2, k3, k4, as the "in practice" page shows.
* Facility index F = 100 * mean(x_i) / max_i.
* SD = 100 * sd(x_i) / max_i (Moodle shows the item SD as a percentage of the item's max mark).
* Discrimination index D = 100 * C(x_i, X_i) / sqrt(V(x_i) * V(X_i)): the Pearson correlation between
  the item and the rest of the test (not the whole test, so the item is not correlated with itself).
* Discriminative efficiency DE = 100 * C(x_i, X_i) / C_max, where C_max is the covariance obtained by
  pairing the item marks sorted in ascending order with the rest-of-test marks sorted in ascending
  order: the largest covariance the two observed distributions allow.  Moodle marks a question
  whose DE is below 15 % as dubious; the threshold here is a parameter.
* Coefficient of internal consistency CIC = 100 * p / (p - 1) * (1 - sum_i V(x_i) / V(T))
  (Cronbach's alpha as a percentage), error ratio ER = 100 * sqrt(1 - CIC / 100), standard error
  SE = ER / 100 * SD(T).

Degenerate cases give ``None`` (never NaN, never an exception): no attempts; fewer than 2 attempts for
anything that needs a variance; an item or a rest-of-test score with zero variance (D and DE are then
undefined); total scores that are all equal. As in Moodle, skewness, CIC, ER and SE need at least 3
attempts and kurtosis at least 4, and CIC needs at least 2 items.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["DE_FLAG_BELOW", "ItemStats", "QuizAnalysis", "QuizStats", "analyse", "item_stats", "per_item", "quiz_stats"]

# Moodle's statistics table marks a question as dubious when its discriminative efficiency is below 15 %.
DE_FLAG_BELOW = 15.0


@dataclass(frozen=True)
class ItemStats:
    """Statistics for one item (question position), all percentages on a 0-100 scale."""

    index: int  # 0-based position of the item in each score row
    max_score: float
    attempts: int
    mean: float | None  # mean mark, in the item's own marks
    facility: float | None  # F, % of max
    sd: float | None  # SD of the mark as % of max (sample SD, n - 1)
    discrimination_index: float | None  # D, item / rest-of-test correlation x 100
    discriminative_efficiency: float | None  # DE, covariance / max possible covariance x 100
    flagged: bool  # DE below the threshold; False when DE is undefined, as in Moodle


@dataclass(frozen=True)
class QuizStats:
    """Statistics of total scores, in marks (``max_total`` is the quiz's maximum total)."""

    attempts: int
    items: int
    max_total: float
    mean: float | None
    median: float | None
    sd: float | None  # sample SD of totals (n - 1)
    skewness: float | None
    kurtosis: float | None  # excess kurtosis (0 for a normal distribution)
    cic: float | None  # coefficient of internal consistency = Cronbach's alpha x 100
    error_ratio: float | None  # ER = 100 * sqrt(1 - alpha)
    standard_error: float | None  # SE = ER / 100 * SD, in marks

    def percent(self, value: float | None) -> float | None:
        """A figure in marks as a % of the maximum total, the way Moodle displays mean, median, SD and SE."""
        if value is None or self.max_total == 0:
            return None
        return 100.0 * value / self.max_total


@dataclass(frozen=True)
class QuizAnalysis:
    items: tuple[ItemStats, ...]
    test: QuizStats

    def flagged(self) -> tuple[ItemStats, ...]:
        return tuple(item for item in self.items if item.flagged)


def _constant(values: Sequence[float]) -> bool:
    """Zero variance, decided exactly (no float tolerance): every value is the same."""
    return len(values) == 0 or min(values) == max(values)


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _sample_cov(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Covariance with the n - 1 divisor, as Moodle's ``covariancesum / (s - 1)``."""
    mx, my = _mean(xs), _mean(ys)
    return math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (len(xs) - 1)


def item_stats(
    item: Sequence[float], rest: Sequence[float], max_score: float, index: int = 0, *, flag_below: float = DE_FLAG_BELOW
) -> ItemStats:
    """Moodle's per-item statistics from the item's marks and each attempt's rest-of-test marks.

    See https://docs.moodle.org/dev/Quiz_statistics_calculations (position statistics) and Moodle's
    ``core_question\\statistics\\questions\\calculator::secondary_question_walker``.
    """
    n = len(item)
    if len(rest) != n:
        raise ValueError("item and rest must have one mark per attempt")
    mean = _mean(item) if n else None
    facility = 100.0 * mean / max_score if mean is not None and max_score != 0 else None
    sd = di = de = None
    if n >= 2:
        var_item = _sample_cov(item, item)
        if max_score != 0:
            sd = 100.0 * math.sqrt(var_item) / max_score
        if not _constant(item) and not _constant(rest):
            cov = _sample_cov(item, rest)
            di = 100.0 * cov / math.sqrt(var_item * _sample_cov(rest, rest))
            # Max covariance: both lists sorted ascending and paired in that order (Moodle sorts
            # markarray and othermarksarray with SORT_NUMERIC, then pairs them with array_shift).
            cov_max = _sample_cov(sorted(item), sorted(rest))
            # By the rearrangement inequality cov_max >= |cov| > 0 once neither list is constant.
            de = 100.0 * cov / cov_max if cov_max > 0 else None
    flagged = de is not None and de < flag_below
    return ItemStats(index, float(max_score), n, mean, facility, sd, di, de, flagged)


def quiz_stats(totals: Sequence[float], item_variances: Sequence[float | None], max_total: float) -> QuizStats:
    """Moodle's whole-test statistics from each attempt's total and each item's sample variance.

    ``item_variances`` has one entry per item (``None`` allowed when there are fewer than 2 attempts).

    See https://docs.moodle.org/dev/Quiz_statistics_calculations#Test_statistics and
    ``quiz_statistics\\calculator::calculate``: SD = sqrt(sum (T - mean)^2 / (S - 1)); m_k = sum (T - mean)^k / S;
    k2 = S m2 / (S - 1); k3 = S^2 m3 / ((S - 1)(S - 2)); k4 = S^2 ((S + 1) m4 - 3 (S - 1) m2^2) / ((S - 1)(S - 2)(S - 3));
    skewness = k3 / k2^(3/2); kurtosis = k4 / k2^2; CIC = 100 p / (p - 1) (1 - sum V(x_i) / k2).
    """
    s, p = len(totals), len(item_variances)
    mean = _mean(totals) if s else None
    median = statistics.median(totals) if s else None
    sd = skew = kurt = cic = er = se = None
    if s >= 2:
        power2 = math.fsum((t - mean) ** 2 for t in totals)
        sd = math.sqrt(power2 / (s - 1))
        if s >= 3 and not _constant(totals):
            m2 = power2 / s
            m3 = math.fsum((t - mean) ** 3 for t in totals) / s
            m4 = math.fsum((t - mean) ** 4 for t in totals) / s
            k2 = s * m2 / (s - 1)
            k3 = s * s * m3 / ((s - 1) * (s - 2))
            skew = k3 / k2**1.5
            if s >= 4:
                k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
                kurt = k4 / (k2 * k2)
            if p >= 2 and all(v is not None for v in item_variances):
                cic = 100.0 * p / (p - 1) * (1.0 - math.fsum(item_variances) / k2)
                # alpha <= 1 in exact arithmetic; clamp rounding noise so sqrt never sees a negative.
                er = 100.0 * math.sqrt(max(0.0, 1.0 - cic / 100.0))
                se = er * sd / 100.0
    return QuizStats(s, p, float(max_total), mean, median, sd, skew, kurt, cic, er, se)


def analyse(
    scores: Sequence[Sequence[float]], max_scores: Sequence[float], *, flag_below: float = DE_FLAG_BELOW
) -> QuizAnalysis:
    """Item analysis of a quiz, as Moodle's quiz statistics report computes it.

    ``scores`` holds one row per attempt (learner) with that attempt's mark on each item, in the same
    order as ``max_scores`` (each item's maximum mark; items may have different maxima and marks
    may be fractional or negative, as the Moodle page allows). An attempt's total is the sum of its
    row. ``flag_below`` is the discriminative-efficiency threshold (Moodle: 15 %).

    Reference: https://docs.moodle.org/dev/Quiz_statistics_calculations
    """
    p = len(max_scores)
    if p == 0:
        raise ValueError("a quiz needs at least one item")
    if any(m < 0 for m in max_scores):
        raise ValueError("max scores must not be negative")
    rows = [list(row) for row in scores]
    for number, row in enumerate(rows, start=1):
        if len(row) != p:
            raise ValueError(f"attempt {number} has {len(row)} item scores, expected {p}")
    totals = [math.fsum(row) for row in rows]
    items = []
    for i, max_score in enumerate(max_scores):
        column = [row[i] for row in rows]
        # The rest of the test is summed from the other items (not total - x_i), so that a constant
        # rest score is detected exactly even with fractional marks.
        rest = [math.fsum(row[:i] + row[i + 1 :]) for row in rows]
        items.append(item_stats(column, rest, max_score, i, flag_below=flag_below))
    columns = [[row[i] for row in rows] for i in range(p)]
    variances = [_sample_cov(col, col) if len(rows) >= 2 else None for col in columns]
    return QuizAnalysis(tuple(items), quiz_stats(totals, variances, math.fsum(max_scores)))


def per_item(
    drawn: Sequence[Sequence[str]], scores: Sequence[Sequence[float]], max_score: float, *,
    flag_below: float = DE_FLAG_BELOW,
) -> dict[str, ItemStats]:
    """Statistics of each bank item, over the attempts whose paper drew it, whatever slot it filled.

    ``drawn[s][i]`` is the item attempt ``s`` got in slot ``i`` and ``scores[s][i]`` its mark there
    (all slots worth ``max_score``). As Moodle does for a random question, an item is measured only
    on the attempts that saw it, against the rest of each of those attempts' tests.
    """
    seen: dict[str, tuple[list[float], list[float]]] = {}
    for items, row in zip(drawn, scores, strict=True):
        for i, (item_id, mark) in enumerate(zip(items, row, strict=True)):
            marks, rest = seen.setdefault(item_id, ([], []))
            marks.append(mark)
            rest.append(math.fsum([*row[:i], *row[i + 1:]]))
    return {item_id: item_stats(marks, rest, max_score, flag_below=flag_below)
            for item_id, (marks, rest) in sorted(seen.items())}
