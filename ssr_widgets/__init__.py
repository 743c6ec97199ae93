"""Interactive exercises for the open course "Introduction to Security Sector Reform".

In a notebook, one line shows an exercise from the course content::

    from ssr_widgets import show
    show("01_concept.yml#security-sector-sort")

Answers are checked instantly, explained option by option, and saved in the learner's
progress file so they survive a kernel restart.
"""

from __future__ import annotations

import importlib

from .loader import load_course, load_exercise, load_section
from .model import ContentError
from .progress import ProgressStore, default_store

__all__ = ["ContentError", "__version__", "load_course", "load_exercise", "load_section", "show", "show_progress"]
__version__ = "0.1.0"


def show(ref: str, *, store: ProgressStore | None = None):
    """Build the widget for one exercise.

    Parameters
    ----------
    ref : str
        ``"<content file>#<exercise id>"``, e.g. ``"01_concept.yml#security-sector-sort"``; the
        file is looked up in the course content, unless it is an absolute path.
    store : ProgressStore, optional
        Where answers are saved; defaults to the learner's progress file.

    Returns
    -------
    ipywidgets.VBox
        The exercise view; as the last line of a cell, the notebook displays it.
    """
    exercise = load_exercise(ref)
    module, name = _VIEWS[exercise.kind]
    view = getattr(importlib.import_module(module, __name__), name)
    return view(exercise, key=ref.strip(), store=store or default_store())


#: The view for each exercise kind, imported only when an exercise of that kind is shown.
_VIEWS = {
    "choice": (".selfcheck", "SelfCheck"),
    "classify": (".classify", "Classify"),
    "order": (".ordering", "Ordering"),
    "match": (".matching", "Matching"),
    "actormap": (".actormap", "ActorMap"),
    "scenario": (".scenario", "Scenario"),
}


def show_progress(store: ProgressStore | None = None):
    """Show the learner's progress per section, read from the progress file."""
    from .overview import ProgressOverview

    return ProgressOverview(store or default_store())
