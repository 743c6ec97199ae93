"""Grades back to the LMS in the LMS's own file: Moodle's grading worksheet and feedback zip, Canvas's gradebook CSV.

When the roster came from an LMS file (``ssr-trainer roster`` keeps a copy in ``lms/``), that
same file is written back with the quiz's grades filled in, every other column as the LMS wrote
it, so the trainer uploads it unchanged: Moodle's "Upload grading worksheet" (and "Upload
multiple feedback files in a zip"), Canvas's "Import" in the gradebook. Only learners whose
score is final get a grade; those still waiting for hand-marking are left blank and listed.
Grades are scaled to the LMS's maximum for the assignment. Text cells that would start a
spreadsheet formula are neutralised; the file's encoding, byte-order mark and separator are kept.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..course import Course
from ..files import atomic_write_bytes, atomic_write_text
from ..intake.lms import canvas, moodle
from .csvfile import safe_cell
from .export import GradeRow, grade_rows

__all__ = ["LmsExport", "LmsExportError", "keep_roster_file", "lms_roster", "write_lms_files"]

LMS_DIR = "lms"


class LmsExportError(ValueError):
    """The LMS file cannot be filled in (e.g. no quiz column found); the message says what to do."""


@dataclass
class LmsExport:
    lms: str
    files: list[Path] = field(default_factory=list)
    graded: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # final score not known yet: left blank
    notes: list[str] = field(default_factory=list)


def keep_roster_file(course: Course, lms: str, source: Path) -> Path:
    """Keep a copy of the LMS's roster file in the course folder, to write grades back into it later."""
    folder = course.root / LMS_DIR
    copy = atomic_write_bytes(folder / f"{lms}-roster.csv", source.read_bytes())
    atomic_write_text(folder / "roster.json", json.dumps(
        {"lms": lms, "file": source.name, "imported": datetime.now(timezone.utc).isoformat()}, ensure_ascii=False))
    return copy


def lms_roster(course: Course) -> tuple[str, Path, str] | None:
    """``(lms, kept copy, original file name)`` of the last LMS roster imported, or None."""
    try:
        meta = json.loads((course.root / LMS_DIR / "roster.json").read_text(encoding="utf-8"))
        lms = meta["lms"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    path = course.root / LMS_DIR / f"{lms}-roster.csv"
    return (lms, path, str(meta.get("file", path.name))) if path.exists() else None


def _read(path: Path) -> tuple[list[list[str]], str, bool, str]:
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    newline = "\r\n" if "\r\n" in text[:4096] else "\n"
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), delimiter, bom, newline


def _write(path: Path, rows: list[list[str]], delimiter: str, bom: bool, newline: str) -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return atomic_write_text(path, buf.getvalue(), encoding="utf-8-sig" if bom else "utf-8")


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return None


def _scaled(row: GradeRow, maximum: float, decimal_comma: bool) -> str:
    value = f"{round(row.score / row.max_score * maximum, 2):.2f}"
    return value.replace(".", ",") if decimal_comma else value


def _final(row: GradeRow) -> bool:
    return row.score is not None and not row.needs_hand_marking


def _summary(row: GradeRow, course: Course) -> str:
    verdict = "passed" if row.passed(course.quiz.pass_mark) else "not passed"
    return (f"{course.quiz.title}: {row.score:g} of {row.max_score:g} points ({row.percent:g} %), {verdict} "
            f"(pass mark {course.quiz.pass_percent} %).")


