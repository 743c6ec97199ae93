"""An open comment box whose text is saved into the notebook file (course evaluation).

Like the quiz's answers, a comment only reaches the trainer if it is *in the file*: the browser
side (``static/comment_box.js``) writes ``eval_<field> = "<text>"`` into the answer cell and saves.
"""

from __future__ import annotations

import functools

from ._static import esm_source

__all__ = ["comment"]


@functools.cache
def comment_box_class():
    """The anywidget class, built on first use (kernels that never show a comment never import it)."""
    import anywidget
    import traitlets

    class CommentBox(anywidget.AnyWidget):
        """A labelled text area with a Save button, bound to one answer cell."""

        _esm = esm_source("comment_box.js")
        answer_id = traitlets.Unicode(help="the answer cell's variable, e.g. eval_improve").tag(sync=True)
        label = traitlets.Unicode(help="short name, e.g. 'Improve (optional)'").tag(sync=True)
        prompt = traitlets.Unicode(help="the question").tag(sync=True)
        max_length = traitlets.Int(5000).tag(sync=True)

    return CommentBox


def comment(answer_id: str, prompt: str, *, label: str, max_length: int = 5000):
    """Show a comment box for one answer cell (``answer_id`` is its variable)."""
    return comment_box_class()(answer_id=answer_id, prompt=prompt, label=label, max_length=max_length)
