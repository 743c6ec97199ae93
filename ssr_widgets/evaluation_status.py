"""A live "still missing" list for the course evaluation, read from the notebook itself.

A certificate needs a complete evaluation, so the learner must see before submitting which
required answers are not yet recorded. The browser side (``static/evaluation_status.js``) checks
the answer cells of the open notebook whenever it changes; the trainer tools apply the same rule
to the submitted file (:func:`ssr_widgets.evaluation.missing`).
"""

from __future__ import annotations

import functools

from ._static import esm_source

__all__ = ["evaluation_status"]


@functools.cache
def evaluation_status_class():
    import anywidget
    import traitlets

    class EvaluationStatus(anywidget.AnyWidget):
        _esm = esm_source("evaluation_status.js")
        required = traitlets.List(traitlets.Dict(), help="[{var, label}] of the required answers").tag(sync=True)

    return EvaluationStatus


def evaluation_status(required: list[dict[str, str]]):
    """The status widget for the given required answers (``[{"var": ..., "label": ...}]``)."""
    return evaluation_status_class()(required=list(required))
