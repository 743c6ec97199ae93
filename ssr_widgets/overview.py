"""Progress overview for the welcome notebook: exercises done per section, read from the progress file.

Shown as a plain table with numbers in words, so it reads the same to a screen reader as on screen.
"""

from __future__ import annotations

import ipywidgets as widgets

from ._view import esc
from .backup import copy_panel
from .loader import load_course, load_section
from .progress import ProgressStore
from .translation import _

__all__ = ["ProgressOverview", "section_progress"]


def section_progress(store: ProgressStore) -> list[tuple[str, int, int, int]]:
    """Per available section with exercises: (title, completed, attempted, total)."""
    entries = store.load()
    rows = []
    for section in load_course().sections:
        if not section.available or not section.content:
            continue
        exercises = load_section(section.content).exercises
        keys = [f"{section.content}#{ex_id}" for ex_id in exercises]
        done = sum(1 for k in keys if entries.get(k, {}).get("completed"))
        tried = sum(1 for k in keys if k in entries)
        rows.append((section.title, done, tried, len(keys)))
    return rows


class ProgressOverview(widgets.VBox):
    """A table of completed exercises per section, with a Refresh button, and a way to keep a copy of one's work."""

    def __init__(self, store: ProgressStore) -> None:
        self.store = store
        self.table = widgets.HTML()
        self.refresh_button = widgets.Button(description=_("Refresh"), tooltip=_("Read your progress file again"))
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.copy_panel = copy_panel(store, on_restored=self.refresh)
        super().__init__([self.table, self.refresh_button, self.copy_panel])
        self.refresh()

    def refresh(self) -> None:
        before = len(self.store.notices)
        rows = section_progress(self.store)
        td = '<td style="padding: 0.2em 1em; border-bottom: 1px solid #ccc;">'
        completed, started = _("{done} of {total} completed"), _("{tried} started")
        body = "".join(
            f"<tr>{td}{esc(title)}</td>{td}{completed.format(done=done, total=total)}</td>"
            f"{td}{started.format(tried=tried)}</td></tr>"
            for title, done, tried, total in rows
        )
        done_all = sum(r[1] for r in rows)
        total_all = sum(r[3] for r in rows)
        notices = "".join(f'<p role="alert">⚠ {esc(n)}</p>' for n in self.store.notices[before:])
        self.table.value = (
            f'{notices}<table style="border-collapse: collapse;"><thead><tr><th style="text-align: left;">'
            + _("Section") + "</th><th>" + _("Exercises") + "</th><th>" + _("Started") + "</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
            "<p><strong>" + _("In total: {done} of {total} exercises completed.").format(done=done_all, total=total_all)
            + "</strong> " + _("Your progress is kept in {file}.").format(file=f"<code>{esc(str(self.store.path))}</code>")
            + "</p>"
        )
