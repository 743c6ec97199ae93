"""Cohort roster: read our CSV or an LMS's own file, report every bad row at once, and sync nbgrader's gradebook.

A roster comes from a spreadsheet or an LMS export, so it may carry a byte-order mark, Windows
line ends, a legacy encoding, stray spaces, or names in any script. Names are kept exactly as
written (Unicode intact). Learner ids must be usable as nbgrader student ids and in upload
file names (``<id>_<notebook>.ipynb``), so they are letters, digits, dots and hyphens.

Our CSV may have a ``language`` column: the language of the learner's certificate and badge (``en`` or ``fr``;
``English``, ``French`` and ``Français`` are accepted too; empty is English). ``ssr-trainer roster`` keeps it in
the course folder (``learner-languages.csv``), because nbgrader's gradebook has no place for it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from ..credentials.language import LANGUAGES, parse_language
from ..files import atomic_write_text

__all__ = ["LANGUAGES_FILE", "Learner", "RosterError", "SyncReport", "learner_languages", "read_roster", "roster_lms",
           "save_languages", "sync_gradebook"]

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$")
# Accepted header names for each field (case and spaces do not matter).
HEADERS = {
    "id": ("id", "learner id", "learner_id", "student id", "student_id", "username"),
    "first_name": ("first name", "first_name", "firstname", "given name", "given_name"),
    "last_name": ("last name", "last_name", "lastname", "surname", "family name", "family_name"),
    "email": ("email", "e-mail", "email address"),
}
#: Optional columns: a roster without them is read as before.
OPTIONAL_HEADERS = {"language": ("language", "lang", "langue")}
#: Each learner's certificate language, in the course folder (a CSV: git ignores the course folder's *.csv).
LANGUAGES_FILE = "learner-languages.csv"


@dataclass(frozen=True)
class Learner:
    id: str
    first_name: str
    last_name: str
    email: str
    lms_key: str | None = None  # "moodle:212095", "canvas:4521", "blackboard:jdoe": the LMS's id of this learner
    language: str | None = None  # "en" or "fr" from the roster's language column; None when it has none

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


def _rows(path: Path) -> tuple[list[list[str]], list[str], bytes]:
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
    rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    if not rows:
        raise RosterError(path, ["the file is empty"])
    return rows, notes, raw


@dataclass(frozen=True)
class _Entry:
    row: int
    id: str
    first_name: str
    last_name: str
    email: str
    lms_key: str | None = None
    language: str | None = None  # the cell as written; None when the roster has no language column


def _plain_entries(path: Path, header: list[str], rows: list[list[str]]) -> list[_Entry]:
    low = [unicodedata.normalize("NFC", h).strip().lower() for h in header]
    columns: dict[str, int] = {}
    problems = []
    for field, names in HEADERS.items():
        for i, h in enumerate(low):
            if h in names:
                columns[field] = i
                break
        else:
            problems.append(f"header: no column for {field.replace('_', ' ')} (accepted names: {', '.join(names)})")
    if problems:
        raise RosterError(path, problems)
    for field, names in OPTIONAL_HEADERS.items():
        columns[field] = next((i for i, h in enumerate(low) if h in names), None)
    return [_Entry(n, *(_cell(row, columns[f]) for f in ("id", "first_name", "last_name", "email")), None,
                   None if columns["language"] is None else _cell(row, columns["language"]))
            for n, row in enumerate(rows[1:], start=2)]


def _cell(row: list[str], i: int | None) -> str:
    return unicodedata.normalize("NFC", row[i]).strip() if i is not None and i < len(row) else ""


def _moodle_entries(header: list[str], rows: list[list[str]]) -> tuple[list[_Entry], list[str]]:
    from .lms.moodle import participant

    col = {h: i for i, h in enumerate(header)}
    entries, problems = [], []
    for n, row in enumerate(rows[1:], start=2):
        ident = _cell(row, col["Identifier"])
        if not ident:
            continue
        key = participant(ident)
        if key is None:
            problems.append(f"row {n}: Identifier {ident!r} is not Moodle's 'Participant <number>'")
            continue
        first, _, last = _cell(row, col.get("Full name")).partition(" ")
        entries.append(_Entry(n, f"moodle-{key}", first, last, _cell(row, col.get("Email address")), f"moodle:{key}"))
    return entries, problems


def _canvas_entries(header: list[str], rows: list[list[str]]) -> tuple[list[_Entry], list[str], list[str]]:
    from .lms.canvas import is_points_row, split_student

    col = {h.strip(): i for i, h in enumerate(header)}
    entries, problems, notes = [], [], []
    for n, row in enumerate(rows[1:], start=2):
        if is_points_row(row):
            continue
        uid = _cell(row, col["ID"])
        if "Student" in col:
            first, last = split_student(_cell(row, col["Student"]))
        else:
            first, last = _cell(row, col.get("FirstName")), _cell(row, col.get("LastName"))
        if (last, first) == ("Student", "Test"):
            notes.append(f"row {n}: Canvas's test student left out")
            continue
        if not uid.isdigit():
            problems.append(f"row {n}: ID {uid!r} is not a Canvas user id (a number)")
            continue
        entries.append(_Entry(n, f"canvas-{uid}", first, last, "", f"canvas:{uid}"))
    return entries, problems, notes


def _blackboard_entries(header: list[str], rows: list[list[str]]) -> list[_Entry]:
    col = {h: i for i, h in enumerate(header)}
    out = []
    for n, row in enumerate(rows[1:], start=2):
        user = _cell(row, col["Username"])
        lid = re.sub(r"[^A-Za-z0-9.-]", "-", user).strip("-.")[:64] if user else ""
        out.append(_Entry(n, lid, _cell(row, col["First Name"]), _cell(row, col["Last Name"]), "",
                          f"blackboard:{user}" if user else None))
    return out


_BAD_NAME = re.compile(r"[<>\x00-\x1f\x7f]")


def read_roster(path: Path) -> tuple[list[Learner], list[str]]:
    """Read and validate a roster: our CSV, Moodle's grading worksheet, Canvas's gradebook export or
    Blackboard's Grade Center download, as downloaded. Returns (learners, notes); raises RosterError
    listing every bad row. Learners from an LMS file carry the LMS's id for them (``lms_key``).
    """
    from .lms import blackboard, canvas, moodle

    rows, notes, _ = _rows(path)
    header = [unicodedata.normalize("NFC", h).strip() for h in rows[0]]
    problems: list[str] = []
    lms = None
    if moodle.is_worksheet(header):
        lms = "moodle"
        entries, problems = _moodle_entries(header, rows)
        if "Full name" not in header:
            notes.append("the worksheet has no names (blind marking): grading works, but certificates need "
                         "names; import the worksheet again once identities are revealed")
    elif canvas.is_gradebook(header):
        lms = "canvas"
        entries, problems, more = _canvas_entries(header, rows)
        notes += more
    elif blackboard.is_grade_center(header):
        lms = "blackboard"
        entries = _blackboard_entries(header, rows)
    else:
        entries = _plain_entries(path, header, rows)
    if lms:
        notes.insert(0, f"read as {lms.capitalize()}'s own file: learners are matched to their uploads by the "
                        f"{ {'moodle': 'participant number', 'canvas': 'Canvas user id', 'blackboard': 'username'}[lms]}")

    learners: list[Learner] = []
    seen: dict[str, int] = {}
    seen_email: dict[str, int] = {}
    required = ("id",) if lms == "moodle" and "Full name" not in header else \
        ("id", "first_name") if lms else ("id", "first_name", "email")
    for e in entries:
        n = e.row
        values = {"id": e.id, "first_name": e.first_name, "last_name": e.last_name, "email": e.email}
        if not any(values.values()):
            continue  # blank line
        row_problems = [f"row {n}: missing {f.replace('_', ' ')}" for f in required if not values[f]]
        for f in ("first_name", "last_name"):
            if _BAD_NAME.search(values[f]):
                row_problems.append(f"row {n}: {f.replace('_', ' ')} {values[f]!r} holds '<', '>' or a control "
                                    "character, which no real name has")
        lid = e.id
        if lid and not ID_PATTERN.match(lid):
            row_problems.append(f"row {n}: id {lid!r} may only use letters, digits, '.' and '-' (at most 64)")
        elif lid:
            key = lid.lower()
            if key in seen:
                row_problems.append(f"row {n}: id {lid!r} is already used in row {seen[key]}")
            else:
                seen[key] = n
        language = None
        if e.language is not None:
            try:
                language = parse_language(e.language)
            except ValueError as exc:
                row_problems.append(f"row {n}: {exc}")
        email = e.email
        if email:
            try:
                email = validate_email(email, check_deliverability=False).normalized
            except EmailNotValidError as exc:
                row_problems.append(f"row {n}: email {e.email!r} is not valid ({exc})")
            else:
                if email.lower() in seen_email:
                    row_problems.append(f"row {n}: email {email} is already used in row {seen_email[email.lower()]}")
                seen_email.setdefault(email.lower(), n)
        if row_problems:
            problems += row_problems
            continue
        learners.append(Learner(lid, e.first_name, e.last_name, email, e.lms_key, language))
    if problems:
        raise RosterError(path, problems)
    if not learners:
        raise RosterError(path, ["no learners in the file (only a header)"])
    return learners, notes


def learner_languages(course_root: Path) -> dict[str, str]:
    """Each learner's certificate language as the last roster with a language column said (``{id: "fr"}``)."""
    path = Path(course_root) / LANGUAGES_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    out = {}
    for n, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if n == 1 or not row:
            continue
        if len(row) != 2 or row[1] not in LANGUAGES:
            raise ValueError(f"{path}: row {n} is damaged ({row!r}): import the roster again (ssr-trainer roster)")
        out[row[0]] = row[1]
    return out


