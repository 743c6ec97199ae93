"""Submissions from the nbgrader exchange (a JupyterHub or shared server), taken in only from their owner.

nbgrader's ``submit`` names the folder it drops in ``inbound/`` after the learner id it is given,
and any learner can give another's (``nbgrader submit --student=<someone else>``); nbgrader's own
``collect`` only logs a warning then. Here the learner is the *account that owns the files*: a
folder or notebook owned by anyone but the account of the learner it names is flagged and not
taken, so it can never replace that learner's submission. Links, other file types and files over
the size limit are not read. Of a learner's own submissions the newest is taken.

On Kubernetes (hub/k8s/) every learner's server runs as the same user, so file owners prove nothing.
There the hub mounts, as each learner's ``inbound/``, a folder of their own on the shared volume,
``inbound-by-user/<user name>/``, named from their login and not from anything they write. A
submission there is the learner's whose folder holds it, and one that names anybody else is flagged.
Folders on the way to a file must be real folders, never links (a link could reach another learner's
folder on the trainer's side of the volume).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from ssr_widgets.evaluation import EVALUATION_NOTEBOOK
from ssr_widgets.pretest import PRETEST_NOTEBOOK

from ..course import Course
from ..quiz.papers import PAPERS_DIR
from .archive import display_name
from .download import CollectReport
from .notebook import MAX_NOTEBOOK_BYTES
from .submission import Accepted, Incoming, Refused, accept_safely

__all__ = ["PER_USER_INBOUND", "account_uid", "collect_exchange", "inbound_folder"]

#: The folder of per-learner inbound folders on Kubernetes, beside ``inbound/`` (see hub/k8s/values.yaml).
PER_USER_INBOUND = "inbound-by-user"


def account_uid(name: str) -> int | None:
    """The user id of the system account ``name`` (one account per learner on a hub), or None."""
    try:
        import pwd
    except ImportError:  # Windows has no accounts of this kind: nothing can be checked, nothing is taken
        return None
    try:
        return pwd.getpwnam(name).pw_uid
    except (KeyError, UnicodeEncodeError):
        return None


def inbound_folder(course: Course) -> Path:
    cfg = course.config()
    root = Path(course.exchange or cfg.Exchange.get("root", "/srv/nbgrader/exchange"))
    return root / course.api().coursedir.course_id / "inbound"


def _owner(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"user id {uid}"


def _read_own_file(folder: Path, name: str, uid: int | None) -> tuple[bytes | None, str | None]:
    """The bytes of ``folder/name`` if it is a plain file of the right owner and size; else (None, why).

    ``uid`` None: the folder itself says whose the file is (a per-learner inbound folder), owners are not
    compared. Either way every folder between ``folder`` and the file must be a real folder, not a link.
    """
    path = folder / name
    for depth in range(1, len(Path(name).parts)):
        step = folder.joinpath(*Path(name).parts[:depth])
        try:
            if not stat.S_ISDIR(step.lstat().st_mode):
                return None, f"{name}: {Path(name).parts[depth - 1]} is not a real folder (a link?): not read"
        except FileNotFoundError:
            return None, None
        except OSError as exc:
            return None, f"{name} could not be read ({exc.strerror})"
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"{name} could not be read ({exc.strerror})"
    if not stat.S_ISREG(st.st_mode):
        return None, f"{name} is not a plain file (a link or another kind of file): not read"
    if uid is not None and st.st_uid != uid:
        return None, f"{name} belongs to {_owner(st.st_uid)}, not to the learner: not read"
    if st.st_size > MAX_NOTEBOOK_BYTES:
        return None, f"{name} is too large ({st.st_size / 1e6:.1f} MB): not read"
    try:  # open without following links or waiting on a pipe, then check what was opened, not the path
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return None, f"{name} could not be read ({exc.strerror})"
    with os.fdopen(fd, "rb") as fh:
        opened = os.fstat(fh.fileno())
        if (not stat.S_ISREG(opened.st_mode) or (uid is not None and opened.st_uid != uid)
                or opened.st_size > MAX_NOTEBOOK_BYTES):
            return None, f"{name} changed while it was being read: not read"
        return fh.read(MAX_NOTEBOOK_BYTES + 1), None


def _own_pretest(folder: Path, student: str, uid: int | None) -> tuple[bytes | None, str | None]:
    data, problem = _read_own_file(folder, f"{PAPERS_DIR}/{student}/{PRETEST_NOTEBOOK}", uid)
    if data is None and problem is None:
        data, problem = _read_own_file(folder, PRETEST_NOTEBOOK, uid)
    return data, problem


def _first_pretest(submissions: list[tuple[datetime, Path]], student: str,
                   uid: int | None) -> tuple[bytes | None, str | None]:
    """The pre-test of the learner's first submission that has one with answers (else of their newest).

    The exchange keeps every submission, so the pre-test handed in at the start is found even when the
    trainer first collects at the end of the course.
    """
    from ssr_widgets.pretest import read_answers

    from .notebook import Unreadable, parse_notebook

    for _when, folder in submissions:
        data, _problem = _own_pretest(folder, student, uid)
        if data is None:
            continue
        try:
            if any(v.strip() for v in read_answers(parse_notebook(data)).values()):
                return data, None
        except Unreadable:
            continue
    return _own_pretest(submissions[-1][1], student, uid)


_SECRET = re.compile(r"[0-9a-f]{32,256}")


def _submission_secret(folder: Path, uid: int | None) -> str | None:
    """The secret nbgrader's submit wrote into this submission (hex only), which ``release_feedback`` files the
    learner's feedback under; None when it is missing, not the learner's own, or not what nbgrader writes."""
    data, _problem = _read_own_file(folder, "submission_secret.txt", uid)
    if data is None or len(data) > 512:
        return None
    text = data.decode("ascii", errors="replace").strip()
    return text if _SECRET.fullmatch(text) else None


def collect_exchange(course: Course, *, uid_of: Callable[[str], int | None] = account_uid,
                     now: datetime | None = None) -> CollectReport:
    """Take in the newest submission of each learner from the exchange's inbound folder (the pre-test: the first)."""
    inbound = inbound_folder(course)
    if not inbound.is_dir():
        raise FileNotFoundError(f"no exchange inbound folder at {inbound}: "
                                "has the quiz been released (ssr-trainer release)?")
    report = CollectReport()
    newest: dict[str, tuple[datetime, Path, int | None]] = {}
    every: dict[str, list[tuple[datetime, Path]]] = {}  # each learner's own submissions: the pre-test's is the first
    for entry, shown, account in _submission_entries(inbound, report):
        found = _submission_of(course, entry, shown, account, uid_of, report)
        if found is None:
            continue
        student, when, uid = found
        if student not in newest or when > newest[student][0]:
            newest[student] = (when, Path(entry.path), uid)
        every.setdefault(student, []).append((when, Path(entry.path)))
    for student, (when, folder, uid) in sorted(newest.items()):
        # the learner's own paper, as released (papers/<account>/), else a quiz moved to the top of the folder
        quiz, problem_q = _read_own_file(folder, f"{PAPERS_DIR}/{student}/{course.quiz.notebook}", uid)
        if quiz is None and problem_q is None:
            quiz, problem_q = _read_own_file(folder, course.quiz.notebook, uid)
        evaluation, problem_e = _read_own_file(folder, f"{PAPERS_DIR}/{student}/{EVALUATION_NOTEBOOK}", uid)
        if evaluation is None and problem_e is None:
            evaluation, problem_e = _read_own_file(folder, EVALUATION_NOTEBOOK, uid)
        pretest, problem_p = _first_pretest(sorted(every[student], key=lambda e: e[0]), student, uid)
        secret = _submission_secret(folder, uid)
        notes = tuple(p for p in (problem_q, problem_e, problem_p) if p)
        if quiz is None and evaluation is None and pretest is None:
            report.refused.append(Refused(student, "; ".join(notes) or
                                          f"neither {course.quiz.notebook} nor {EVALUATION_NOTEBOOK} was submitted"))
            continue
        result = accept_safely(course, Incoming(student, f"exchange: inbound/{display_name(folder.name)}", quiz=quiz,
                                                evaluation=evaluation, pretest=pretest, uploaded=when, notes=notes,
                                                submission_secret=secret),
                               now)
        (report.accepted if isinstance(result, Accepted) else report.refused).append(result)
    return report


