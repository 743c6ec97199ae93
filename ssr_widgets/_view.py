"""Shared parts of every exercise view: heading, Check and Reset buttons, feedback, saved progress.

Each exercise kind (self-check, classification, ...) only builds its own answer controls and
says how to read and set an answer; this base class does the rest the same way everywhere, so
learners meet one consistent pattern: answer, press Check, read why, try again or Reset.
Right and wrong are always written out in words and symbols, never shown by colour alone.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterator
from typing import Any, Generic, TypeVar

import ipywidgets as widgets

from ._frame import feedback_area
from .checking import Feedback
from .model import ExerciseBase
from .progress import ProgressStore
from .translation import N_, _

E = TypeVar("E", bound=ExerciseBase)

_RIGHT = "✔"  # heavy check mark
_WRONG = "✘"  # heavy ballot x
_NOTE = N_("Note:")


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def render_feedback(feedback: Feedback, *, restored_from: str | None = None) -> str:
    """Feedback as HTML: a summary line, then one explained line per option or item."""
    head_mark = _RIGHT if feedback.complete else _WRONG if feedback.remarks else _(_NOTE)
    # No role here: the feedback area around it is the live region (see _frame.py).
    parts = ['<div class="ssr-feedback">']
    if restored_from:
        said = _("Your saved answer from {time} is shown.").format(time=esc(restored_from))
        parts.append(f'<p class="ssr-restored">{_(_NOTE)} {said}</p>')
    state = "ssr-ok" if feedback.complete else "ssr-not-ok" if feedback.remarks else "ssr-info"
    parts.append(f'<p class="ssr-summary {state}"><strong>{head_mark} {esc(feedback.summary)}</strong></p>')
    if feedback.remarks:
        parts.append('<ul class="ssr-remarks">')
        for r in feedback.remarks:
            # The mark says whether the learner's own choice here was right, as the verdict's words do;
            # a screen reader reads its name, so it is never colour or symbol alone.
            mark, said = (_RIGHT, _("right")) if r.ok else (_WRONG, _("wrong"))
            cls = "ssr-ok" if r.ok else "ssr-not-ok"
            parts.append(
                f'<li class="ssr-remark {cls}"><span class="ssr-mark" role="img" aria-label="{said}">{mark}</span> '
                f"<strong>{esc(r.subject)}</strong> — <em>{esc(r.verdict)}</em><br>{esc(r.why)}</li>"
            )
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


_STYLE = """<style>
.ssr-exercise { border-left: 4px solid #5b7fa6; padding-left: 0.8em; container-type: inline-size;
  width: 100%; box-sizing: border-box; }
