"""Moodle's assignment files: "Download all submissions", the grading worksheet, and feedback files.

* Download: ``<Full name>_<participant>_assignsubmission_file/<file>`` (folders, Moodle 4.1+),
  ``..._file_/<file>`` (folders, 3.1-4.0) or ``..._file_<file>`` (flat). Moodle turns ``_`` in
  names into spaces, so the participant number is the first ``_<digits>_assignsubmission_``.
  Only the latest attempt is in a download.
* Grading worksheet: ``Identifier`` (``Participant 212095``), ``Full name``, ``Email address``,
  ``Status``, ``Grade``, ``Maximum Grade``, ..., ``Last modified (grade)``, ``Feedback comments``;
  UTF-8 with a byte-order mark. On upload Moodle reads only ``Identifier``, ``Grade``,
  ``Last modified (grade)`` and the feedback column, found by their header text.
* Feedback files zip: the second ``_`` part of a path part is the participant number.
"""

from __future__ import annotations

import re

from . import Upload

__all__ = ["WORKSHEET_COLUMNS", "feedback_member", "is_worksheet", "parse_member", "participant"]

_MEMBER = re.compile(r"^(?P<who>[^/]*?)_(?P<key>\d+)_assignsubmission_(?P<plugin>[a-z]+)(?:_?/(?P<path>.+)|_(?P<flat>.+))$",
                     re.DOTALL)
WORKSHEET_COLUMNS = ("Identifier", "Grade", "Maximum Grade", "Last modified (grade)")
_PARTICIPANT = re.compile(r"^Participant (\d+)$")


def parse_member(name: str) -> Upload | None:
    m = _MEMBER.match(name)
    if not m:
        return None
    filename = (m.group("path") or m.group("flat") or "").rsplit("/", 1)[-1]
    who = m.group("who").strip() or "Participant"
    return Upload("moodle", m.group("key"), filename, f"{who} (Moodle participant {m.group('key')})")


def is_worksheet(header: list[str]) -> bool:
    return all(col in header for col in ("Identifier", "Grade", "Last modified (grade)"))


def participant(identifier: str) -> str | None:
    """``"212095"`` for ``"Participant 212095"`` (the worksheet's Identifier), else None."""
    m = _PARTICIPANT.match(identifier.strip())
    return m.group(1) if m else None


def feedback_member(full_name: str, key: str, filename: str) -> str:
    """A member name that Moodle's "Upload multiple feedback files in a zip" puts on participant ``key``."""
    who = re.sub(r"[_/\\\x00-\x1f]+", " ", full_name).strip() or "Participant"
    return f"{who}_{key}_assignfeedback_file_{filename}"