def _moodle(course: Course, source: Path, out_dir: Path, rows: dict[str, GradeRow]) -> LmsExport:
    table, delimiter, bom, newline = _read(source)
    header = table[0]
    col = {h: i for i, h in enumerate(header)}
    result = LmsExport("moodle")
    feedback_col = col.get("Feedback comments")
    members: dict[str, bytes] = {}
    for line in table[1:]:
        if not line or len(line) <= col["Grade"]:
            continue
        key = moodle.participant(line[col["Identifier"]])
        row = rows.get(f"moodle-{key}") if key else None
        if row is None or row.score is None:
            continue
        if not _final(row):
            result.waiting.append(row.id)
            continue
        maximum = _number(line[col["Maximum Grade"]]) if "Maximum Grade" in col else None
        if maximum is None:
            raise LmsExportError(f"{source.name}: participant {key} has no number in 'Maximum Grade' "
                                 "(a scale, not points?): set the assignment's grade type to Point in Moodle")
        line[col["Grade"]] = _scaled(row, maximum, "," in line[col["Maximum Grade"]])
        if feedback_col is not None and len(line) > feedback_col:
            if line[feedback_col].strip():
                result.notes.append(f"{row.id}: the feedback already in Moodle's worksheet was kept")
            else:
                line[feedback_col] = _summary(row, course)
        result.graded.append(row.id)
        html = course.root / "feedback" / row.id / course.quiz.assignment / course.quiz.notebook.replace(".ipynb", ".html")
        if html.exists():
            name = line[col["Full name"]] if "Full name" in col else ""
            members[moodle.feedback_member(name, key, f"{Path(course.quiz.notebook).stem}-feedback.html")] = \
                html.read_bytes()
    safe = [header] + [[c if i in (col["Grade"], feedback_col) else safe_cell(c) for i, c in enumerate(line)]
                       for line in table[1:]]
    result.files.append(_write(out_dir / "grades-for-moodle.csv", safe, delimiter, bom, newline))
    if members:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in sorted(members.items()):
                zf.writestr(name, data)
        result.files.append(atomic_write_bytes(out_dir / "feedback-for-moodle.zip", buf.getvalue()))
    else:
        result.notes.append("no feedback files yet (run ssr-trainer feedback): no feedback zip written")
    return result


def _canvas_column(course: Course, header: list[str], column: str | None) -> int:
    import re

    titled = [(i, h) for i, h in enumerate(header) if re.search(r"\(\d+\)\s*$", h)]
    if column:
        hits = [i for i, h in titled if h.strip() == column.strip() or h.rsplit("(", 1)[0].strip() == column.strip()]
    else:
        def plain(text: str) -> str:
            return " ".join(re.findall(r"[^\W_]+", text.lower()))

        quiz_title, quiz_id = plain(course.quiz.title), plain(course.quiz.assignment)
        hits = [i for i, h in titled
                if (t := plain(h.rsplit("(", 1)[0])) and (t in quiz_title or quiz_id in t or quiz_title in t)]
    if len(hits) != 1:
        names = "; ".join(h for _, h in titled) or "none"
        why = "no assignment column names the quiz" if not hits else "several assignment columns name the quiz"
        raise LmsExportError(f"the Canvas gradebook: {why}. Give the column with  --lms-column \"<title>\"  "
                             f"(assignment columns: {names})")
    return hits[0]


def _canvas(course: Course, source: Path, out_dir: Path, rows: dict[str, GradeRow], column: str | None) -> LmsExport:
    table, delimiter, bom, newline = _read(source)
    header = table[0]
    target = _canvas_column(course, header, column)
    id_col = header.index("ID")
    maximum = None
    result = LmsExport("canvas")
    result.notes.append(f"grades are in the column {header[target]!r}")
    for line in table[1:]:
        if line and "Points Possible" in line[0]:
            maximum = _number(line[target]) if len(line) > target else None
            continue
        if not line or canvas.is_points_row(line) or len(line) <= target:
            continue
        row = rows.get(f"canvas-{line[id_col].strip()}")
        if row is None or row.score is None:
            continue
        if not _final(row):
            result.waiting.append(row.id)
            continue
        if maximum is None:
            raise LmsExportError(f"{source.name}: no 'Points Possible' for {header[target]!r}; "
                                 "give the assignment points in Canvas and export the gradebook again")
        line[target] = _scaled(row, maximum, False)
        result.graded.append(row.id)
    safe = [header] + [[c if i == target else safe_cell(c) for i, c in enumerate(line)] for line in table[1:]]
    result.files.append(_write(out_dir / "grades-for-canvas.csv", safe, delimiter, bom, newline))
    return result


def write_lms_files(course: Course, out_dir: Path, *, canvas_column: str | None = None) -> LmsExport | None:
    """Write the grades back into the LMS roster file kept by ``roster``; None when the roster was our own CSV."""
    found = lms_roster(course)
    if found is None:
        return None
    lms, source, _ = found
    rows = {r.id: r for r in grade_rows(course)}
    if lms == "moodle":
        return _moodle(course, source, out_dir, rows)
    if lms == "canvas":
        return _canvas(course, source, out_dir, rows, canvas_column)
    return LmsExport(lms, notes=[f"{lms.capitalize()}: upload grades.csv by username (Grade Center → Work Offline)"])
