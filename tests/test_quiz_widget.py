"""The quiz's click-to-answer control, headless: what it sends to the browser, and silence during grading."""

from __future__ import annotations

import subprocess
import sys

from ssr_widgets.quiz import choose


def test_choose_builds_a_labelled_control():
    w = choose("answer_q03", ["Police", "Parliament", "A football club"], multiple=True, label="Question 3")
    assert (w.answer_id, w.question_label, w.letters, w.multiple) == ("answer_q03", "Question 3", ["A", "B", "C"],
                                                                      True)
    assert w.options == ["Police", "Parliament", "A football club"]
    assert "setSource" in w._esm and "context.save()" in w._esm  # the click is written into the file


def test_nothing_is_shown_or_imported_while_nbgrader_grades(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert choose("answer_q01", ["A", "B"]) is None
    code = ("import sys; from ssr_widgets.quiz import choose; choose('answer_q01', ['x', 'y']); "
            "print(sorted(m for m in ('anywidget', 'ipywidgets', 'pydantic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"NBGRADER_EXECUTION": "autograde", "PATH": ""}).stdout.strip()
    assert out == "[]", f"grading imports widget libraries: {out}"