.ssr-exercise h3.ssr-title { margin: 0.5em 0 0.3em; font-size: 1.15em; line-height: 1.3; }
.ssr-exercise a { color: #0b57d0; text-decoration: underline; }
.ssr-exercise button:focus-visible, .ssr-exercise select:focus-visible, .ssr-exercise input:focus-visible,
.ssr-exercise textarea:focus-visible, .ssr-exercise a:focus-visible, .ssr-exercise [tabindex]:focus-visible {
  outline: 3px solid #1a4f8b !important; outline-offset: 2px !important;
}
.ssr-exercise .jupyter-button { width: auto; min-width: 6em; height: auto;
  min-height: var(--jp-widgets-inline-height, 28px); white-space: normal; }
.ssr-feedback .ssr-ok { color: #1e5e2b; }
.ssr-feedback .ssr-not-ok { color: #8a1f11; }
.ssr-remarks { list-style: none; padding-left: 0.2em; }
.ssr-remark { margin-bottom: 0.5em; line-height: 1.4; }
.ssr-mark { font-weight: bold; }
.ssr-notice { background: #fff6d5; padding: 0.3em 0.6em; border: 1px solid #b58900; }
.ssr-choice-group { border: 1px solid #8a8a8a; padding: 0.3em 0.8em 0.5em; margin: 0.3em 0; min-width: 0; }
.ssr-choice-group legend { font-weight: 600; padding: 0 0.3em; line-height: 1.4; }
.ssr-choice-option { display: flex; align-items: flex-start; gap: 0.5em; margin: 0.4em 0; line-height: 1.4; }
.ssr-choice-option input { flex: none; width: 1.05em; height: 1.05em; margin: 0.2em 0 0 0; }
.ssr-choice-list { display: flex; align-items: center; gap: 0 0.6em; margin-bottom: 0.45em; min-width: 0; }
.ssr-choice-list-label { flex: 0 0 auto; min-width: 0; line-height: 1.35; overflow-wrap: anywhere; }
.ssr-choice-list > select { flex: 1 1 0; min-width: 9em; max-width: 100%; box-sizing: border-box;
  min-height: var(--jp-widgets-inline-height, 28px); font: inherit; }
.ssr-actor-row { flex-wrap: wrap; gap: 0 0.5em; margin-bottom: 0.3em; }
.ssr-exercise > *, .ssr-exercise .widget-html-content { min-width: 0; max-width: 100%; }
.ssr-map-scroll { overflow-x: auto; max-width: 100%; }
.ssr-map-table { border-collapse: collapse; margin: 0.5em 0; }
.ssr-map-table th, .ssr-map-table td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left;
  vertical-align: top; }
.ssr-sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
/* Narrow screens (a phone, or a notebook beside a side panel): every label above its control. */
@container (max-width: 36em) {
  .ssr-choice-list { flex-direction: column; align-items: stretch; }
  .ssr-choice-list-label { flex-basis: auto !important; padding: 0 0 0.15em; }
  .ssr-choice-list > select { flex: none; width: 100%; min-width: 0; }
  .ssr-actor-row { flex-direction: column; align-items: stretch !important; }
  .ssr-actor-row > * { width: auto !important; min-width: 0 !important; flex: none !important; }
}
</style>"""


class ExerciseView(widgets.VBox, Generic[E]):
    """Base view: subclasses provide ``controls`` and the answer get/set/check methods.

    A kind that needs more than the explained feedback (a picture, a debrief) returns it from
    :meth:`render_details`; one whose answer is checked as it goes (a scenario) hides Check.
    """

    show_check_button = True
    reset_label = N_("Reset")
    reset_tooltip = N_("Clear your answer and start again")
    cleared_message = N_("Cleared. Answer again, then press Check.")

    def __init__(self, exercise: E, *, key: str, store: ProgressStore, controls: widgets.Widget) -> None:
        self.exercise = exercise
        self.key = key
        self.store = store
        # The visible names stay short; the feedback area names them after the exercise for screen readers.
        self.check_button = widgets.Button(
            description=_("Check"),
            tooltip=_("Check your answer and see why each option is right or wrong"),
            button_style="primary",
        )
        if not self.show_check_button:
            self.check_button.layout.display = "none"
        self.reset_button = widgets.Button(description=_(self.reset_label), tooltip=_(self.reset_tooltip))
        for button in (self.check_button, self.reset_button):
            button.add_class("ssr-named")
        self.feedback_html = feedback_area(exercise.title)
        self.details_html = widgets.HTML(value="")
        self.notice_html = widgets.HTML(value="")
        self.last_feedback: Feedback | None = None
        self.notices: list[str] = []
        header = widgets.HTML(
            value=(
                f'{_STYLE}<h3 class="ssr-title">{esc(exercise.title)}</h3>'
                f'<p class="ssr-prompt">{esc(exercise.prompt)}</p>'
            )
        )
        buttons = widgets.HBox([self.check_button, self.reset_button], layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__(
            children=[header, controls, buttons, self.feedback_html, self.details_html, self._sources_html(),
                      self.notice_html]
        )
        self.add_class("ssr-exercise")
        self.check_button.on_click(lambda _b: self.check())
        self.reset_button.on_click(lambda _b: self.reset())
        self._restore()

    # -- for subclasses ----------------------------------------------------------------------
    def get_answer(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def set_answer(self, answer: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def clear_answer(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def evaluate(self, answer: Any) -> Feedback:  # pragma: no cover - abstract
        raise NotImplementedError

    def is_answered(self, answer: Any) -> bool:
        return bool(answer)

    def render_details(self, answer: Any, feedback: Feedback) -> str:
        """HTML shown below the feedback after a check (empty: nothing)."""
        return ""

    # -- behaviour ---------------------------------------------------------------------------
    def check(self) -> Feedback:
        """Check the current answer, show why, and save it."""
        answer = self.get_answer()
        feedback = self.evaluate(answer)
        self.last_feedback = feedback
        # Saved first, shown second: when the learner (or a test) sees the feedback, the answer is on disk.
        if self.is_answered(answer):
            with self._collect_notices():
                self.store.save(self.key, answer=answer, completed=feedback.complete, score=feedback.score)
        self.feedback_html.value = render_feedback(feedback)
        self.details_html.value = self.render_details(answer, feedback)
        return feedback

    def reset(self) -> None:
        """Clear the answer here and in the saved progress."""
        self.clear_answer()
        self.last_feedback = None
        with self._collect_notices():
            self.store.reset(self.key)
        self.details_html.value = ""
        note, cleared = _(_NOTE), _(self.cleared_message)
        self.feedback_html.value = f"<p>{note} {esc(cleared)}</p>"

    def _restore(self) -> None:
        with self._collect_notices():
            entry = self.store.get(self.key)
        if entry is not None:
            try:
                self.set_answer(entry["answer"])
                feedback = self.evaluate(self.get_answer())
            except (KeyError, TypeError, ValueError, AttributeError):
                # The exercise changed since the answer was saved (an option was removed, say).
                self.clear_answer()
                self.notices.append(_(
                    "Your saved answer to this exercise no longer fits it (the exercise was updated). "
                    "Please answer it again."
                ))
                self._show_notices()
            else:
                self.last_feedback = feedback
                when = str(entry.get("updated", "")).replace("T", " ")[:16]
                self.feedback_html.value = render_feedback(feedback, restored_from=when or _("earlier"))
                self.details_html.value = self.render_details(self.get_answer(), feedback)

    @contextlib.contextmanager
    def _collect_notices(self) -> Iterator[None]:
        """Show, in this exercise, any problem the progress store reports during the block."""
        before = len(self.store.notices)
        try:
            yield
        finally:
            new = self.store.notices[before:]
            if new:
                self.notices.extend(new)
                self._show_notices()

    def _show_notices(self) -> None:
        notices = self.notices
        self.notice_html.value = "".join(f'<p class="ssr-notice" role="alert">⚠ {esc(n)}</p>' for n in notices)

    def _sources_html(self) -> widgets.HTML:
        items = []
        for s in self.exercise.sources:
            title = esc(s.title)
            items.append(
                f'<a href="{esc(s.url)}" target="_blank" rel="noopener">{title}</a>' if s.url else title
            )
        sources = _("Sources:")
        return widgets.HTML(value=f"<small>{sources} {'; '.join(items)}</small>")
