"""An open comment box whose text is saved into the notebook file (course evaluation).

Like the quiz's answers, a comment only reaches the trainer if it is *in the file*: the browser
side (``static/comment_box.js``) writes ``eval_<field> = "<text>"`` into the answer cell and saves.
"""

from __future__ import annotations

import functools

from ._static import esm_source
from .translation import N_, _

__all__ = ["TEXTS", "comment", "comment_texts"]

#: Every text the box shows or a screen reader announces (``static/comment_box.js`` has none of its own). Sent in
#: the widget's ``texts`` trait, translated into the kernel's course language; the browser fills the {placeholders}.
TEXTS = {
    "labelled": N_("{label}: {text}"),
    "save": N_("Save comment"),
    "cannot_save": N_('This screen cannot save text from here. Type your comment between the quotes in the cell '
                      'below: {example} . Do not use the " sign inside your comment.'),
    "no_cell": N_("The answer cell for this comment is missing. Ask your trainer for a fresh copy."),
    "is_saved": N_("Your comment is saved."),
    "none_saved": N_("No comment saved yet."),
    "saving": N_("Saving…"),
    "saved": N_("Saved. Your comment is in the notebook."),
    "saved_empty": N_("Saved. The comment is now empty."),
    "not_saved": N_("Your comment could not be saved to disk: {error}. Save the notebook with Ctrl+S (Cmd+S on a Mac)."),
    # {button} is the text of the "save" button above
    "unsaved": N_("Not saved yet: press {button}."),
}


def comment_texts() -> dict[str, str]:
    """The box's texts in the course language of this kernel (:func:`ssr_widgets.translation.set_language`)."""
    return {key: _(text) for key, text in TEXTS.items()}


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
        texts = traitlets.Dict(traitlets.Unicode(), help="the box's own texts, in the course language").tag(sync=True)

        @traitlets.default("texts")
        def _course_language_texts(self):
            return comment_texts()

    return CommentBox


def comment(answer_id: str, prompt: str, *, label: str, max_length: int = 5000):
    """Show a comment box for one answer cell (``answer_id`` is its variable)."""
    return comment_box_class()(answer_id=answer_id, prompt=prompt, label=label, max_length=max_length)
