"""A copy of the learner's work to keep: the progress file saved as a download, and restored from one.

Why: the learner's work can live somewhere that does not last. Binder throws its container away after about ten
idle minutes; the offline edition keeps work only in this browser's storage; a learner may move from a laptop to a
cohort server. Every exercise answer, the practice quiz and all written work are in one file (the progress file,
see ``progress.py``), so one download is a whole copy and one upload brings it back, on every platform alike
(a ``data:`` link and ipywidgets' file upload need no server route).

A restored copy is a file from outside, so it is read as untrusted data: a size limit, JSON only, the progress
file's own shape, only the course's exercises (anything else is left out and counted), and each entry rebuilt from
its known fields. Nothing in it is run or shown as HTML. Where this course already holds a newer answer to an
exercise than the copy, the newer one is kept, so restoring an old copy never undoes later work.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .progress import FORMAT_VERSION, ProgressStore
from .translation import _

__all__ = ["MAX_COPY_BYTES", "CopyRefused", "Restored", "copy_bytes", "copy_name", "copy_url", "course_keys",
           "restore"]

#: A real progress file is a few hundred kilobytes at most (written work is capped at 4,000 characters a box).
MAX_COPY_BYTES = 2_000_000


class CopyRefused(ValueError):
    """The file is not a copy of this course's work; the message says why, in words a learner understands."""


@dataclass(frozen=True)
class Restored:
    """What a restore did: answers taken from the copy, answers kept because this course's were newer, and
    entries left out because they are not exercises of this course."""

    restored: int
    kept_newer: int
    left_out: int


def course_keys() -> frozenset[str]:
    """Every exercise a progress file may hold: ``<content file>#<exercise id>`` of each part of the course."""
    from .loader import load_course, load_section

    keys = set()
    for section in load_course().sections:
        if section.content:
            keys.update(f"{section.content}#{ex_id}" for ex_id in load_section(section.content).exercises)
    return frozenset(keys)


def copy_name(today: date | None = None) -> str:
    """The download's file name: dated, so copies made on different days do not overwrite each other."""
    return f"ssr-progress-{(today or date.today()).isoformat()}.json"


def copy_bytes(store: ProgressStore) -> bytes:
    """The learner's work as a progress file (read and re-written, so a copy is always well formed)."""
    payload = {"format": FORMAT_VERSION, "exercises": store.load()}
    return json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def copy_url(store: ProgressStore) -> str:
    """The copy as a ``data:`` URL for a download link."""
    return "data:application/json;base64," + base64.b64encode(copy_bytes(store)).decode("ascii")


