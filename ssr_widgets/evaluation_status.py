"""A live "still missing" list for the course evaluation, read from the notebook itself.

A certificate needs a complete evaluation, so the learner must see before submitting which
required answers are not yet recorded. The browser side (``static/evaluation_status.js``) checks
the answer cells of the open notebook whenever it changes; the trainer tools apply the same rule
to the submitted file (:func:`ssr_widgets.evaluation.missing`).
"""

from __future__ import annotations

import functools

from ._static import esm_source
from .translation import N_, NP_, _, ngettext

__all__ = ["TEXTS", "evaluation_status", "status_texts"]

#: Every text the list shows or a screen reader announces (``static/evaluation_status.js`` has none of its own).
#: Sent in the widget's ``texts`` trait, translated into the kernel's course language; the browser fills the
#: {placeholders}. The two counts take the form (one, many) of the number of required answers, known in Python.
TEXTS = {
    "cannot_check": N_("This screen cannot check your answers. Make sure every required question has an answer."),
    "labelled": N_("{label}: {text}"),
    "invalid": N_('"{value}" is not a valid answer: use one of {letters}'),
}
COUNTED = {
    "still_missing": NP_("Still missing: {missing} of {required} required answer.",
                         "Still missing: {missing} of {required} required answers."),
    "complete": NP_("Complete: {required} required answer is recorded. Save the notebook and submit it with your quiz.",
                    "Complete: all {required} required answers are recorded. "
                    "Save the notebook and submit it with your quiz."),
}


def status_texts(required: int) -> dict[str, str]:
    """The list's texts in the course language of this kernel, for ``required`` required answers."""
    texts = {key: _(text) for key, text in TEXTS.items()}
    texts.update({key: ngettext(*pair, required) for key, pair in COUNTED.items()})
    return texts


@functools.cache
def evaluation_status_class():
    import anywidget
    import traitlets

    class EvaluationStatus(anywidget.AnyWidget):
        _esm = esm_source("evaluation_status.js")
        required = traitlets.List(traitlets.Dict(), help="[{var, label}] of the required answers").tag(sync=True)
        texts = traitlets.Dict(traitlets.Unicode(), help="the list's own texts, in the course language").tag(
            sync=True)

        @traitlets.default("texts")
        def _course_language_texts(self):
            return status_texts(len(self.required))

    return EvaluationStatus


def evaluation_status(required: list[dict[str, str]]):
    """The status widget for the given required answers (``[{"var": ..., "label": ...}]``)."""
    required = list(required)
    return evaluation_status_class()(required=required, texts=status_texts(len(required)))
