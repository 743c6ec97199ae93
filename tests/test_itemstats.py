"""Quiz item analysis: every figure of a small cohort worked out by hand, Moodle's definitions, degenerate cases.

Definitions: https://docs.moodle.org/dev/Quiz_statistics_calculations (see ssr_grader/itemstats.py).
All variances and covariances below divide by n - 1 = 5, as Moodle does.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from fractions import Fraction as Fr

import pytest

from ssr_grader.reports.itemstats import DE_FLAG_BELOW, analyse

approx = pytest.approx

# Six learners, four 0/1 items (max mark 1 each, quiz max 4).
#
#   learner  Q1 Q2 Q3 Q4 | total
#      A      1  1  1  1 |   4
#      B      1  1  1  0 |   3
#      C      1  1  0  0 |   2
#      D      1  0  1  0 |   2
#      E      0  1  0  0 |   1
#      F      0  0  0  1 |   1
COHORT = [
    [1, 1, 1, 1],
    [1, 1, 1, 0],
    [1, 1, 0, 0],
    [1, 0, 1, 0],
    [0, 1, 0, 0],
    [0, 0, 0, 1],
]
MAX = [1, 1, 1, 1]

# ---------------------------------------------------------------------------------------------------------------------
# Q1: x = 1 1 1 1 0 0, mean 4/6 = 2/3 -> F = 66.67 %.
#   deviations +1/3 (x4), -2/3 (x2); sum of squares 4/9 + 8/9 = 4/3; V = (4/3)/5 = 4/15; SD = sqrt(4/15) = 0.5164 -> 51.64 %.
#   rest X = total - x = 3 2 1 1 1 1, mean 9/6 = 3/2; deviations 3/2, 1/2, -1/2 (x4);
#   sum of squares 9/4 + 1/4 + 4 * 1/4 = 7/2; V(X) = 7/10.
#   sum of dx*dX = (1/3)(3/2) + (1/3)(1/2) + 2 * (1/3)(-1/2) + 2 * (-2/3)(-1/2) = 1/2 + 1/6 - 1/3 + 2/3 = 1; C = 1/5.
#   D = 100 * (1/5) / sqrt(4/15 * 7/10) = 100 * 0.2 / 0.43205 = 46.29.
#   Max covariance: x sorted 0 0 1 1 1 1 paired with X sorted 1 1 1 1 2 3 gives the pairs
#   (0,1) (0,1) (1,1) (1,1) (1,2) (1,3), the same pairs as observed, so Cmax = C = 1/5 and DE = 100.
#
# Q2: x = 1 1 1 0 1 0, mean 2/3 -> F = 66.67 %, V = 4/15 (same pattern as Q1), SD 51.64 %.
#   rest X = 3 2 1 2 0 1, mean 3/2; deviations 3/2, 1/2, -1/2, 1/2, -3/2, -1/2; sum of squares 22/4 -> V(X) = 11/10.
#   dx = 1/3 1/3 1/3 -2/3 1/3 -2/3; sum of dx*dX = 1/2 + 1/6 - 1/6 - 1/3 - 1/2 + 1/3 = 0 -> C = 0, D = 0.
#   Max covariance: x sorted 0 0 1 1 1 1 (dx -2/3 -2/3 1/3 1/3 1/3 1/3)
#   with X sorted 0 1 1 2 2 3 (dX -3/2 -1/2 -1/2 1/2 1/2 3/2):
#   1 + 1/3 - 1/6 + 1/6 + 1/6 + 1/2 = 2 -> Cmax = 2/5; DE = 0 / (2/5) = 0 -> flagged (< 15).
#
# Q3: x = 1 1 0 1 0 0, mean 1/2 -> F = 50 %; deviations +-1/2, sum of squares 6/4 -> V = 3/10; SD = sqrt(0.3) -> 54.77 %.
#   rest X = 3 2 2 1 1 1, mean 10/6 = 5/3; deviations 4/3 1/3 1/3 -2/3 -2/3 -2/3;
#   sum of squares (16 + 1 + 1 + 3 * 4)/9 = 10/3 -> V(X) = 2/3.
#   sum of dx*dX = 2/3 + 1/6 - 1/6 - 1/3 + 1/3 + 1/3 = 1 -> C = 1/5;
#   D = 100 * 0.2 / sqrt(0.3 * 2/3) = 100 * sqrt(0.2) = 44.72.
#   Max covariance: x sorted 0 0 0 1 1 1 (dx -1/2 x3, +1/2 x3) with X sorted 1 1 1 2 2 3 (dX -2/3 x3, 1/3 1/3 4/3):
#   3 * 1/3 + 2 * 1/6 + 2/3 = 2 -> Cmax = 2/5; DE = (1/5)/(2/5) = 50.
#
# Q4: x = 1 0 0 0 0 1, mean 1/3 -> F = 33.33 %; deviations 2/3 -1/3 -1/3 -1/3 -1/3 2/3; sum of squares 8/9 + 4/9 = 4/3
#   -> V = 4/15, SD 51.64 %.
#   rest X = 3 3 2 2 1 0, mean 11/6; deviations 7/6 7/6 1/6 1/6 -5/6 -11/6; sum of squares (49+49+1+1+25+121)/36 = 41/6
#   -> V(X) = 41/30.
#   sum of dx*dX = (14 - 7 - 1 - 1 + 5 - 22)/18 = -12/18 = -2/3 -> C = -2/15;
#   D = 100 * (-2/15) / sqrt(4/15 * 41/30) = -13.333 / 0.60369 = -22.09.
#   Max covariance: x sorted 0 0 0 0 1 1 (dx -1/3 x4, 2/3 x2) with X sorted 0 1 2 2 3 3 (dX -11/6 -5/6 1/6 1/6 7/6 7/6):
#   (11 + 5 - 1 - 1 + 14 + 14)/18 = 42/18 = 7/3 -> Cmax = 7/15; DE = (-2/15)/(7/15) = -2/7 = -28.57 -> flagged.
# ---------------------------------------------------------------------------------------------------------------------
HAND_ITEMS = [
    # facility, SD %, D, DE, flagged
    (200 / 3, 100 * math.sqrt(4 / 15), 100 * (1 / 5) / math.sqrt(4 / 15 * 7 / 10), 100.0, False),
    (200 / 3, 100 * math.sqrt(4 / 15), 0.0, 0.0, True),
    (50.0, 100 * math.sqrt(3 / 10), 100 * math.sqrt(0.2), 50.0, False),
    (100 / 3, 100 * math.sqrt(4 / 15), 100 * (-2 / 15) / math.sqrt(4 / 15 * 41 / 30), -200 / 7, True),
]
# The same figures as decimals, so a wrong formula cannot hide behind an identical expression above.
HAND_ITEMS_ROUNDED = [
    (66.67, 51.64, 46.29, 100.0),
    (66.67, 51.64, 0.0, 0.0),
    (50.0, 54.77, 44.72, 50.0),
    (33.33, 51.64, -22.09, -28.57),
]

# ---------------------------------------------------------------------------------------------------------------------
# Totals T = 4 3 2 2 1 1; mean 13/6 = 2.1667; median (2 + 2)/2 = 2.
#   deviations 11/6 5/6 -1/6 -1/6 -7/6 -7/6
#   sum of squares (121 + 25 + 1 + 1 + 49 + 49)/36 = 246/36 = 41/6 -> V(T) = 41/30 = 1.3667;
#   SD = sqrt(41/30) = 1.1690 (29.23 % of 4).
#   sum of cubes (1331 + 125 - 1 - 1 - 343 - 343)/216 = 768/216 = 32/9
#   sum of 4th powers (14641 + 625 + 1 + 1 + 2401 + 2401)/1296 = 20070/1296 = 1115/72
#   m2 = 41/36, m3 = (32/9)/6 = 16/27, m4 = (1115/72)/6 = 1115/432
#   k2 = 6 m2 / 5 = 41/30; k3 = 36 m3 / (5 * 4) = 16/15; skewness = (16/15) / (41/30)^1.5 = 0.6676
#   k4 = 36 (7 m4 - 3 * 5 * m2^2) / (5 * 4 * 3) = 36 (23415/1296 - 25215/1296) / 60 = 36 * (-25/18) / 60 = -5/6
#   kurtosis = (-5/6) / (41/30)^2 = -750/1681 = -0.4462
# Cronbach's alpha: sum of item variances 4/15 + 4/15 + 3/10 + 4/15 = 11/10;
#   alpha = 4/3 * (1 - (11/10)/(41/30)) = 4/3 * (1 - 33/41) = 4/3 * 8/41 = 32/123 = 0.2602 -> CIC 26.02 %
#   ER = 100 sqrt(1 - 32/123) = 100 sqrt(91/123) = 86.01 %; SE = 0.8601 * 1.1690 = 1.0055 marks (25.14 % of 4).
# ---------------------------------------------------------------------------------------------------------------------
HAND_ALPHA = Fr(32, 123)
HAND_SD = math.sqrt(41 / 30)


def test_cohort_items_match_the_hand_calculation():
    result = analyse(COHORT, MAX)
    assert len(result.items) == 4
    for item, (facility, sd, d, de, flagged), rounded in zip(result.items, HAND_ITEMS, HAND_ITEMS_ROUNDED, strict=True):
        assert item.attempts == 6 and item.max_score == 1
        assert item.facility == approx(facility)
        assert item.sd == approx(sd)
        assert item.discrimination_index == approx(d, abs=1e-9)
        assert item.discriminative_efficiency == approx(de, abs=1e-9)
        assert item.flagged is flagged
        got = (item.facility, item.sd, item.discrimination_index, item.discriminative_efficiency)
        assert got == approx(rounded, abs=0.005)
    assert result.items[0].mean == approx(2 / 3) and result.items[3].mean == approx(1 / 3)
    assert [item.index for item in result.flagged()] == [1, 3]


def test_cohort_test_statistics_match_the_hand_calculation():
    test = analyse(COHORT, MAX).test
    assert (test.attempts, test.items, test.max_total) == (6, 4, 4)
    assert test.mean == approx(13 / 6)
    assert test.median == approx(2)
    assert test.sd == approx(HAND_SD)
    assert test.skewness == approx((16 / 15) / (41 / 30) ** 1.5)
    assert test.skewness == approx(0.6676, abs=5e-5)
    assert test.kurtosis == approx(-750 / 1681)
    assert test.cic == approx(100 * float(HAND_ALPHA))
    assert test.cic == approx(26.02, abs=0.005)
    assert test.error_ratio == approx(100 * math.sqrt(91 / 123))
    assert test.error_ratio == approx(86.01, abs=0.005)
    assert test.standard_error == approx(math.sqrt(91 / 123) * HAND_SD)
    assert test.percent(test.standard_error) == approx(25.14, abs=0.005)
    assert test.percent(test.mean) == approx(100 * 13 / 24)


def test_moodle_uses_n_minus_1():
    # With n in the divisor the SD of Q3 would be sqrt(1/4) = 50 %, not sqrt(3/10) = 54.77 %.
    q3 = analyse(COHORT, MAX).items[2]
    assert q3.sd == approx(100 * statistics.stdev([1, 1, 0, 1, 0, 0]))
    assert q3.sd != approx(100 * statistics.pstdev([1, 1, 0, 1, 0, 0]))
    assert analyse(COHORT, MAX).test.sd == approx(statistics.stdev([4, 3, 2, 2, 1, 1]))


def test_discrimination_index_is_the_item_rest_correlation():
    # A second route: the standard library's Pearson correlation of the item with the rest of the test.
    result = analyse(COHORT, MAX)
    for i, item in enumerate(result.items):
        column = [row[i] for row in COHORT]
        rest = [sum(row) - row[i] for row in COHORT]
        assert item.discrimination_index == approx(100 * statistics.correlation(column, rest), abs=1e-9)


def _alpha_from_covariance_matrix(rows) -> Fr:
    """Cronbach's alpha the textbook way from the item covariance matrix, in exact fractions.

    alpha = p/(p-1) * (sum of the off-diagonal covariances) / (sum of all entries), where the sum of all entries is the
    variance of the total. Covariances by the raw-sums formula (sum xy - n mean_x mean_y)/(n - 1), not by deviations.
    """
    n, p = len(rows), len(rows[0])
    sums = [Fr(sum(row[j] for row in rows)) for j in range(p)]
    cov = [
        [(Fr(sum(row[j] * row[k] for row in rows)) - sums[j] * sums[k] / n) / (n - 1) for k in range(p)] for j in range(p)
    ]
    total = sum(sum(line) for line in cov)
    off_diagonal = total - sum(cov[j][j] for j in range(p))
    return Fr(p, p - 1) * off_diagonal / total


def test_alpha_cross_checked_against_the_covariance_matrix():
    assert _alpha_from_covariance_matrix(COHORT) == HAND_ALPHA
    assert analyse(COHORT, MAX).test.cic == approx(100 * float(_alpha_from_covariance_matrix(COHORT)))
    # And on a less tidy matrix with partial marks and different maxima.
    rows = [[2, 0.5, 1], [1.5, 1, 0], [0, 0, 1], [2, 1, 1], [1, 0.5, 0], [0.5, 0, 0], [2, 1, 1]]
    alpha = _alpha_from_covariance_matrix([[Fr(x) for x in row] for row in rows])
    assert analyse(rows, [2, 1, 1]).test.cic == approx(100 * float(alpha))


def test_flag_threshold_is_a_parameter():
    assert DE_FLAG_BELOW == 15.0
    assert [i.index for i in analyse(COHORT, MAX, flag_below=60).flagged()] == [1, 2, 3]  # DE 0, 50, -28.6
    assert [i.index for i in analyse(COHORT, MAX, flag_below=0).flagged()] == [3]  # only the negative DE


def test_items_with_different_max_marks_are_scaled_per_item():
    # Q1 marked out of 2 instead of 1: F, SD % and DE of Q1 do not change (scale-free), and neither does D of Q1,
    # whose rest of test is unchanged.
    doubled = [[2 * row[0], *row[1:]] for row in COHORT]
    base, scaled = analyse(COHORT, MAX).items[0], analyse(doubled, [2, 1, 1, 1]).items[0]
    assert scaled.max_score == 2 and scaled.mean == approx(4 / 3)
    for field in ("facility", "sd", "discrimination_index", "discriminative_efficiency"):
        assert getattr(scaled, field) == approx(getattr(base, field))
    assert analyse(doubled, [2, 1, 1, 1]).test.max_total == 5
    # Partial marks: marks 2, 0.5, 1 out of 2 -> mean 3.5/3, F = 100 * (3.5/3)/2 = 58.33 %.
    item = analyse([[2, 1], [0.5, 0], [1, 1]], [2, 1]).items[0]
    assert item.facility == approx(100 * 3.5 / 6)


# ---------------------------------------------------------------------------------------------------------------------
# Degenerate cases: None, never NaN, never an exception.
# ---------------------------------------------------------------------------------------------------------------------


def _no_nan(result):
    for record in (*result.items, result.test):
        for field in dataclasses.fields(record):
            value = getattr(record, field.name)
            assert not (isinstance(value, float) and (math.isnan(value) or math.isinf(value))), field.name


def test_no_attempts():
    result = analyse([], [1, 1])
    _no_nan(result)
    assert result.test.attempts == 0 and result.test.mean is None and result.test.median is None
    assert result.test.sd is None and result.test.cic is None
    for item in result.items:
        assert (item.mean, item.facility, item.sd, item.discrimination_index, item.discriminative_efficiency) == (None,) * 5
        assert item.flagged is False


def test_one_attempt():
    result = analyse([[1, 0, 1]], [1, 1, 1])
    _no_nan(result)
    assert [i.facility for i in result.items] == [100.0, 0.0, 100.0]
    assert all(i.sd is None and i.discrimination_index is None and i.discriminative_efficiency is None for i in result.items)
    test = result.test
    assert (test.mean, test.median) == (2, 2)
    assert (test.sd, test.skewness, test.kurtosis, test.cic, test.error_ratio, test.standard_error) == (None,) * 6


def test_two_and_three_attempts_follow_moodle_minimums():
    two = analyse([[1, 0], [0, 0]], [1, 1]).test  # SD needs 2 attempts; skewness and CIC need 3 in Moodle
    assert two.sd == approx(math.sqrt(0.5)) and two.skewness is None and two.cic is None
    three = analyse([[1, 1], [1, 0], [0, 0]], [1, 1]).test  # kurtosis needs 4
    assert three.skewness == approx(0.0, abs=1e-12) and three.kurtosis is None and three.cic is not None


@pytest.mark.parametrize("constant", [1, 0], ids=["everyone-right", "everyone-wrong"])
def test_item_with_zero_variance(constant):
    rows = [[constant, *row[1:]] for row in COHORT]
    result = analyse(rows, MAX)
    _no_nan(result)
    item = result.items[0]
    assert item.facility == 100.0 * constant and item.sd == 0.0
    assert item.discrimination_index is None and item.discriminative_efficiency is None and item.flagged is False
    # The other items and the test statistics are still computed (the zero variance simply adds 0 to alpha's sum).
    assert result.items[2].discrimination_index is not None and result.test.cic is not None


def test_rest_of_test_with_zero_variance():
    # Q2 is answered right by everyone, so Q1's rest of test is constant: no correlation is defined.
    result = analyse([[1, 1], [0, 1], [1, 1], [0, 1]], [1, 1])
    _no_nan(result)
    assert result.items[0].sd is not None
    assert result.items[0].discrimination_index is None and result.items[0].discriminative_efficiency is None
    # A one-item quiz: the rest of the test is always 0, and alpha needs at least two items.
    single = analyse([[1], [0], [1], [0]], [1])
    _no_nan(single)
    assert single.items[0].discrimination_index is None and single.test.cic is None and single.test.sd is not None


def test_equal_totals_give_no_higher_moments_or_alpha():
    result = analyse([[1, 0], [0, 1], [1, 0], [0, 1]], [1, 1])  # everyone scores 1
    _no_nan(result)
    test = result.test
    assert test.sd == 0.0
    assert (test.skewness, test.kurtosis, test.cic, test.error_ratio, test.standard_error) == (None,) * 5
    # Each item is perfectly anti-correlated with the other one.
    assert result.items[0].discrimination_index == approx(-100.0)
    assert result.items[0].discriminative_efficiency == approx(-100.0)


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="attempt 2 has 1 item scores, expected 2"):
        analyse([[1, 0], [1]], [1, 1])
    with pytest.raises(ValueError, match="at least one item"):
        analyse([[]], [])
    with pytest.raises(ValueError, match="negative"):
        analyse([[1]], [-1])
