"""Cohort roster: read a CSV of learners, report every bad row at once, and sync nbgrader's gradebook.

A roster comes from a spreadsheet or an LMS export, so it may carry a byte-order mark, Windows
line ends, a legacy encoding, stray spaces, or names in any script. Names are kept exactly as
written (Unicode intact). Learner ids must be usable as nbgrader student ids and in upload
file names (``<id>_<notebook>.ipynb``), so they are letters, digits, dots and hyphens.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

__all__ = ["Learner", "RosterError", "SyncReport", "read_roster", "sync_gradebook"]

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$")
# Accepted header names for each field (case and spaces do not matter).
HEADERS = {
    "id": ("id", "learner id", "learner_id", "student id", "student_id", "username"),
    "first_name": ("first name", "first_name", "firstname", "given name", "given_name"),
    "last_name": ("last name", "last_name", "lastname", "surname", "family name", "family_name"),
    "email": ("email", "e-mail", "email address"),
}


@dataclass(frozen=True)
class Learner:
    id: str
    first_name: str
    last_name: str
    email: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class RosterError(ValueError):
    """The roster has problems; ``problems`` lists every one, with its row number."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{path.name}: {len(problems)} problem(s):\n" + "\n".join(f"  {p}" for p in problems))


def _decode(raw: bytes) -> tuple[str, str | None]:
    """Text of the file and, if it was not UTF-8, a note naming the encoding used."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    for enc in ("utf-16",) if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ():
        return raw.decode(enc), f"read as {enc.upper()}"
    return raw.decode("cp1252", errors="replace"), "not UTF-8: read as Windows-1252; check accented names"


def read_roster(path: Path) -> tuple[list[Learner], list[str]]:
    """Read and validate a roster CSV. Returns (learners, notes); raises RosterError listing all bad rows."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(path, [f"cannot read the file: {exc.strerror}"]) from None
    text, encoding_note = _decode(raw)
    notes = [encoding_note] if encoding_note else []
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = [r for r in reader]
    if not rows:
        raise RosterError(path, ["the file is empty"])
    header = [unicodedata.normalize("NFC", h).strip().lower() for h in rows[0]]
    columns: dict[str, int] = {}
    problems: list[str] = []
    for field, names in HEADERS.items():
        for i, h in enumerate(header):
            if h in names:
                columns[field] = i
                break
        else:
            problems.append(f"header: no column for {field.replace('_', ' ')} (accepted names: {', '.join(names)})")
    if problems:
        raise RosterError(path, problems)

    learners: list[Learner] = []
    seen: dict[str, int] = {}
    seen_email: dict[str, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank line
        values = {f: unicodedata.normalize("NFC", row[i]).strip() if i < len(row) else "" for f, i in columns.items()}
        row_problems = [f"row {n}: missing {f.replace('_', ' ')}" for f in ("id", "first_name", "email")
                        if not values[f]]
        lid = values["id"]
        if lid and not ID_PATTERN.match(lid):
            row_problems.append(f"row {n}: id {lid!r} may only use letters, digits, '.' and '-' (at most 64)")
        elif lid:
            key = lid.lower()
            if key in seen:
                row_problems.append(f"row {n}: id {lid!r} is already used in row {seen[key]}")
            else:
                seen[key] = n
        email = values["email"]
        if email:
            try:
                email = validate_email(email, check_deliverability=False).normalized
            except EmailNotValidError as exc:
                row_problems.append(f"row {n}: email {values['email']!r} is not valid ({exc})")
            else:
                if email.lower() in seen_email:
                    row_problems.append(f"row {n}: email {email} is already used in row {seen_email[email.lower()]}")
                seen_email.setdefault(email.lower(), n)
        if row_problems:
            problems += row_problems
            continue
        learners.append(Learner(lid, values["first_name"], values["last_name"], email))
    if problems:
        raise RosterError(path, problems)
    if not learners:
        raise RosterError(path, ["no learners in the file (only a header)"])
    return learners, notes


@dataclass(frozen=True)
class SyncReport:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    not_in_roster: tuple[str, ...]  # in the gradebook already; kept, never deleted


def sync_gradebook(db_url: str, course_id: str, learners: list[Learner]) -> SyncReport:
    """Add new learners and update changed names or emails; never remove anyone or their grades."""
    from nbgrader.api import Gradebook, MissingEntry

    added, updated, unchanged = [], [], []
    with Gradebook(db_url, course_id) as gb:
        existing = {s.id for s in gb.students}
        for lr in learners:
            fields = {"first_name": lr.first_name, "last_name": lr.last_name, "email": lr.email}
            try:
                st = gb.find_student(lr.id)
            except MissingEntry:
                gb.add_student(lr.id, **fields)
                added.append(lr.id)
                continue
            if (st.first_name, st.last_name, st.email) != (lr.first_name, lr.last_name, lr.email):
                gb.update_or_create_student(lr.id, **fields)
                updated.append(lr.id)
            else:
                unchanged.append(lr.id)
        others = sorted(existing - {lr.id for lr in learners})
    return SyncReport(tuple(added), tuple(updated), tuple(unchanged), tuple(others))
