"""The exercises' own browser part: a feedback area that screen readers announce, and keys kept inside.

ipywidgets' controls are native and labelled, but three things need a few lines of browser code
(``static/exercise_frame.js``), in one small widget every exercise carries as its feedback area:

- Screen readers announce a change inside a live region that was already on the page, not a new
  region put in place of the old one; ipywidgets' HTML widget would replace its content's node
  each time, so the feedback area is one persistent ``role="status"`` element whose content changes.
- Keys pressed in an exercise belong to it: without a guard, an arrow key on a list moves to
  another cell and "d d" deletes the cell, because JupyterLab's command-mode shortcuts see them.
- Ten buttons all called "Check" cannot be told apart in a screen reader's list of buttons, so the
  Check and Reset buttons are named after their exercise.
- A screen reader picks its voice from the page's ``lang``, which is JupyterLab's interface language, not the
  course's: French exercises read with an English voice are hard to follow. The exercise is marked with the
  course language of its kernel (``lang="fr"`` after ``set_language("fr")``).
"""

from __future__ import annotations

import functools

from ._static import esm_source
from .translation import get_language

__all__ = ["feedback_area"]


@functools.cache
def feedback_area_class():
    import anywidget
    import traitlets

    class FeedbackArea(anywidget.AnyWidget):
        """A live region showing the exercise's feedback (HTML built by the course, never by the learner)."""

        _esm = esm_source("exercise_frame.js")
        value = traitlets.Unicode("", help="the feedback, as HTML with every text escaped").tag(sync=True)
        exercise_title = traitlets.Unicode("", help="names the exercise's buttons for screen readers").tag(
            sync=True)
        lang = traitlets.Unicode("en", help="the course language the exercise is shown in (BCP 47)").tag(sync=True)

    return FeedbackArea


def feedback_area(exercise_title: str):
    """A new, empty feedback area for the exercise called ``exercise_title``."""
    area = feedback_area_class()(exercise_title=exercise_title, lang=get_language())
    area.add_class("ssr-feedback-area")
    return area
