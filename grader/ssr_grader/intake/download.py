"""An LMS's "download all submissions" zip, taken in as it comes: Moodle, Canvas or Blackboard.

Each file in the download is matched to a learner by the LMS's own part of its path (see
:mod:`ssr_grader.intake.lms`) and the roster imported from the same LMS; a file that matches
nobody is listed, never guessed. Of several copies of the same notebook, the newest by the LMS's
own record (upload time, file id, copy number) is taken and the choice is stated; copies that
differ with nothing to tell them apart are not taken. One bad file never stops the others, and
every problem is reported once, in the summary, with the file and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ssr_widgets.evaluation import EVALUATION_NOTEBOOK
from ssr_widgets.pretest import PRETEST_NOTEBOOK

from ..course import Course
from .archive import Limits, Member, Skipped, display_name, read_archive
from .lms import LMS_NAMES, Upload, blackboard, parse_member, split_copy
from .submission import Accepted, Incoming, Refused, accept_safely

__all__ = ["CollectReport", "collect_download", "identities"]


@dataclass
class CollectReport:
    accepted: list[Accepted] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "<file>: <reason>", for files not taken
    receipts: int = 0  # Blackboard's receipts, read past

    @property
    def collected(self) -> tuple[str, ...]:
        return tuple(a.student for a in self.accepted)


def identities(course: Course) -> dict[str, str]:
    """``{"moodle:212095": learner id, ...}`` from the gradebook's roster (nbgrader's ``lms_user_id``).

    A learner from our own CSV roster is also known as ``"blackboard:<id>"``: a Blackboard
    username is the id a trainer puts in that file.
    """
    from nbgrader.api import Gradebook

    coursedir = course.api().coursedir
    out: dict[str, str] = {}
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        for st in gb.students:
            out.setdefault(f"blackboard:{st.id}", st.id)
            if st.lms_user_id:
                out[st.lms_user_id] = st.id
    return out


@dataclass(frozen=True)
class _Copy:
    upload: Upload
    member: Member
    copy: int

    def rank(self) -> tuple:
        return (self.upload.uploaded or datetime.min.replace(tzinfo=timezone.utc), self.upload.order, self.copy,
                self.member.modified)


def _why_newer(best: _Copy, other: _Copy) -> str:
    if (best.upload.uploaded or other.upload.uploaded) and best.upload.uploaded != other.upload.uploaded:
        return "its upload time in the LMS's file name is later"
    if best.upload.order != other.upload.order:
        return "its Canvas file id is higher (uploaded later)"
    if best.copy != other.copy:
        return f"its copy number ({best.copy}) is higher than the other's ({other.copy})"
    return "its date inside the download is later"


def _choose(student: str, notebook: str, copies: list[_Copy]) -> tuple[_Copy | None, str | None]:
    """The copy to take, and a sentence saying which and why (None when there was only one)."""
    if len(copies) == 1:
        return copies[0], None
    ranked = sorted(copies, key=_Copy.rank, reverse=True)
    best, second = ranked[0], ranked[1]
    if all(c.member.data == best.member.data for c in ranked[1:]):
        return best, None  # the same file twice
    if best.rank() == second.rank():
        names = ", ".join(display_name(c.member.name) for c in ranked)
        return None, (f"{student}: {len(copies)} different copies of {notebook} and nothing in the download says "
                      f"which is newer ({names}): none taken; ask the learner which one counts")
    return best, (f"{len(copies)} copies of {notebook}; took {display_name(best.member.name)} because "
                  f"{_why_newer(best, second)}")


def _resolve(upload: Upload, known: dict[str, str], receipts: dict[str, str]) -> tuple[str | None, Upload, str]:
    """The learner id for an upload (or None and why), and the upload with its key settled (Blackboard's username)."""
    if upload.lms != "blackboard":
        return known.get(f"{upload.lms}:{upload.key}"), upload, "not in the roster"
    fits = [name for name in blackboard.candidates(upload.key) if f"blackboard:{name}" in known]
    on_receipt = receipts.get(upload.key)
    if on_receipt is not None:
        fits = [name for name in fits if name == on_receipt]
        why = f"its receipt names {display_name(on_receipt)}, who is not in the roster"
    else:
        why = "not in the roster"
    if len(fits) > 1:
        return None, upload, (f"the name fits several roster usernames ({', '.join(fits)}) and the download has no "
                              "receipt to tell which")
    if not fits:
        return None, upload, why
    name = fits[0]
    return known[f"blackboard:{name}"], Upload(upload.lms, name, upload.filename, f"{name} (Blackboard)",
                                               upload.uploaded, upload.order, upload.receipt), ""


def collect_download(course: Course, archive: Path, limits: Limits | None = None,
                     now: datetime | None = None) -> CollectReport:
    """Take in every learner's quiz, evaluation and pre-test from an LMS download; see the module's docstring."""
    report = CollectReport()
    known = identities(course)
    notebooks = {name.lower(): name for name in (course.quiz.notebook, EVALUATION_NOTEBOOK, PRETEST_NOTEBOOK)}
    found: dict[tuple[str, str], list[_Copy]] = {}
    origin = display_name(archive.name)
    items = list(read_archive(archive, limits or Limits()))
    receipts = {}  # Blackboard: attempt prefix -> the username on that attempt's receipt
    for item in items:
        upload = parse_member(item.name) if isinstance(item, Member) else None
        if upload is not None and upload.receipt:
            username = blackboard.receipt_username(item.data[:4096].decode("utf-8", "replace"))
            if username:
                receipts[upload.key] = username
    for item in items:
        if isinstance(item, Skipped):
            report.problems.append(f"{display_name(item.name)}: {item.reason}")
            continue
        upload = parse_member(item.name)
        if upload is None:
            report.problems.append(f"{display_name(item.name)}: not named the way Moodle, Canvas or Blackboard name "
                                   "files in their downloads: not taken (was the download renamed or re-packed?)")
            continue
        if upload.receipt:
            report.receipts += 1
            continue
        if upload.anonymous:
            report.problems.append(f"{display_name(item.name)}: Canvas anonymous grading hides who sent this file: not "
                                   "taken. Turn anonymous grading off for the quiz, or grade it in SpeedGrader")
            continue
        student, upload, why = _resolve(upload, known, receipts)
        if student is None:
            report.problems.append(
                f"{display_name(item.name)}: {display_name(upload.who)}: {why}: not taken. Import the roster from "
                f"{LMS_NAMES[upload.lms]} first (ssr-trainer roster <the LMS's file>)")
            continue
        base, copy = split_copy(upload.filename)
        notebook = notebooks.get(base.lower())
        if notebook is None:
            report.problems.append(f"{display_name(item.name)}: not {course.quiz.notebook}, {EVALUATION_NOTEBOOK} or "
                                   f"{PRETEST_NOTEBOOK} (learner {student}): not taken")
            continue
        found.setdefault((student, notebook), []).append(_Copy(upload, item, copy))

    per_student: dict[str, dict] = {}
    for (student, notebook), copies in sorted(found.items()):
        chosen, note = _choose(student, notebook, copies)
        entry = per_student.setdefault(student, {"files": {}, "notes": [], "uploaded": None, "origin": []})
        if chosen is None:
            report.problems.append(note or "")
            continue
        if note:
            entry["notes"].append(note)
        if chosen.upload.lms == "blackboard" and chosen.upload.uploaded is None:
            entry["notes"].append(f"the upload time in {display_name(chosen.member.name)} is not a real date; "
                                  "the time of collection is used")
        entry["files"][notebook] = chosen.member.data
        entry["origin"].append(display_name(chosen.member.name))
        if chosen.upload.uploaded and (entry["uploaded"] is None or chosen.upload.uploaded > entry["uploaded"]):
            entry["uploaded"] = chosen.upload.uploaded
    for student, entry in per_student.items():
        if not entry["files"]:
            continue
        incoming = Incoming(student, f"{origin}: {'; '.join(entry['origin'])}",
                            quiz=entry["files"].get(course.quiz.notebook),
                            evaluation=entry["files"].get(EVALUATION_NOTEBOOK),
                            pretest=entry["files"].get(PRETEST_NOTEBOOK),
                            uploaded=entry["uploaded"], notes=tuple(entry["notes"]))
        result = accept_safely(course, incoming, now)
        (report.accepted if isinstance(result, Accepted) else report.refused).append(result)
    return report
