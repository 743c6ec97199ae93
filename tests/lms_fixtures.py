"""Files as Moodle, Canvas and Blackboard write them (see fixtures/lms/FORMATS.md for the sources).

Each builder takes learners and uploaded files and returns the bytes the LMS would give the
trainer: a grading worksheet or gradebook export, and a "download all submissions" zip.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    email: str
    moodle: int  # participant number (per assignment)
    canvas: int  # Canvas user id
    username: str  # Blackboard username

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


def _php_csv(rows: list[list[str]]) -> str:
    """PHP fputcsv's quoting: a field is quoted if it holds , " a line break, a tab or a space."""
    out = []
    for row in rows:
        cells = []
        for cell in row:
            if re.search(r'[,"\n\r\t ]', cell):
                cell = '"' + cell.replace('"', '""') + '"'
            cells.append(cell)
        out.append(",".join(cells))
    return "\n".join(out) + "\n"


MOODLE_HEADER = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade", "Grade can be changed",
                 "Last modified (submission)", "Last modified (grade)", "Feedback comments"]


def moodle_worksheet(people: list[Person], maximum: str = "100.00") -> bytes:
    """Moodle 4.x "Download grading worksheet": UTF-8 with BOM, LF, PHP quoting."""
    rows = [MOODLE_HEADER]
    for p in people:
        rows.append([f"Participant {p.moodle}", p.full, p.email, "Submitted for grading", "", maximum, "Yes",
                     "Monday, 3 June 2024, 2:05 PM", "-", ""])
    return b"\xef\xbb\xbf" + _php_csv(rows).encode("utf-8")


def moodle_member(p: Person, filename: str, form: str = "folder") -> str:
    """A member name of Moodle's download: folder (4.1+), folder3 (3.1-4.0) or flat."""
    name = re.sub(r"[\x00-\x1f&<>\"`|':\\/]", "", p.full.replace("_", " "))  # Moodle's clean_filename
    prefix = f"{name}_{p.moodle}_assignsubmission_file"
    return {"folder": f"{prefix}/{filename}", "folder3": f"{prefix}_/{filename}", "flat": f"{prefix}_{filename}"}[form]


def zip_of(members: list[tuple[str, bytes]], date_time=(2024, 6, 3, 14, 5, 9)) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, date_time=date_time), data)
    return buf.getvalue()


def canvas_sortable(p: Person) -> str:
    return re.sub(r"[^\w]", "", f"{p.last}, {p.first}".lower())


def canvas_member(p: Person, attachment: int, filename: str, late: bool = False) -> str:
    return f"{canvas_sortable(p)}{'_LATE' if late else ''}_{p.canvas}_{attachment}_{filename}"


def canvas_gradebook(people: list[Person], title: str, assignment_id: int, points: str = "10.00",
                     bom: bool = False, manual_posting: bool = False, test_student: bool = True,
                     delimiter: str = ",") -> bytes:
    """Canvas "Export Entire Gradebook": Student, ID, SIS User ID, SIS Login ID, Section, assignments, totals."""
    import csv

    totals = ["Assignments Current Points", "Assignments Final Points", "Assignments Current Score",
              "Assignments Unposted Current Score", "Assignments Final Score", "Assignments Unposted Final Score",
              "Current Points", "Final Points", "Current Score", "Unposted Current Score", "Final Score",
              "Unposted Final Score"]
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Reading check (1201)",
              f"{title} ({assignment_id})", *totals]
    rows = [header]
    if manual_posting:
        rows.append(["", "", "", "", "", "", "Manual Posting", *[""] * len(totals)])
    rows.append(["    Points Possible", "", "", "", "", "5.00", points, *["(read only)"] * len(totals)])
    for p in people:
        rows.append([f"{p.last}, {p.first}", str(p.canvas), f"S{p.canvas}", p.username, "SSR 101", "4.00", "",
                     *["0.00"] * len(totals)])
    if test_student:
        rows.append(["Student, Test", "99999", "", "", "SSR 101", "", "", *["0.00"] * len(totals)])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n", delimiter=delimiter).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8")


def blackboard_members(assignment: str, p: Person, stamp: str, filename: str, data: bytes) -> list[tuple[str, bytes]]:
    """One Blackboard attempt: the file and its receipt."""
    base = f"{assignment}_{p.username}_attempt_{stamp}"
    receipt = (f"Name: {p.full} ({p.username})\nAssignment: {assignment}\nDate Submitted: Monday, 3 June 2024 "
               f"14:05:09 o'clock BST\nCurrent Grade: Needs Grading\n\nSubmission Field:\nThere is no student "
               "submission text data for this assignment.\n\nComments:\nThere are no student comments for this "
               f"assignment.\n\nFiles:\n\tOriginal filename: {filename}\n\tFilename: {base}_{filename}\n")
    return [(f"{base}.txt", receipt.encode("utf-8")), (f"{base}_{filename}", data)]


def blackboard_grade_center(people: list[Person], column: str = "End-of-course quiz [Total Pts: 26 Score] |664617"
                            ) -> bytes:
    rows = [["Last Name", "First Name", "Username", "Student ID", "Last Access", "Availability", column]]
    for p in people:
        rows.append([p.last, p.first, p.username, f"S{p.canvas}", "2024-06-03 14:05:09", "Yes", ""])
    text = "\n".join(",".join(f'"{c}"' for c in row) for row in rows) + "\n"
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def collect_from_moodle(course, folder, uploads: dict[Person, list[tuple[str, bytes]]]):
    """What a trainer does with Moodle: import the worksheet, then collect the download. Returns the report."""
    from ssr_grader.intake.download import collect_download
    from ssr_grader.intake.roster import read_roster, sync_gradebook

    folder.mkdir(parents=True, exist_ok=True)
    worksheet = folder / "Grades-SSR101-quiz-42.csv"
    worksheet.write_bytes(moodle_worksheet(list(uploads)))
    learners, _ = read_roster(worksheet)
    api = course.api()
    sync_gradebook(api.coursedir.db_url, api.coursedir.course_id, learners)
    download = folder / "SSR101-quiz-42.zip"
    download.write_bytes(zip_of([(moodle_member(p, name), data) for p, files in uploads.items()
                                 for name, data in files]))
    return collect_download(course, download)
