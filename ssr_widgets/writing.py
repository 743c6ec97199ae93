"""Written-work view: the learner writes in labelled boxes, saves, then compares with a model answer and a checklist.

Some objectives ask learners to discuss and to plan. Picking options does not show that; writing a short note,
memo or plan does. Nothing here marks free text right or wrong: saving shows a model answer beside the learner's
own text and a checklist the learner ticks (self-assessment). The work is complete once every part is written.

Every box is a native, labelled text area (its label is a real ``<label>``, shown above it), so it works with the
keyboard and screen readers. The text syncs when the learner leaves a box, not at each key, which spares a slow
connection. What the learner writes is plain text: it is shown back only escaped, in the page and in the
printable file, never as HTML. "Make a printable file" gives a ``data:`` link to one self-contained HTML page,
which needs no server route, so it works the same on Binder, JupyterLab, a hub or an offline copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ._view import ExerciseView, esc
from .checking import Feedback
from .model import ContentError, WriteExercise
from .progress import ProgressStore
from .translation import N_, _, number
from .written_work import (
    check_write,
    data_url,
    learner_text_html,
    parse_answer,
    plain_text_html,
    scenario_facts,
    too_long,
    work_file_name,
    work_html,
)

__all__ = ["Writing"]

_STYLE = """<style>
.ssr-write .widget-textarea { flex-direction: column; align-items: stretch; width: auto; align-self: stretch;
  height: auto; }
.ssr-write .widget-textarea > .widget-label { width: auto !important; max-width: none; text-align: left;
  font-weight: 600; white-space: normal; height: auto; line-height: 1.4; padding: 0 0 0.15em; overflow: visible; }
.ssr-write .widget-textarea > textarea { width: 100%; box-sizing: border-box; font: inherit; line-height: 1.45;
  resize: vertical; }
