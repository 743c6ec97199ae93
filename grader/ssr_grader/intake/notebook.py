"""A notebook file as received: bytes read with limits, parsed as plain JSON, never trusted.

Whatever a learner hands in is read here before anything else looks at it. The checks are the
ones that once stopped a whole batch: a huge file, bytes that are not text, broken JSON, and
JSON nested so deeply that the parser runs out of stack. Each becomes a plain-language reason.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["MAX_NOTEBOOK_BYTES", "Unreadable", "cell_text", "parse_notebook", "read_notebook"]

#: The largest notebook accepted (10 MB). The quiz with every answer and its outputs is ~100 kB.
MAX_NOTEBOOK_BYTES = 10 * 1024 * 1024


class Unreadable(ValueError):
    """The file cannot be used; ``str(exc)`` says why, in words a trainer can pass on."""


def parse_notebook(data: bytes, limit: int = MAX_NOTEBOOK_BYTES) -> dict:
    """The notebook's JSON as plain Python data, or :class:`Unreadable` with the reason."""
    if len(data) > limit:
        raise Unreadable(f"the file is too large ({len(data) / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable("the file is not a notebook (it is not text)") from None
    try:
        nb = json.loads(text)
    except RecursionError:
        raise Unreadable("the notebook file is nested too deeply to be a real notebook") from None
    except json.JSONDecodeError as exc:
        raise Unreadable(f"the notebook file is damaged (not valid JSON at line {exc.lineno}); "
                         "ask the learner to upload it again") from None
    except ValueError as exc:  # e.g. numbers too long to convert
        raise Unreadable(f"the notebook file is damaged ({str(exc)[:80]})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise Unreadable("the file is not a Jupyter notebook (no cells)")
    return nb


def read_notebook(path: Path, limit: int = MAX_NOTEBOOK_BYTES) -> dict:
    """Read and parse a notebook file that is already on the trainer's disk (size checked first)."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise Unreadable(f"the file is too large ({size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"the file could not be read ({exc.strerror})") from None
    return parse_notebook(data, limit)


def cell_text(cell: object) -> str | None:
    """A cell's source as one string, or None when the cell is not shaped like a notebook cell."""
    if not isinstance(cell, dict):
        return None
    source = cell.get("source", "")
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return "".join(source)
    return None