def save_languages(course_root: Path, learners: list[Learner]) -> dict[str, int] | None:
    """Record the roster's languages in the course folder; a learner not in this roster keeps theirs.

    Returns how many learners of this roster have each language, or None (nothing written) when the roster has no
    language column: an LMS file or an older CSV leaves the recorded languages as they are.
    """
    given = {lr.id: lr.language for lr in learners if lr.language is not None}
    if not given:
        return None
    known = learner_languages(course_root)
    known.update(given)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "language"])
    writer.writerows(sorted(known.items()))
    atomic_write_text(Path(course_root) / LANGUAGES_FILE, buf.getvalue())
    counts = {lang: 0 for lang in LANGUAGES}
    for lang in given.values():
        counts[lang] += 1
    return counts


def roster_lms(learners: list[Learner]) -> str | None:
    """The LMS a roster came from (``"moodle"``, ``"canvas"``, ``"blackboard"``), or None for our own CSV."""
    keys = {lr.lms_key.split(":", 1)[0] for lr in learners if lr.lms_key}
    return keys.pop() if len(keys) == 1 else None


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
            fields = {"first_name": lr.first_name, "last_name": lr.last_name, "email": lr.email or None,
                      "lms_user_id": lr.lms_key}
            try:
                st = gb.find_student(lr.id)
            except MissingEntry:
                gb.add_student(lr.id, **fields)
                added.append(lr.id)
                continue
            fields["lms_user_id"] = lr.lms_key or st.lms_user_id  # our own CSV keeps the LMS id already known
            fields["email"] = lr.email or st.email  # an LMS file without emails keeps the ones already known
            if (st.first_name, st.last_name, st.email, st.lms_user_id) != tuple(fields.values()):
                gb.update_or_create_student(lr.id, **fields)
                updated.append(lr.id)
            else:
                unchanged.append(lr.id)
        others = sorted(existing - {lr.id for lr in learners})
    return SyncReport(tuple(added), tuple(updated), tuple(unchanged), tuple(others))