def _submission_entries(inbound: Path, report: CollectReport):
    """(entry, name to show, account the folder vouches for or None) of every entry in inbound/ and, where the
    hub gives each learner a folder of their own (Kubernetes), in inbound-by-user/<account>/."""
    for entry in sorted(os.scandir(inbound), key=lambda e: e.name):
        yield entry, f"inbound/{display_name(entry.name)}", None
    per_user = inbound.parent / PER_USER_INBOUND
    try:
        accounts = sorted(os.scandir(per_user), key=lambda e: e.name)
    except FileNotFoundError:
        return
    for account in accounts:
        shown = f"{PER_USER_INBOUND}/{display_name(account.name)}"
        if not account.is_dir(follow_symlinks=False):
            report.problems.append(f"{shown}: not a folder (a link or a file): not taken")
            continue
        for entry in sorted(os.scandir(account.path), key=lambda e: e.name):
            yield entry, f"{shown}/{display_name(entry.name)}", account.name


def _submission_of(course: Course, entry: os.DirEntry, shown: str, account: str | None,
                   uid_of: Callable[[str], int | None], report: CollectReport):
    """(learner, time, uid to check files against or None) of one submission folder, or None (with the problem
    noted) when it is not one of this quiz's or cannot be trusted."""
    from nbgrader.utils import parse_utc

    parts = entry.name.rsplit("+", 3)
    if len(parts) != 4 or parts[1] != course.quiz.assignment:
        if len(parts) != 4:
            report.problems.append(f"{shown}: not a submission folder of nbgrader: not taken")
        return None
    student, stamp = parts[0], parts[2]
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError as exc:
        report.problems.append(f"{shown}: could not be read ({exc.strerror})")
        return None
    if not stat.S_ISDIR(st.st_mode):
        report.problems.append(f"{shown}: not a folder (a link or a file): not taken")
        return None
    uid: int | None
    if account is not None:  # the hub chose the folder from the login: it, not the owner, says whose it is
        if student != account:
            report.problems.append(f"{shown}: flagged, not taken: it says it is from {display_name(student)} "
                                   f"but was handed in by {display_name(account)}")
            return None
        uid = None
    else:
        uid = uid_of(student)
        if uid is None:
            report.problems.append(f"{shown}: flagged, not taken: there is no account named "
                                   f"{display_name(student)} on this server")
            return None
        if st.st_uid != uid:
            report.problems.append(f"{shown}: flagged, not taken: it says it is from "
                                   f"{display_name(student)} but belongs to {_owner(st.st_uid)}")
            return None
    try:
        when = parse_utc(stamp)
    except Exception:  # nbgrader's parser raises several kinds for an impossible date
        report.problems.append(f"{shown}: its time ({display_name(stamp)}) is not a real date: not taken")
        return None
    return student, (when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when), uid
