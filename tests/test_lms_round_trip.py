"""Real LMS files, end to end: roster from the LMS's own export, its download collected to the right
learners, graded by nbgrader, and the grades written back into the LMS's own file."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from ssr_grader.cli import main
from ssr_grader.grading.batch import grade_cohort
from ssr_grader.intake.lms.moodle import feedback_member
from ssr_grader.quiz.papers import learner_draw
from ssr_grader.reports.evaluations import read_evaluation

from .lms_fixtures import (
    MOODLE_HEADER,
    Person,
    blackboard_grade_center,
    blackboard_members,
    canvas_gradebook,
    canvas_member,
    moodle_member,
    moodle_worksheet,
    zip_of,
)
from .quiz_helpers import complete_evaluation, fill, fill_evaluation, make_course, paper

AMINA = Person("Amina", "Diallo", "amina@example.org", 212095, 4521, "adiallo")
BRUNO = Person("Bruno", "Costa, Jr", "bruno@example.org", 212096, 4522, "b_costa")
ZOE = Person("-2+3 Zoë", "=HYPERLINK(\"http://x\")", "zoe@example.org", 212097, 4523, "zkovac")  # formulas
PEOPLE = [AMINA, BRUNO, ZOE]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("lms") / "course")


def quiz_bytes(course, student: str, right: int, open_answer: str = "", nb=None) -> bytes:
    """``student``'s own paper (or ``nb``, the paper as they got it) with the first ``right`` questions right and
    the rest wrong (and an open answer, if given)."""
    draw = learner_draw(course, student)
    answers = {s.slot: s.key if n < right else next(x for x in s.letters if x not in s.key)
               for n, s in enumerate(draw.slots)}
    nb = fill(paper(course, student) if nb is None else nb, answers)
    for cell in nb.cells:
        if open_answer and cell.metadata.get("nbgrader", {}).get("grade_id") == course.quiz.open_question.id:
            cell.source = open_answer
    return nbformat.writes(nb).encode()


def evaluation_bytes(course) -> bytes:
    nb = nbformat.read(course.released_notebook.parent / "course_evaluation.ipynb", as_version=4)
    return nbformat.writes(fill_evaluation(nb, complete_evaluation())).encode()


def run(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def hand_mark(course, student: str, points: float) -> None:
    """What a grader does in formgrader: score the open question."""
    from nbgrader.api import Gradebook

    api = course.api()
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        grade = gb.find_grade(course.quiz.open_question.id, Path(course.quiz.notebook).stem, course.quiz.assignment,
                              student)
        grade.manual_score = points
        gb.db.commit()


def test_moodle_worksheet_download_grading_and_upload_files(tmp_path):
    course = make_course(tmp_path / "course")
    worksheet = tmp_path / "Grades-SSR101-End-of-course quiz-42.csv"
    worksheet.write_bytes(moodle_worksheet(PEOPLE))
    out = run("roster", worksheet, "--course-dir", course.root)
    assert "3 added" in out and "Moodle" in out

    # each participant gets their own paper through Moodle's own per-learner channel (feedback files)
    package = tmp_path / "ssr-quiz.zip"
    out = run("release", "--lms-package", package, "--course-dir", course.root)
    assert "Upload multiple feedback files in a zip" in out
    handed_out = {}
    with zipfile.ZipFile(tmp_path / "ssr-quiz-moodle-feedback-files.zip") as zf:
        files = (course.quiz.notebook, "course_evaluation.ipynb", "pre_test.ipynb", "HOW-TO-TAKE-THE-QUIZ.txt")
        assert sorted(zf.namelist()) == sorted(feedback_member(p.full, str(p.moodle), f) for p in PEOPLE for f in files)
        for name in zf.namelist():  # Moodle's importer: the second "_" part is the participant number
            parts = name.split("_", 4)
            assert len(parts) == 5 and parts[2:4] == ["assignfeedback", "file"] and parts[4] in files, name
        assert sorted(name.split("_", 4)[1] for name in zf.namelist()) == \
            sorted(str(p.moodle) for p in PEOPLE for _ in files)
        for p in PEOPLE:  # and each participant's file is their own paper
            nb = nbformat.reads(zf.read(feedback_member(p.full, str(p.moodle), course.quiz.notebook)).decode(),
                                as_version=4)
            assert nb.metadata["ssr_quiz"]["paper"] == learner_draw(course, f"moodle-{p.moodle}").code, p.full
            handed_out[p] = nb
    assert len({nb.metadata["ssr_quiz"]["paper"] for nb in handed_out.values()}) == len(PEOPLE)

    def answered(p, right, open_answer=""):  # what the participant hands in: the paper Moodle gave them
        return quiz_bytes(course, f"moodle-{p.moodle}", right, open_answer, nbformat.from_dict(handed_out[p]))

    total = len(course.quiz.slots)
    members = [
        (moodle_member(AMINA, course.quiz.notebook, "folder"), answered(AMINA, total)),  # Moodle 4.1+ folders
        (moodle_member(AMINA, "course_evaluation.ipynb", "folder"), evaluation_bytes(course)),
        (moodle_member(BRUNO, course.quiz.notebook, "folder3"), answered(BRUNO, 10)),  # Moodle 3.1-4.0 folders
        (moodle_member(ZOE, course.quiz.notebook, "flat"), answered(ZOE, 5, "Local ownership first.")),  # flat
        (moodle_member(ZOE, "notes.ipynb", "flat"), b"{}"),
        ("Eve Intruder_999999_assignsubmission_file/end_of_course_quiz.ipynb",
         quiz_bytes(course, "moodle-999999", total)),
        (moodle_member(BRUNO, "onlinetext.html", "folder").replace("_file", "_onlinetext"), b"<p>hi</p>"),
    ]
    download = tmp_path / "SSR101-End-of-course quiz-42.zip"
    download.write_bytes(zip_of(members))
    out = run("collect", "--zip", download, "--course-dir", course.root)
    assert "Collected 3 learners: 3 new" in out
    assert "Eve Intruder (Moodle participant 999999): not in the roster: not taken" in out
    assert "notes.ipynb" in out and "onlinetext.html" in out

    outcomes = {o.student: o for o in grade_cohort(course, workers=2, progress=False)}
    assert {s: o.score for s, o in outcomes.items()} == {"moodle-212095": total, "moodle-212096": 10,
                                                          "moodle-212097": 5}
    assert read_evaluation(course, "moodle-212095").complete
    hand_mark(course, "moodle-212095", 4)
    hand_mark(course, "moodle-212096", 0)
    run("feedback", "--course-dir", course.root)

    out = run("export", "--course-dir", course.root)
    assert "grades-for-moodle.csv" in out and "Upload grading worksheet" in out
    raw = (course.root / "grades-for-moodle.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw  # Moodle's own encoding and line ends
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == MOODLE_HEADER
    by = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    full = course.quiz.total_points
    assert by["Participant 212095"]["Grade"] == f"{(total + 4) / full * 100:.2f}"
    assert by["Participant 212096"]["Grade"] == f"{10 / full * 100:.2f}"
    assert by["Participant 212097"]["Grade"] == ""  # open answer not marked yet: left for later, and said so
    assert "moodle-212097" in out
    assert by["Participant 212095"]["Full name"] == "Amina Diallo"
    assert by["Participant 212097"]["Full name"].startswith("'-2+3")  # a formula in a name reaches no spreadsheet
    assert "points" in by["Participant 212095"]["Feedback comments"]

    with zipfile.ZipFile(course.root / "feedback-for-moodle.zip") as zf:
        names = zf.namelist()
    # Moodle's importer: the second "_" part of a path part is the participant number
    assert sorted(n.split("_", 4)[1] for n in names) == ["212095", "212096"]  # final scores only
    assert all(n.split("_", 4)[2:4] == ["assignfeedback", "file"] for n in names)


def test_canvas_gradebook_download_with_late_resubmitted_and_anonymous_files(tmp_path):
    course = make_course(tmp_path / "course")
    gradebook = tmp_path / "2026-11-30T0900_Grades-SSR_101.csv"
    gradebook.write_bytes(canvas_gradebook(PEOPLE, "End-of-course quiz", 5501, points="10.00", manual_posting=True))
    out = run("roster", gradebook, "--course-dir", course.root)
    assert "3 added" in out and "test student left out" in out

    total = len(course.quiz.slots)
    members = [
        (canvas_member(AMINA, 9001, course.quiz.notebook), quiz_bytes(course, "canvas-4521", 3)),  # first upload
        (canvas_member(AMINA, 9107, "end_of_course_quiz-1.ipynb"), quiz_bytes(course, "canvas-4521", total)),  # again
        (canvas_member(AMINA, 9108, "course_evaluation.ipynb"), evaluation_bytes(course)),
        (canvas_member(BRUNO, 9050, course.quiz.notebook, late=True), quiz_bytes(course, "canvas-4522", 11)),
        ("anon_Xk3Qp_9060_end_of_course_quiz.ipynb", quiz_bytes(course, "canvas-4523", total)),
        (canvas_member(ZOE, 9070, "end_of_course_quiz.ipynb"), b'{"cells": ' * 200_000),  # deeply nested JSON
    ]
    download = tmp_path / "submissions.zip"
    download.write_bytes(zip_of(members))
    out = run("collect", "--zip", download, "--course-dir", course.root)
    assert "Collected 2 learners" in out
    assert "its Canvas file id is higher" in out  # which copy was taken, and why
    assert "anonymous grading hides who sent this file" in out
    assert "canvas-4523: end_of_course_quiz.ipynb: the notebook file is nested too deeply" in out

    outcomes = {o.student: o for o in grade_cohort(course, workers=1, progress=False)}
    assert outcomes["canvas-4521"].score == total and outcomes["canvas-4522"].score == 11
    hand_mark(course, "canvas-4521", 5)
    hand_mark(course, "canvas-4522", 2)
    out = run("export", "--course-dir", course.root)
    assert "End-of-course quiz (5501)" in out
    rows = list(csv.reader((course.root / "grades-for-canvas.csv").open(encoding="utf-8")))
    original = list(csv.reader(io.StringIO(gradebook.read_text(encoding="utf-8"))))
    assert rows[0] == original[0] and rows[1] == original[1] and rows[2] == original[2]  # header and special rows
    col = rows[0].index("End-of-course quiz (5501)")
    by = {r[1]: r for r in rows[3:]}
    full = course.quiz.total_points
    assert by["4521"][col] == f"{(total + 5) / full * 10:.2f}"  # on Canvas's 10 points
    assert by["4522"][col] == f"{13 / full * 10:.2f}"
    assert by["4523"][col] == ""  # nothing graded: nothing written
    assert by["4521"][5] == "4.00" and by["4521"][-1] == "0.00"  # other assignments and totals left alone
    assert by["4523"][0].startswith("'=HYPERLINK")


def test_blackboard_download_with_underscores_and_an_impossible_time(tmp_path):
    course = make_course(tmp_path / "course")
    costa = Person("Carl", "Costa", "carl@example.org", 1, 2, "costa")  # "costa" is also how "b_costa" ends
    grade_center = tmp_path / "gc_SSR101_fullgc_2024-06-03-14-05-09.csv"
    grade_center.write_bytes(blackboard_grade_center([*PEOPLE, costa]))
    out = run("roster", grade_center, "--course-dir", course.root)
    assert "4 added" in out and "Blackboard" in out

    total = len(course.quiz.slots)
    quiz = course.quiz.notebook
    members = (
        blackboard_members("SSR_Final quiz", AMINA, "2024-06-03-14-05-09", quiz, quiz_bytes(course, "adiallo", 2))
        + blackboard_members("SSR_Final quiz", AMINA, "2024-06-03-16-00-00", quiz,
                             quiz_bytes(course, "adiallo", total))
        + blackboard_members("SSR_Final quiz", BRUNO, "2024-06-03-14-05-09", quiz, quiz_bytes(course, "b-costa", 7))
        + blackboard_members("SSR_Final quiz", ZOE, "2024-13-45-99-00-00", quiz, quiz_bytes(course, "zkovac", 4))
        # Zoë names a file like another learner's later attempt: it stays hers, and is not the quiz
        + blackboard_members("SSR_Final quiz", ZOE, "2024-06-03-14-10-00",
                             f"adiallo_attempt_2099-01-01-00-00-00_{quiz}", quiz_bytes(course, "adiallo", 0))
    )
    download = tmp_path / "gradebook_SSR101_SSR_Final quiz_2024-06-03-17-00-00.zip"
    download.write_bytes(zip_of(members))
    out = run("collect", "--zip", download, "--course-dir", course.root)
    assert "Collected 3 learners" in out
    assert "upload time in the LMS's file name is later" in out
    assert "not a real date" in out
    assert "adiallo_attempt_2099-01-01-00-00-00_end_of_course_quiz.ipynb: not end_of_course_quiz.ipynb" in out
    outcomes = {o.student: o.score for o in grade_cohort(course, workers=1, progress=False)}
    assert outcomes == {"adiallo": total, "b-costa": 7, "zkovac": 4}  # b_costa: Blackboard's username, our id


def test_blackboard_username_without_receipt_is_never_guessed():
    from ssr_grader.intake.download import _resolve
    from ssr_grader.intake.lms import parse_member

    upload = parse_member("SSR_Final quiz_j_doe_attempt_2024-06-03-14-05-09_end_of_course_quiz.ipynb")
    known = {"blackboard:doe": "doe", "blackboard:j_doe": "j-doe"}
    assert _resolve(upload, known, {"SSR_Final quiz_j_doe": "j_doe"})[0] == "j-doe"  # the receipt decides
    student, _, why = _resolve(upload, known, {})
    assert student is None and "fits several roster usernames (doe, j_doe)" in why
    student, _, why = _resolve(upload, known, {"SSR_Final quiz_j_doe": "mallory"})
    assert student is None and "receipt names mallory" in why
