"""Click-to-answer controls for the graded quiz: a click is written into the notebook's answer cell.

nbgrader grades a fresh re-run of the submitted notebook file, so an answer only counts if it
is *in the file*. The browser side of this widget (``static/quiz_answer.js``) rewrites the
answer cell (``answer_qNN = "B"``) and saves the notebook; typing the same line by hand works
everywhere. This module knows nothing about right answers: the key lives only on the trainer side.

While nbgrader autogrades (``NBGRADER_EXECUTION`` is set) nothing is displayed and the widget
libraries are not even imported: grading never waits for a widget, and each graded notebook
starts faster.
"""

from __future__ import annotations

import functools
import os

from ._static import esm_source
from .translation import LANGUAGES, N_, UI_DOMAIN, _, translations

__all__ = ["TEXTS", "choose", "quiz_answer_class", "quiz_texts"]

#: Every text the control shows or a screen reader announces (``static/quiz_answer.js`` has none of its own).
#: Sent in the widget's ``texts`` trait, translated into the kernel's course language; the browser fills the
#: {placeholders}.
TEXTS = {
    "labelled": N_("{label}: {text}"),
    "choose_one": N_("choose one answer"),
    "choose_all": N_("choose all answers that apply"),
    "cannot_save": N_("This screen cannot save clicks. Type your answer in the answer cell below, between the quotes. "
                      "For example, if your answer is {letter}, the cell reads: {example}"),
    "no_cell": N_("The answer cell for {question} is missing. Ask your trainer for a fresh copy of the quiz."),
    "recorded": N_("Recorded answer: {letters}."),
    "none_recorded": N_("No answer recorded yet."),
    "saving": N_("Saving…"),
    "saved": N_("Saved. Recorded answer: {letters}."),
    "saved_none": N_("Saved. No answer recorded."),
    "not_saved": N_("Your answer is in the notebook but could not be saved to disk: {error}. "
                    "Save the notebook with Ctrl+S (Cmd+S on a Mac)."),
}


def quiz_texts(language: str | None = None) -> dict[str, str]:
    """The control's texts in ``language``, or in the course language of this kernel
    (:func:`ssr_widgets.translation.set_language`) when none is given."""
    if language is None:
        return {key: _(text) for key, text in TEXTS.items()}
    if language not in LANGUAGES:
        raise ValueError(f"unknown course language {language!r}: choose one of {', '.join(LANGUAGES)}")
    tr = translations(UI_DOMAIN, language)
    return {key: tr.gettext(text) for key, text in TEXTS.items()}


@functools.cache
def quiz_answer_class():
    """The anywidget class, built on first use so that autograding never imports widget libraries."""
    import anywidget
    import traitlets

    class QuizAnswer(anywidget.AnyWidget):
        """Radio buttons (one answer) or checkboxes (several) bound to one nbgrader answer cell."""

        _esm = esm_source("quiz_answer.js")
        answer_id = traitlets.Unicode(help="grade_id and variable name of the answer cell, e.g. answer_qNN").tag(
            sync=True
        )
        question_label = traitlets.Unicode(help="what the control is called, e.g. 'Question 7'").tag(sync=True)
        letters = traitlets.List(traitlets.Unicode(), help="option letters, in order").tag(sync=True)
        options = traitlets.List(traitlets.Unicode(), help="option texts, in the same order").tag(sync=True)
        multiple = traitlets.Bool(False, help="True: several answers may be ticked").tag(sync=True)
        prompt = traitlets.Unicode("", help="the question, shown in the control and read by screen readers").tag(
            sync=True
        )
        texts = traitlets.Dict(traitlets.Unicode(), help="the control's own texts, in the course language").tag(
            sync=True
        )

        @traitlets.default("texts")
        def _course_language_texts(self):
            return quiz_texts()

    return QuizAnswer


def choose(answer_id: str, options: list[str], *, multiple: bool = False, label: str | None = None,
           letters: list[str] | None = None, prompt: str = "", language: str | None = None):
    """Show the click-to-answer control for one quiz question.

    Parameters
    ----------
    answer_id : str
        The answer cell's nbgrader ``grade_id``, which is also its variable (``answer_qNN``).
    options : list of str
        The option texts; they are lettered A, B, C, ... in order.
    multiple : bool
        Whether several options may be chosen.
    label : str, optional
        Accessible name of the group, e.g. ``"Question 7"``.
    letters : list of str, optional
        One character per option, recorded in the answer cell (default A, B, C, ...; the course
        evaluation uses 1-5 for its rating scales).
    prompt : str, optional
        The question text, shown inside the control and tied to it for screen readers (the
        course evaluation uses it; the quiz shows its questions in Markdown).
    language : str, optional
        The language of the control's own texts ("Saving…", "Recorded answer…"): a French quiz paper gives
        ``"fr"`` in each control's cell, so its controls are French whichever cells the learner runs first (the
        paper has no ``set_language`` cell of its own: its setup cell is nbgrader's, locked). Default: the
        kernel's course language.

    Returns ``None`` while nbgrader autogrades (``NBGRADER_EXECUTION`` is set).
    """
    if os.environ.get("NBGRADER_EXECUTION"):
        return None
    texts = quiz_texts(language)  # an unknown language is an error before anything is shown
    if letters is None:
        letters = [chr(ord("A") + i) for i in range(len(options))]
    if len(letters) != len(options) or any(len(x) != 1 for x in letters) or len(set(letters)) != len(letters):
        raise ValueError(f"{answer_id}: give one distinct single-character letter per option, got {letters!r}")
    return quiz_answer_class()(
        answer_id=answer_id,
        question_label=label or answer_id.replace("answer_", "Question ").replace("_", " "),
        letters=list(letters),
        options=list(options),
        multiple=multiple,
        prompt=prompt,
        texts=texts,
    )
