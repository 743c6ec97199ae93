"""Answer checking: scores, completion and an explanation for every option or item."""

from __future__ import annotations

import pytest

from ssr_widgets.checking import check_choice, check_classify


def test_single_right(sample):
    fb = check_choice(sample.exercises["pick-one"], "a")
    assert fb.complete and fb.score == 1.0 and fb.summary == "Correct."
    assert len(fb.remarks) == 3  # every option explained, not only the chosen one
    assert [r.ok for r in fb.remarks] == [True, True, True]
    assert fb.remarks[1].why == "Donors support; they do not own the process."


def test_single_wrong_explains_the_chosen_and_the_right_option(sample):
    fb = check_choice(sample.exercises["pick-one"], {"b"})
    assert not fb.complete and fb.score == 0.0
    verdicts = [r.verdict for r in fb.remarks]
    assert verdicts == ["Missed: it is a right answer, and you did not choose it.",
                        "Not right: you chose it, but it is not a right answer.",
                        "Right to leave out: it is not a right answer."]
    # the mark (ok) agrees with the words: a wrong option left out is the learner's right call
    assert [r.ok for r in fb.remarks] == [False, False, True]


def test_nothing_chosen_asks_for_an_answer(sample):
    fb = check_choice(sample.exercises["pick-one"], None)
    assert not fb.complete and fb.remarks == () and "Choose an answer" in fb.summary


def test_multiple_partial_credit_and_penalty(sample):
    ex = sample.exercises["pick-many"]
    assert check_choice(ex, {"police", "parliament"}).complete
    partial = check_choice(ex, {"police"})
    assert partial.score == 0.5 and "1 of the 2 right answers" in partial.summary
    with_wrong = check_choice(ex, {"police", "football"})
    assert with_wrong.score == 0.0 and "1 that is not right" in with_wrong.summary


def test_unknown_option_is_an_error(sample):
    with pytest.raises(ValueError, match="unknown option id"):
        check_choice(sample.exercises["pick-one"], {"z"})


def test_classify_all_right(sample):
    fb = check_classify(sample.exercises["sort"], {"police": "providers", "parliament": "oversight", "football": "none"})
    assert fb.complete and fb.score == 1.0
    assert fb.remarks[0].verdict == "Right: Security providers."


def test_classify_mixed_names_both_boxes(sample):
    fb = check_classify(sample.exercises["sort"], {"police": "oversight", "parliament": "oversight"})
    assert not fb.complete and fb.score == pytest.approx(1 / 3)
    assert fb.remarks[0].verdict == "Not right: you chose Management and oversight. It belongs in: Security providers."
    assert fb.remarks[2].verdict.startswith("Not sorted yet")
    assert "1 of 3 items" in fb.summary and "1 is not sorted yet" in fb.summary
    assert fb.remarks[0].why == "Police provide security."


def test_classify_rejects_unknown_category(sample):
    with pytest.raises(ValueError, match="unknown category"):
        check_classify(sample.exercises["sort"], {"police": "army"})
