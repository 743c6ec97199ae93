"""One learner's submission taken in: answers only, written into ``submitted/`` as a rebuilt notebook.

This is where the trust boundary is crossed. From the files a learner handed in (however they
arrived: an LMS download or the nbgrader exchange), only the answers are taken. What nbgrader
and formgrader then find in ``submitted/<learner>/<quiz>/`` is the trusted quiz and the trusted
course evaluation with those literal answers, and ``timestamp.txt``; nothing else of the
learner's files or folder. The files as received are kept, never run, in ``received/`` for an
audit or a dispute, with a record of where they came from (``intake.json``).

The pre-test, handed in at the start of the course, is taken the same way but kept apart, in
``pretest/`` (:mod:`ssr_grader.intake.pretest`): a later hand-in of the quiz never replaces it.

Every write is atomic: the new folder is built beside the old one and swapped in.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from ssr_widgets.evaluation import EVALUATION_NOTEBOOK, load_evaluation, read_answers

from ..course import Course
from ..files import atomic_write_text
from ..grading.paper import paper_for, rebuild
from ..quiz.evaluation import fill_evaluation
from .notebook import Unreadable, parse_notebook

__all__ = ["Accepted", "Incoming", "Refused", "accept", "accept_safely", "intake_record", "received_dir", "submitted_dir",
           "written_quiz_matches"]

RECORD = "intake.json"


@dataclass(frozen=True)
class Incoming:
    """The files of one learner as they arrived, and who the LMS or the account says the learner is."""

    student: str
    origin: str  # where it came from, in words (e.g. "moodle-download.zip: Jane Doe_212095_assignsubmission_file/…")
    quiz: bytes | None = None
    evaluation: bytes | None = None
    pretest: bytes | None = None
    uploaded: datetime | None = None  # the upload time the LMS or exchange gives, if any
    notes: tuple[str, ...] = field(default=())  # e.g. which of two copies was taken, and why
    # nbgrader's per-submission secret (the exchange's submission_secret.txt, checked to be hex): feedback released
    # through the exchange is filed under a hash of it, so the learner's own nbgrader finds it (fetch_feedback)
    submission_secret: str | None = None


@dataclass(frozen=True)
class Accepted:
    student: str
    status: str  # "new", "updated", "unchanged", or "kept" (only a later pre-test came, and the first one is kept)
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Refused:
    student: str
    reason: str


def received_dir(course: Course, student: str) -> Path:
    return course.root / "received" / student / course.quiz.assignment


def submitted_dir(course: Course, student: str) -> Path:
    return course.root / "submitted" / student / course.quiz.assignment


def written_quiz_matches(course: Course, student: str, record: dict) -> bool:
    """True when ``submitted/`` still holds the quiz notebook this intake wrote (not replaced since)."""
    path = submitted_dir(course, student) / course.quiz.notebook
    try:
        return _sha(path.read_bytes()) == (record.get("written") or {}).get("quiz")
    except OSError:
        return False


def intake_record(course: Course, student: str) -> dict | None:
    """What ``collect`` recorded for this learner's current submission, or None if it did not collect it."""
    path = received_dir(course, student) / RECORD
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _sha(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data is not None else None


def _evaluation_notebook(course: Course, data: bytes) -> nbformat.NotebookNode:
    """The trusted evaluation form with the learner's literal answers (only the form's own variables)."""
    nb = parse_notebook(data)
    known = {f.var for f in load_evaluation().fields}
    given = {k: v for k, v in read_answers(nb).items() if k in known}
    trusted = nbformat.read(course.released_notebook.parent / EVALUATION_NOTEBOOK, as_version=4)
    return fill_evaluation(trusted, given)


def _paper_code(nb: dict) -> str | None:
    """The paper code a submitted quiz says it is (only compared with the learner's own; never trusted for more)."""
    meta = nb.get("metadata")
    marker = meta.get("ssr_quiz") if isinstance(meta, dict) else None
    code = marker.get("paper") if isinstance(marker, dict) else None
    return code if isinstance(code, str) else None


#: nbgrader's name for a submission's secret, kept beside the rebuilt submission for ``release_feedback``.
SUBMISSION_SECRET_FILE = "submission_secret.txt"  # noqa: S105 - a file name, not a password


def accept(course: Course, incoming: Incoming, *, now: datetime | None = None) -> Accepted | Refused:
    """Take one learner's files in; a file that cannot be read refuses only this learner, with the reason."""
    student = incoming.student
    pretest_status, pretest_notes = _pretest(course, incoming, now)
    if incoming.quiz is None and incoming.evaluation is None:  # the pre-test alone, at the start of the course
        if pretest_status is None:
            return Refused(student, "; ".join(pretest_notes) or "neither the quiz nor the course evaluation was found")
        return Accepted(student, pretest_status, tuple(list(incoming.notes) + pretest_notes))
    record = intake_record(course, student)
    digests = {"quiz": _sha(incoming.quiz), "evaluation": _sha(incoming.evaluation)}
    target = submitted_dir(course, student)
    if record and record.get("received") == digests and target.is_dir():
        if pretest_status in ("new", "updated", "kept"):  # only the pre-test is new
            return Accepted(student, "kept" if pretest_status == "kept" else "updated", tuple(pretest_notes))
        return Accepted(student, "unchanged", tuple(record.get("notes", [])))
    notes = list(incoming.notes) + pretest_notes
    files: dict[str, str] = {}
    if incoming.quiz is not None:
        try:
            nb = parse_notebook(incoming.quiz)
        except Unreadable as exc:
            return Refused(student, f"{course.quiz.notebook}: {exc}")
        paper = paper_for(course, student)
        code = _paper_code(nb)
        if code is not None and code != paper.code:
            return Refused(student, f"{course.quiz.notebook}: this is paper {code[:20]!r}, not this learner's own "
                                    f"paper ({paper.code}): their answers would be read against the wrong "
                                    "questions. Ask the learner to answer and hand in their own paper "
                                    f"(papers/{student}/ in the course folder).")
        if code is None:
            notes.append("The quiz carried no paper code (its notebook metadata was removed); the answers were "
                         "read as answers to this learner's own paper.")
        answers = paper.read(nb)
        notes += answers.notes
        files[course.quiz.notebook] = nbformat.writes(rebuild(paper, answers, tuple(notes)))
    if incoming.evaluation is not None:
        try:
            files[EVALUATION_NOTEBOOK] = nbformat.writes(_evaluation_notebook(course, incoming.evaluation))
        except Unreadable as exc:
            notes.append(f"{EVALUATION_NOTEBOOK} was not taken: {exc}.")
        except Exception as exc:  # whatever else a hostile file manages to trigger: this file only
            notes.append(f"{EVALUATION_NOTEBOOK} was not taken: it could not be read ({type(exc).__name__}).")
    if not files:
        return Refused(student, "neither the quiz nor the course evaluation was found")
    when = (incoming.uploaded or now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    files["timestamp.txt"] = when.strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    if incoming.submission_secret is not None:
        files[SUBMISSION_SECRET_FILE] = incoming.submission_secret
    digests_out = {"quiz": _sha(files[course.quiz.notebook].encode("utf-8")) if course.quiz.notebook in files else None}
    status = "updated" if target.is_dir() else "new"
    _swap_in(target, files)
    _keep_originals(course, incoming, digests, digests_out, tuple(notes), now or datetime.now(timezone.utc))
    return Accepted(student, status, tuple(notes))


def _pretest(course: Course, incoming: Incoming, now: datetime | None) -> tuple[str | None, list[str]]:
    """Take the pre-test in, if it came: (its status, or None when it did not come or was not taken; notes)."""
    if incoming.pretest is None:
        return None, []
    from ssr_widgets.pretest import PRETEST_NOTEBOOK

    from .pretest import take_pretest

    try:
        return take_pretest(course, incoming.student, incoming.pretest, incoming.origin, incoming.uploaded, now)
    except Unreadable as exc:
        return None, [f"{PRETEST_NOTEBOOK} was not taken: {exc}."]
    except OSError:
        raise  # the course folder itself: accept_safely says so
    except Exception as exc:  # whatever else a hostile file manages to trigger: this file only
        return None, [f"{PRETEST_NOTEBOOK} was not taken: it could not be read ({type(exc).__name__})."]


def accept_safely(course: Course, incoming: Incoming, now: datetime | None = None) -> Accepted | Refused:
    """:func:`accept`, but nothing one learner's files trigger can stop the others: it becomes a refusal."""
    try:
        return accept(course, incoming, now=now)
    except OSError as exc:  # the course folder itself: say so, and go on with the others
        return Refused(incoming.student, f"could not be written to the course folder ({exc.strerror})")
    except Exception as exc:
        return Refused(incoming.student, f"could not be taken in ({type(exc).__name__}: {str(exc)[:120]!r})")


def _keep_originals(course: Course, incoming: Incoming, digests: dict, written: dict, notes: tuple[str, ...],
                    now: datetime) -> None:
    """Keep the received bytes (never run) and the intake record, for an audit or a dispute."""
    folder = received_dir(course, incoming.student)
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    kept = folder / stamp
    kept.mkdir(parents=True, exist_ok=True)
    for name, data in ((course.quiz.notebook, incoming.quiz), (EVALUATION_NOTEBOOK, incoming.evaluation)):
        if data is not None:
            path = kept / name
            path.write_bytes(data)
            path.chmod(0o600)
    record = {"student": incoming.student, "origin": incoming.origin, "received": digests, "written": written,
              "uploaded": incoming.uploaded.isoformat() if incoming.uploaded else None,
              "collected": now.isoformat(), "originals": stamp, "notes": list(notes)}
    atomic_write_text(folder / RECORD, json.dumps(record, indent=1, ensure_ascii=False))


def _swap_in(target: Path, files: dict[str, str]) -> None:
    """Replace ``target`` by a folder holding exactly ``files``: built beside it, then renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        for name, text in files.items():
            (new / name).write_text(text, encoding="utf-8", errors="replace")
            (new / name).chmod(0o644)
        new.chmod(0o755)
        old = None
        if target.exists() or target.is_symlink():
            old = target.parent / f".{target.name}.old-{os.getpid()}-{new.name[-8:]}"
            os.replace(target, old)
        os.replace(new, target)
        if old is not None:
            shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
