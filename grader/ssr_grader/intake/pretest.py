"""A learner's pre-test taken in: answers only, kept apart from the quiz, and the first answered copy kept.

The pre-test measures what a learner knew *at the start*, so the copy that counts is the first
one handed in with answers: a later copy (the same file handed in again with the quiz, perhaps
changed after the course) is kept for the record but does not replace it. It lives in
``pretest/<learner>/``, not in ``submitted/``: the quiz's submission folder is replaced whole at
each hand-in, and nbgrader has no business with the pre-test. As with the quiz and the evaluation,
only the literal answers to the pre-test's own questions are taken, into the trusted form.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from ssr_widgets.pretest import PRETEST_NOTEBOOK, load_pretest, read_answers

from ..course import Course
from ..files import atomic_write_bytes, atomic_write_text
from ..quiz.evaluation import fill_evaluation as fill_answers
from ..quiz.pretest import build_pretest_notebook
from .notebook import parse_notebook

__all__ = ["PRETEST_DIR", "pretest_dir", "take_pretest"]

PRETEST_DIR = "pretest"
RECORD = "pretest.json"


def pretest_dir(course: Course, student: str) -> Path:
    return course.root / PRETEST_DIR / student


def _trusted_form(course: Course) -> nbformat.NotebookNode:
    """The pre-test as released (what learners answered), or as the content gives it if none was released."""
    released = course.released_notebook.parent / PRETEST_NOTEBOOK
    if released.exists():
        return nbformat.read(released, as_version=4)
    return build_pretest_notebook(load_pretest())


def _answered(values: dict) -> dict[str, str]:
    return {k: v for k, v in values.items() if isinstance(v, str) and v.strip()}


def take_pretest(course: Course, student: str, data: bytes, origin: str, uploaded: datetime | None,
                 now: datetime | None = None) -> tuple[str, list[str]]:
    """Store one learner's pre-test; returns (status, notes), status "new", "updated", "unchanged" or "kept".

    Raises :class:`~ssr_grader.intake.notebook.Unreadable` for a file that is not a notebook.
    """
    now = now or datetime.now(timezone.utc)
    nb = parse_notebook(data)
    known = {f.var for f in load_pretest().fields}
    given = {k: v for k, v in read_answers(nb).items() if k in known}
    folder = pretest_dir(course, student)
    record = _record(folder)
    stored = _answered(record.get("answers", {})) if record else {}
    if stored and _answered(given) == stored:
        return "unchanged", []
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    kept = folder / "received" / f"{stamp}-{PRETEST_NOTEBOOK}"
    atomic_write_bytes(kept, data).chmod(0o600)  # as received, never run: for an audit or a dispute
    if stored:
        when = record.get("uploaded") or record.get("collected") or "earlier"
        note = (f"{PRETEST_NOTEBOOK}: a later copy with different answers was not used (kept in "
                f"{kept.relative_to(course.root)}): the pre-test counts as first handed in ({when}), because it "
                f"measures what the learner knew at the start. To use the new copy, delete "
                f"{folder.relative_to(course.root)}/ and collect again.")
        return "kept", [note]
    status = "updated" if record else "new"
    filled = fill_answers(_trusted_form(course), given)
    atomic_write_text(folder / PRETEST_NOTEBOOK, nbformat.writes(filled))
    atomic_write_text(folder / RECORD, json.dumps({
        "student": student, "origin": origin, "received": hashlib.sha256(data).hexdigest(),
        "uploaded": uploaded.isoformat() if uploaded else None, "collected": now.isoformat(),
        "original": str(kept.relative_to(folder)), "answers": given,
    }, indent=1, ensure_ascii=False))
    notes = [] if _answered(given) else [f"{PRETEST_NOTEBOOK} came in without answers; a later copy with answers "
                                          "will replace it."]
    return status, notes


def _record(folder: Path) -> dict | None:
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("answers", {}), dict) else None
