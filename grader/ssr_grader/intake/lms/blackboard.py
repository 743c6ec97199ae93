"""Blackboard Learn's assignment download and Grade Center file.

* Download (Grade Center column → Assignment File Download): ``<Assignment>_<username>_attempt_
  <YYYY-MM-DD-HH-MM-SS>_<file>`` for each file, and ``<Assignment>_<username>_attempt_<time>.txt``,
  a receipt naming the learner (``Name: Jane Doe (jdoe)``). Assignment names and usernames may
  both hold ``_``: the username is the one on the attempt's receipt, else the only ending of the
  prefix that is a username of the roster; when several fit, the file is not taken.
* Grade Center download: ``Last Name``, ``First Name``, ``Username``, ``Student ID``, ... and one
  column per item ``<name> [Total Pts: <n> ...] |<column id>``; learners are matched by Username.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from . import Upload

__all__ = ["candidates", "is_grade_center", "parse_member", "receipt_username"]

# The prefix is the shortest that fits: the first "_attempt_<time>" is Blackboard's own; a learner's file
# name (after it) may hold another, which must never decide who sent the file or when.
_MEMBER = re.compile(r"^(?P<prefix>[^/]+?)_attempt_(?P<time>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})(?:_(?P<name>[^/]+)|"
                     r"(?P<receipt>\.txt))$")


def _time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%d-%H-%M-%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return None  # an impossible date: the upload time is unknown, and the report says so


def parse_member(name: str) -> Upload | None:
    m = _MEMBER.match(name)
    if not m:
        return None
    prefix = m.group("prefix")
    # the username is decided against the roster (see candidates); keep the whole prefix as the key for now
    return Upload("blackboard", prefix, m.group("name") or "", f"{prefix} (Blackboard)",
                  uploaded=_time(m.group("time")), receipt=bool(m.group("receipt")))


_RECEIPT_NAME = re.compile(r"^Name:.*\(([^()\s]+)\)\s*$", re.MULTILINE)


def receipt_username(text: str) -> str | None:
    """The username on Blackboard's receipt (``Name: Jane Doe (jdoe)``), or None."""
    m = _RECEIPT_NAME.search(text)
    return m.group(1) if m else None


def candidates(prefix: str) -> list[str]:
    """Every username that ``<Assignment>_<username>`` may end with, the shortest first."""
    parts = prefix.split("_")
    return ["_".join(parts[i:]) for i in range(len(parts) - 1, 0, -1)]


def is_grade_center(header: list[str]) -> bool:
    return all(col in header for col in ("Last Name", "First Name", "Username"))
