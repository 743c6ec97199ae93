"""Interactive exercises for the open course "Introduction to Security Sector Reform".

In a notebook, one line shows an exercise from the course content::

    from ssr_widgets import show
    show("01_concept.yml#security-sector-sort")

Answers are checked instantly, explained option by option, and saved in the learner's
progress file so they survive a kernel restart.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .progress import ProgressStore

__all__ = [
    "ContentError", "__version__", "load_course", "load_exercise", "load_section", "set_language", "show",
    "show_briefing", "show_progress",
]
__version__ = "0.1.0"

#: Public names and the module that defines them. They are imported on first use (PEP 562), so
#: ``from ssr_widgets.quiz import choose`` in a graded quiz does not load the content model.
_LAZY = {
    "ContentError": ".model",
    "load_course": ".loader",
    "load_exercise": ".loader",
    "load_section": ".loader",
    "show_briefing": ".country",
    # The course language of this kernel: a French notebook's first code cell calls set_language("fr").
    "set_language": ".translation",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ssr_widgets' has no attribute {name!r}")


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
    from .loader import load_exercise
    from .progress import default_store

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
    "write": (".writing", "Writing"),
}


def show_progress(store: ProgressStore | None = None):
    """Show the learner's progress per section, read from the progress file."""
    from .overview import ProgressOverview
    from .progress import default_store

    return ProgressOverview(store or default_store())
