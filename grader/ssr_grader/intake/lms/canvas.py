"""Canvas's assignment files: "Download Submissions" and the gradebook CSV (export and import).

* Download: ``<sortablename>[_LATE]_<user id>_<file id>_<file name>`` (the sortable name lower
  case, without punctuation), or ``[LATE_]anon_<anonymous id>_<file id>_<file name>`` under
  anonymous grading. A re-uploaded file is renamed ``quiz-1.ipynb``; a higher file id is a later
  upload. Only the current submission is in a download.
* Gradebook CSV: ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``, one column
  per assignment titled ``<title> (<assignment id>)``, totals; an optional ``Manual Posting`` row
  and a ``    Points Possible`` row before the learners. On import Canvas matches learners by
  ``ID`` and ignores the totals columns.
"""

from __future__ import annotations

import re

from . import Upload

__all__ = ["is_gradebook", "is_points_row", "parse_member", "split_student"]

_MEMBER = re.compile(r"^(?P<who>\w*?)(?:_LATE)?_(?P<key>\d+)_(?P<file>\d+)_(?P<name>[^/]+)$")
_ANON = re.compile(r"^(?:LATE_)?anon_(?P<key>[A-Za-z0-9]+)_(?P<file>\d+)_(?P<name>[^/]+)$")


def parse_member(name: str) -> Upload | None:
    if m := _ANON.match(name):
        return Upload("canvas", f"anon_{m.group('key')}", m.group("name"),
                      f"anonymous Canvas learner {m.group('key')}", order=int(m.group("file")), anonymous=True)
    m = _MEMBER.match(name)
    if not m or "assignsubmission_" in name:
        return None
    return Upload("canvas", m.group("key"), m.group("name"), f"{m.group('who') or '?'} (Canvas user {m.group('key')})",
                  order=int(m.group("file")))


def is_gradebook(header: list[str]) -> bool:
    first = [h.strip() for h in header[:3]]
    return (first[:2] == ["Student", "ID"] or first == ["LastName", "FirstName", "ID"]) and any(
        "Section" in h for h in header)


def is_points_row(row: list[str]) -> bool:
    """Canvas's ``Points Possible`` row, or its ``Manual Posting`` / ``Muted`` row."""
    if row and "Points Possible" in row[0]:
        return True
    cells = [c.strip() for c in row if c.strip()]
    return bool(cells) and all(c.startswith(("Manual Posting", "Muted")) for c in cells)


def split_student(sortable: str) -> tuple[str, str]:
    """``("Jane", "Doe")`` for Canvas's ``"Doe, Jane"``; a name without a comma is all first name."""
    last, sep, first = sortable.partition(",")
    return (first.strip(), last.strip()) if sep else (sortable.strip(), "")