def _when(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _newer(theirs: dict[str, Any], mine: dict[str, Any]) -> bool:
    """Does the copy's entry replace this course's? Only when it has a valid time later than this one's (or this
    one has none)."""
    theirs_time, mine_time = _when(theirs.get("updated")), _when(mine.get("updated"))
    return theirs_time is not None and (mine_time is None or theirs_time > mine_time)


def _clean(entry: Any) -> dict[str, Any] | None:
    """One entry rebuilt from its known fields, or None when it is not a progress entry."""
    if not isinstance(entry, dict) or "answer" not in entry or not isinstance(entry.get("completed"), bool):
        return None
    score, attempts = entry.get("score"), entry.get("attempts")
    score = float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else 0.0
    attempts = attempts if isinstance(attempts, int) and not isinstance(attempts, bool) else 1
    when = _when(entry.get("updated"))
    return {
        "answer": entry["answer"],  # the views check an answer's shape when they show it (see _view._restore)
        "completed": entry["completed"],
        "score": round(min(max(score, 0.0), 1.0), 4) if score == score else 0.0,  # NaN counts as 0
        "attempts": min(max(attempts, 1), 1_000_000),
        "updated": when.isoformat(timespec="seconds") if when else None,
    }


def _read_copy(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_COPY_BYTES:
        raise CopyRefused(_("it is {size} kB; a copy of this course's work is under {limit} MB").format(
            size=len(data) // 1000, limit=MAX_COPY_BYTES // 1_000_000))
    try:
        parsed = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise CopyRefused(_("it is not a text file")) from None
    except json.JSONDecodeError as exc:
        raise CopyRefused(_("it is not a progress file (not valid JSON at line {line})").format(line=exc.lineno)) \
            from None
    except RecursionError:
        raise CopyRefused(_("it is not a progress file (nested too deeply)")) from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("exercises"), dict):
        raise CopyRefused(_("it is not a progress file of this course"))
    if parsed.get("format") != FORMAT_VERSION:
        raise CopyRefused(_("it is a progress file of another format ({format})").format(
            format=repr(str(parsed.get("format"))[:20])))
    return parsed["exercises"]


def restore(store: ProgressStore, data: bytes, keys: frozenset[str] | None = None) -> Restored:
    """Merge a copy (the bytes of a downloaded progress file) into ``store``; raise :class:`CopyRefused` if it is
    not one. Per exercise, the newer answer wins; an answer with no valid time never replaces one this course has."""
    entries = _read_copy(data)
    keys = course_keys() if keys is None else keys
    taken: dict[str, dict[str, Any]] = {}
    left_out = 0
    for key, entry in entries.items():
        cleaned = _clean(entry) if key in keys else None
        if cleaned is None:
            left_out += 1
        else:
            taken[key] = cleaned
    # The store's own lock and atomic write: a notebook saving an answer at the same moment loses nothing.
    restored, kept = store.merge(taken, newer=_newer)
    return Restored(restored, kept, left_out)


def copy_panel(store: ProgressStore, on_restored=None):
    """The "Keep a copy of your work" box of the welcome page (see :class:`CopyPanel`)."""
    return _panel_class()(store, on_restored)


def _panel_class():
    import ipywidgets as widgets

    from ._frame import feedback_area
    from ._view import _STYLE, esc
    from .translation import ngettext

    class CopyPanel(widgets.VBox):
        """Save a copy (a download link to the progress file) and restore one (a file upload), with the result
        read out from a live region: the same pattern as the exercises (see ``_frame.py``)."""

        def __init__(self, store: ProgressStore, on_restored=None) -> None:
            self.store, self.on_restored = store, on_restored
            title = _("Keep a copy of your work")
            header = widgets.HTML(
                f'{_STYLE}<h3 class="ssr-title">{esc(title)}</h3><p class="ssr-prompt">'
                + esc(_("Your answers and written work are in one file. Save a copy of it from time to time: on "
                        "Binder, your work is deleted after about 10 minutes without use, and in the offline "
                        "edition it is kept only in this browser. To go on later, or on another computer, "
                        "restore your copy here."))
                + "</p>")
            self.save_button = widgets.Button(description=_("Save a copy"),
                                              tooltip=_("Make a file of your work to download"))
            self.save_button.add_class("ssr-named")
            self.save_button.on_click(lambda _b: self.offer_copy())
            self.upload = widgets.FileUpload(accept=".json", multiple=False, description=_("Restore a copy"),
                                             tooltip=_("Choose a copy of your work saved earlier"))
            self.upload.add_class("ssr-named")
            self.upload.observe(self._uploaded, names="value")
            self.link_html = widgets.HTML("")
            self.feedback_html = feedback_area(title)
            super().__init__([header, widgets.HBox([self.save_button, self.upload],
                                                   layout=widgets.Layout(flex_flow="row wrap")),
                              self.link_html, self.feedback_html])
            self.add_class("ssr-exercise")
            self.add_class("ssr-copy-panel")

        def offer_copy(self) -> str:
            """Show a download link to a copy made now; return its file name."""
            name = copy_name()
            self.link_html.value = (f'<p><a download="{esc(name)}" href="{copy_url(self.store)}">'
                                    + esc(_("Download {file}").format(file=name)) + "</a></p>")
            self.feedback_html.value = "<p>" + esc(_("Your copy is ready: use the link to download it, then keep "
                                                     "the file somewhere safe.")) + "</p>"
            return name

        def restore_from(self, name: str, data: bytes) -> Restored | None:
            """Restore from an uploaded file; say what happened, naming the file."""
            try:
                done = restore(self.store, data)
            except CopyRefused as exc:
                self.feedback_html.value = "<p>⚠ " + esc(_("{file} was not restored: {reason}.").format(
                    file=name[:120], reason=str(exc))) + "</p>"
                return None
            said = [ngettext("{n} answer restored from {file}.", "{n} answers restored from {file}.",
                             done.restored).format(n=done.restored, file=name[:120])]
            if done.kept_newer:
                said.append(ngettext("{n} newer answer here was kept.", "{n} newer answers here were kept.",
                                     done.kept_newer).format(n=done.kept_newer))
            if done.left_out:
                said.append(ngettext("{n} entry that is not an exercise of this course was left out.",
                                     "{n} entries that are not exercises of this course were left out.",
                                     done.left_out).format(n=done.left_out))
            if done.restored:
                said.append(_("Run a section again to see your answers in it."))
            self.feedback_html.value = "<p>" + esc(" ".join(said)) + "</p>"
            if self.on_restored is not None:
                self.on_restored()
            return done

        def _uploaded(self, change) -> None:
            files = change["new"]
            if not files:
                return
            first = files[0] if isinstance(files, (list, tuple)) else next(iter(files.values()))
            self.restore_from(str(first.get("name", "")), bytes(first.get("content", b"")))
            self.upload.value = ()  # so the same file can be chosen again

    return CopyPanel
