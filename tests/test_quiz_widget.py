"""The quiz's click-to-answer control, headless: what it sends to the browser, and silence during grading."""

from __future__ import annotations

import subprocess
import sys

from ssr_grader.quiz.papers import learner_draw
from ssr_widgets.quiz import choose

from .quiz_helpers import make_course, paper


def test_choose_builds_a_labelled_control():
    w = choose("answer_s03", ["Police", "Parliament", "A football club"], multiple=True, label="Question 3")
    assert (w.answer_id, w.question_label, w.letters, w.multiple) == ("answer_s03", "Question 3", ["A", "B", "C"],
                                                                      True)
    assert w.options == ["Police", "Parliament", "A football club"]
    assert "setSource" in w._esm and "context.save()" in w._esm  # the click is written into the file


def test_each_learners_paper_sends_their_own_options_in_their_own_order(tmp_path):
    course = make_course(tmp_path / "course")
    sent = {}
    for student in ("amina", "bo"):
        draw = learner_draw(course, student)
        controls = [c for c in paper(course, student).cells if c.metadata.get("ssr_quiz", {}).get("part") == "control"]
        assert len(controls) == len(draw.slots)
        for cell, slot in zip(controls, draw.slots, strict=True):
            w = eval(cell.source, {"choose": choose})  # noqa: S307 - our own generated control cell
            assert (w.answer_id, w.question_label, w.multiple) == (slot.answer_id, f"Question {slot.number}",
                                                                   slot.item.multiple)
            assert list(zip(w.letters, w.options, strict=True)) == [(letter, o.text) for letter, o in slot.options()]
            assert slot.item.id not in cell.source  # the bank item is not named on the paper
        sent[student] = [(w.answer_id, tuple(w.options)) for w in
                         (eval(c.source, {"choose": choose}) for c in controls)]  # noqa: S307
    assert sent["amina"] != sent["bo"]  # two learners, two papers


def test_nothing_is_shown_or_imported_while_nbgrader_grades(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert choose("answer_s01", ["A", "B"]) is None
    code = ("import sys; from ssr_widgets.quiz import choose; choose('answer_s01', ['x', 'y']); "
            "print(sorted(m for m in ('anywidget', 'ipywidgets', 'pydantic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"NBGRADER_EXECUTION": "autograde", "PATH": ""}).stdout.strip()
    assert out == "[]", f"grading imports widget libraries: {out}"