.ssr-write-hint { margin: 0.9em 0 0.1em; line-height: 1.4; }
.ssr-write-count { color: #444; }
.ssr-write-count.ssr-over { color: #8a1f11; font-weight: 600; }
.ssr-write-facts { background: #eef3f8; border-left: 4px solid #5b7fa6; padding: 0.2em 0.8em; margin: 0.4em 0; }
.ssr-write-text { white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid #bbb; padding: 0.4em 0.6em;
  background: #fafafa; }
.ssr-write-pair { margin-bottom: 0.9em; }
.ssr-write-cols { display: flex; flex-wrap: wrap; gap: 0 1.5em; }
.ssr-write-cols > div { flex: 1 1 18em; min-width: 0; }
.ssr-write-model { border-left: 4px solid #1e5e2b; padding-left: 0.7em; }
.ssr-write .widget-checkbox { height: auto; width: 100%; }
.ssr-write .widget-checkbox label { white-space: normal; height: auto; line-height: 1.4; }
.ssr-write-why { margin: 0 0 0.7em 1.9em; color: #333; line-height: 1.4; }
</style>"""


class Writing(ExerciseView[WriteExercise]):
    """Write in labelled boxes, save, compare with a model answer, tick a checklist, make a printable file.

    The answer is ``{"fields": {field id: text}, "ticked": [checklist point id, ...]}``. It is saved when at
    least one part is written and no part is over its limit; it is complete when every part is written.
    """

    reset_label = N_("Start again")
    reset_tooltip = N_("Delete your text and your ticks, here and in your saved progress (you are asked first)")
    cleared_message = N_("Your work on this exercise was deleted. You can write it again.")

    def __init__(self, exercise: WriteExercise, *, key: str, store: ProgressStore) -> None:
        self._quiet = False  # True while the answer is set from code: ticks then do not save
        self._revealed = False  # the model answer and the checklist, once every part was written
        self.boxes: dict[str, widgets.Textarea] = {}
        self.counters: dict[str, widgets.HTML] = {}
        parts: list[widgets.Widget] = [widgets.HTML(value=_STYLE + self._intro_html(exercise))]
        for f in exercise.fields:
            box = widgets.Textarea(
                value="", description=f.label, description_allow_html=False, rows=f.rows,
                placeholder=_("Write here, in plain text."), continuous_update=False,
                style={"description_width": "initial"},
            )
            box.add_class("ssr-write-box")  # as wide as the exercise, margins included (see _STYLE)
            counter = widgets.HTML(value="")
            box.observe(lambda _change, fid=f.id: self._count(fid), names="value")
            self.boxes[f.id], self.counters[f.id] = box, counter
            parts += [widgets.HTML(value=f'<p class="ssr-write-hint">{esc(f.hint)}</p>'), box, counter]
        self.ticks: dict[str, widgets.Checkbox] = {}
        review: list[widgets.Widget] = [widgets.HTML(value=(
            "<p><strong>" + _("Checklist: what a good answer contains") + "</strong></p><p>"
            + _("Tick each point your work covers. Your ticks are saved at once. Nobody marks them: they are for "
                "you, and for a talk with your trainer or a colleague.") + "</p>"))]
        for p in exercise.checklist:
            tick = widgets.Checkbox(value=False, description=p.text, indent=False,
                                    layout=widgets.Layout(width="100%"))
            self.ticks[p.id] = tick
            why = _("Why: {why}").format(why=esc(p.why))
            review += [tick, widgets.HTML(value=f'<p class="ssr-write-why"><small>{why}</small></p>')]
        self.review_box = widgets.VBox(review, layout=widgets.Layout(display="none"))
        self.file_button = widgets.Button(description=_("Make a printable file"),
                                          tooltip=_("Make one file of your work, to print or to send to your trainer"))
        self.file_link = widgets.HTML(value="")
        self.file_box = widgets.VBox([self.file_button, self.file_link], layout=widgets.Layout(display="none"))
        self.confirm_button = widgets.Button(description=_("Yes, delete my work"), button_style="danger",
                                             tooltip=_("Delete your text and your ticks for good"))
        self.keep_button = widgets.Button(description=_("No, keep my work"), tooltip=_("Keep your work as it is"))
        self.confirm_box = widgets.HBox([self.confirm_button, self.keep_button],
                                        layout=widgets.Layout(display="none", flex_flow="row wrap"))
        for button in (self.file_button, self.confirm_button, self.keep_button):
            button.add_class("ssr-named")
        super().__init__(exercise, key=key, store=store, controls=widgets.VBox(parts))  # restores saved work
        self.add_class("ssr-write")
        for fid in self.boxes:
            self._count(fid)
        self.check_button.description = _("Save my work")
        self.check_button.tooltip = _("Save your text in your progress file")
        self._insert_after(self.feedback_html, self.confirm_box)
        self._insert_after(self.details_html, self.review_box, self.file_box)
        for tick in self.ticks.values():
            tick.observe(self._on_tick, names="value")
        self.file_button.on_click(lambda _b: self.make_file())
        self.confirm_button.on_click(lambda _b: self._delete())
        self.keep_button.on_click(lambda _b: self._keep())

    # -- the answer --------------------------------------------------------------------------
    def get_answer(self) -> dict[str, Any]:
        return {"fields": {fid: box.value for fid, box in self.boxes.items()},
                "ticked": [pid for pid, tick in self.ticks.items() if tick.value]}

    def set_answer(self, answer: Any) -> None:
        texts, ticked = parse_answer(self.exercise, answer)  # raises if the saved work no longer fits
        with self._silently():
            for fid, box in self.boxes.items():
                box.value = texts[fid]
            for pid, tick in self.ticks.items():
                tick.value = pid in ticked

    def clear_answer(self) -> None:
        self.set_answer({"fields": {}, "ticked": []})

    def evaluate(self, answer: Any) -> Feedback:
        texts, ticked = parse_answer(self.exercise, answer)
        return check_write(self.exercise, texts, ticked)

    def is_answered(self, answer: Any) -> bool:
        """Saved when something is written and no part is over its limit (too long: refused, with a message)."""
        texts, _ = parse_answer(self.exercise, answer)
        return any(t.strip() for t in texts.values()) and not too_long(self.exercise, texts)

    def render_details(self, answer: Any, feedback: Feedback) -> str:
        """Once every part is written: the learner's text beside a model answer, part by part, and the checklist."""
        texts, _ticked = parse_answer(self.exercise, answer)  # not "_": that is gettext here
        self._revealed = self._revealed or feedback.complete
        self.review_box.layout.display = None if self._revealed else "none"
        if self.is_answered(answer):
            self.file_box.layout.display = None
        if not self._revealed:
            return ""
        pairs = []
        wrote, model = _("You wrote"), _("A model answer")
        for f in self.exercise.fields:
            pairs.append(
                f'<div class="ssr-write-pair"><p><strong>{esc(f.label)}</strong></p><div class="ssr-write-cols">'
                f"<div><p><em>{wrote}</em></p>{learner_text_html(texts[f.id])}</div>"
                f'<div><p><em>{model}</em></p><div class="ssr-write-model">'
                f"{plain_text_html(self.exercise.model_answer[f.id])}</div></div></div></div>"
            )
        return ('<div class="ssr-write-review"><p><strong>' + _("Your work beside a model answer") + "</strong></p>"
                "<p>" + _("There is more than one good answer. Compare the ideas, not the words.") + "</p>"
                f"{''.join(pairs)}</div>")

    # -- behaviour ---------------------------------------------------------------------------
    def check(self) -> Feedback:
        """Save the work (unless a part is too long) and show how far it is; the printable file is made anew."""
        self._hide_confirm()
        self.file_link.value = ""
        return super().check()

    def reset(self) -> None:
        """Ask first: deleting written work cannot be undone."""
        self.confirm_box.layout.display = None
        self.feedback_html.value = "<p>" + _(
            "Note: <strong>Start again</strong> deletes your text and your ticks, here and in your progress "
            "file. It cannot be undone. Press <strong>Yes, delete my work</strong> to go on, or <strong>No, keep "
            "my work</strong>.") + "</p>"
        self.keep_button.focus()

    def _delete(self) -> None:
        self._hide_confirm()
        self._revealed = False
        super().reset()
        self.review_box.layout.display = "none"
        self.file_box.layout.display = "none"
        self.file_link.value = ""
        self.reset_button.focus()

    def _keep(self) -> None:
        self._hide_confirm()
        self.feedback_html.value = "<p>" + _("Note: Your work is kept. Nothing was deleted.") + "</p>"
        self.reset_button.focus()

    def _hide_confirm(self) -> None:
        self.confirm_box.layout.display = "none"

    def _on_tick(self, _change: Any) -> None:
        if not self._quiet:
            self.check()

    def make_file(self) -> str | None:
        """Save, then offer the work as one printable HTML file (a download link). Returns the document, or None."""
        self.check()
        answer = self.get_answer()
        if not self.is_answered(answer):
            why = (_("Shorten the part that is too long first.") if too_long(self.exercise, answer["fields"])
                   else _("Write something first."))
            self.file_link.value = "<p>" + _("Note: No file was made. {why}").format(why=esc(why)) + "</p>"
            return None
        texts, ticked = parse_answer(self.exercise, answer)
        saved = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        document = work_html(self.exercise, texts, ticked, saved=saved, facts=self._facts(),
                             section=self._section_title())
        name = work_file_name(self.key)
        size = max(1, round(len(document.encode("utf-8")) / 1024))
        link = f'<a download="{esc(name)}" href="{data_url(document)}">' + _("Download my work") + "</a>"
        self.file_link.value = "<p>" + _(
            "Your file is ready: {link} ({name}, {size} KB). Open it in your web browser to read it or print it. "
            "Send it to your trainer or a colleague.").format(link=link, name=esc(name), size=size) + "</p>"
        self.feedback_html.value += "<p>" + _(
            "Your file is ready: use the link <strong>Download my work</strong> below.") + "</p>"
        return document

    # -- helpers -----------------------------------------------------------------------------
    def _count(self, field_id: str) -> None:
        field, n = self.exercise.field(field_id), len(self.boxes[field_id].value)
        if n > field.max_chars:
            said = _("{n} of {limit} characters: {over} too many. Shorten this part before you save.").format(
                n=number(n), limit=number(field.max_chars), over=number(n - field.max_chars))
            self.counters[field_id].value = f'<small class="ssr-write-count ssr-over">{said}</small>'
        else:
            said = _("{n} of {limit} characters.").format(n=number(n), limit=number(field.max_chars))
            self.counters[field_id].value = f'<small class="ssr-write-count">{said}</small>'

    @contextmanager
    def _silently(self) -> Iterator[None]:
        self._quiet, before = True, self._quiet
        try:
            yield
        finally:
            self._quiet = before

    def _insert_after(self, anchor: widgets.Widget, *new: widgets.Widget) -> None:
        kids = list(self.children)
        at = kids.index(anchor) + 1 if anchor in kids else len(kids)
        self.children = (*kids[:at], *new, *kids[at:])

    def _facts(self) -> list[tuple[str, str]]:
        return _facts_of(self.exercise)

    @staticmethod
    def _intro_html(exercise: WriteExercise) -> str:
        parts = []
        if exercise.facts:
            # "Who:" in English, "Qui :" in French (a space before the colon)
            items = "".join("<li><strong>" + esc(_("{name}:").format(name=_(what))) + f"</strong> {esc(text)}</li>"
                            for what, text in _facts_of(exercise))
            parts.append('<div class="ssr-write-facts"><p><strong>' + _("Facts from the Solenna briefing")
                         + f"</strong></p><ul>{items}</ul></div>")
        parts.append("<p><em>" + _(
            "Write in plain text in each box. Under each box you see how many characters it holds. Press "
            "<strong>Save my work</strong> often: your text is kept in your progress file. When every box is "
            "written, a model answer and a checklist appear.") + "</em></p>")
        return "".join(parts)

    def _section_title(self) -> str:
        file = Path(self.key.partition("#")[0]).name
        try:
            from .loader import load_course

            return next((s.title for s in load_course().sections if s.content == file), "")
        except ContentError:
            return ""


def _facts_of(exercise: WriteExercise) -> list[tuple[str, str]]:
    try:
        return scenario_facts(exercise)
    except KeyError as exc:
        raise ContentError(f"exercise '{exercise.id}': field 'facts': {exc.args[0]} is not in country.yml "
                           "(run python -m ssr_widgets.validate)") from None
