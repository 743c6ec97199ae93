"""Blackboard Learn's assignment download and Grade Center file.

* Download (Grade Center column → Assignment File Download): ``<Assignment>_<username>_attempt_
  <YYYY-MM-DD-HH-MM-SS>_<file>`` for each file, and ``<Assignment>_<username>_attempt_<time>.txt``,
  a receipt. Assignment names and usernames may both hold ``_``, so the username is the part that
  is a username of the roster.
* Grade Center download: ``Last Name``, ``First Name``, ``Username``, ``Student ID``, ... and one
  column per item ``<name> [Total Pts: <n> ...] |<column id>``; learners are matched by Username.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from . import Upload

__all__ = ["candidates", "is_grade_center", "parse_member"]

_MEMBER = re.compile(r"^(?P<prefix>[^/]+)_attempt_(?P<time>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})(?:_(?P<name>[^/]+)|"
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


def candidates(prefix: str) -> list[str]:
    """Every username that ``<Assignment>_<username>`` may end with, the shortest first."""
    parts = prefix.split("_")
    return ["_".join(parts[i:]) for i in range(len(parts) - 1, 0, -1)]


def is_grade_center(header: list[str]) -> bool:
    return all(col in header for col in ("Last Name", "First Name", "Username"))
