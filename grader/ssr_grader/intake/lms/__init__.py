"""The LMSes trainers use, one module each: how each names a learner in its downloads, its roster file, and
how it takes grades back. See ``tests/fixtures/lms/FORMATS.md`` for the formats and their sources.

A learner's identity is the LMS's own part of a path in its download (Moodle's participant
number, Canvas's user id, Blackboard's username), matched to the roster that came from the same
LMS. The file name a learner chose is never identity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

__all__ = ["LMS_NAMES", "Upload", "parse_member", "split_copy"]

LMS_NAMES = {"moodle": "Moodle", "canvas": "Canvas", "blackboard": "Blackboard"}


@dataclass(frozen=True)
class Upload:
    """What an LMS's download says about one of its files."""

    lms: str  # "moodle", "canvas" or "blackboard"
    key: str  # the LMS's id of the learner (participant number, user id, username)
    filename: str  # the file's own name, after the LMS's prefix
    who: str  # the learner as the LMS names them in the path, for messages
    uploaded: datetime | None = None  # the upload time, when the LMS puts it in the name
    order: int = 0  # the LMS's own order between copies (Canvas: its file id; higher is newer)
    receipt: bool = False  # Blackboard's submission receipt (.txt), not a learner's file
    anonymous: bool = False  # Canvas anonymous grading: the path does not say who it is


def parse_member(name: str) -> Upload | None:
    """The first LMS whose download naming fits ``name``, or None when none does."""
    from . import blackboard, canvas, moodle

    for module in (moodle, blackboard, canvas):
        upload = module.parse_member(name)
        if upload is not None:
            return upload
    return None


_COPY = re.compile(r"^(?P<stem>.+?)(?:-(?P<dash>\d+)| \((?P<paren>\d+)\)|-Copy(?P<copy>\d+))?(?P<ext>\.ipynb)$",
                   re.IGNORECASE)


def split_copy(filename: str) -> tuple[str, int]:
    """``("quiz.ipynb", 1)`` for ``quiz-1.ipynb``, ``quiz (1).ipynb`` or ``quiz-Copy1.ipynb``; copy 0 otherwise.

    Canvas renames a re-uploaded file ``-1``, ``-2``; browsers and desktops add `` (1)``;
    JupyterLab's "Duplicate" adds ``-Copy1``.
    """
    m = _COPY.match(filename)
    if not m:
        return filename, 0
    number = m.group("dash") or m.group("paren") or m.group("copy")
    return m.group("stem") + m.group("ext"), int(number) if number else 0
