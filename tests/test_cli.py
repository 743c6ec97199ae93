"""The trainer's command line: help with examples, clear errors, and a next step after each success."""

from __future__ import annotations

import nbformat
from click.testing import CliRunner

from ssr_grader.cli import main

from .quiz_helpers import complete_evaluation, fill, fill_evaluation, known_mix, make_course, submit_files


def test_help_lists_commands_with_examples():
    out = CliRunner().invoke(main, ["--help"]).output
    assert "Examples:" in out and all(cmd in out for cmd in ("build-quiz", "roster", "grade"))
    assert "Example:" in CliRunner().invoke(main, ["grade", "--help"]).output


def test_roster_then_grade(tmp_path):
    course = make_course(tmp_path / "course")
    roster = tmp_path / "cohort.csv"
    roster.write_text("id,first name,last name,email\namina,Amina,Diallo,a@example.org\nbo,Bo,Li,b@example.org\n")
    runner = CliRunner()
    result = runner.invoke(main, ["roster", str(roster), "--course-dir", str(course.root)])
    assert result.exit_code == 0, result.output
    assert "2 added, 0 updated, 0 unchanged" in result.output and "Next: release the quiz" in result.output

    bad = tmp_path / "bad.csv"
    bad.write_text("id,first name,last name,email\nx_y,X,Y,not-an-email\n")
    result = runner.invoke(main, ["roster", str(bad), "--course-dir", str(course.root)])
    assert result.exit_code == 1 and "row 2: id 'x_y'" in result.output and "row 2: email" in result.output

    answers, _ = known_mix(course)
    submit_files(course, "amina", fill(nbformat.read(course.released_notebook, as_version=4), answers))
    submit_files(course, "bo", fill(nbformat.read(course.released_notebook, as_version=4), answers))
    (course.root / "submitted" / "bo" / course.quiz.assignment / course.quiz.notebook).write_text("not json")
    result = runner.invoke(main, ["grade", "--course-dir", str(course.root), "--quiet", "--workers", "1"])
    assert result.exit_code == 1  # one learner could not be graded: say so, after grading the others
    assert "Graded 1 of 2 learners" in result.output
    assert "bo: end_of_course_quiz.ipynb was replaced after  ssr-trainer collect" in result.output
    assert "Next: mark the open question" in result.output


def test_export_grades_csv(tmp_path):
    import csv

    from ssr_grader.grading.batch import grade_cohort

    course = make_course(tmp_path / "course")
    roster = tmp_path / "cohort.csv"
    roster.write_text("id,first name,last name,email\namina,Amina,Diallo,a@example.org\nzoe,Zoë,Kovač,z@example.org\n",
                      encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["roster", str(roster), "--course-dir", str(course.root)]).exit_code == 0
    answers, expected = known_mix(course)
    nb = fill(nbformat.read(course.released_notebook, as_version=4), answers)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == course.quiz.open_question.id:
            cell.source = "The donor designs everything; women's groups were not consulted."  # waits for a grader
    submit_files(course, "amina", nb)
    grade_cohort(course, workers=1, progress=False)
    out = tmp_path / "grades.csv"
    result = runner.invoke(main, ["export", "--course-dir", str(course.root), "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    total = course.quiz.total_points
    assert rows[0] == {"id": "amina", "first_name": "Amina", "last_name": "Diallo", "email": "a@example.org",
                       "score": f"{expected:g}", "max_score": f"{total:g}",
                       "percent": f"{round(100 * expected / total, 1):g}",
                       "passed": "yes" if expected / total >= 0.7 else "no", "needs_hand_marking": "yes"}
    assert rows[1]["last_name"] == "Kovač" and rows[1]["score"] == "" and rows[1]["passed"] == "no"
    assert "Still to mark by hand (1): amina" in result.output
    # nbgrader's own export, written beside it by nbgrader's CsvExportPlugin
    own = list(csv.DictReader((tmp_path / "grades-nbgrader.csv").open(encoding="utf-8")))
    by_id = {r["student_id"]: r for r in own}
    assert set(by_id) == {"amina", "zoe"} and by_id["amina"]["assignment"] == course.quiz.assignment
    assert float(by_id["amina"]["score"]) == expected and float(by_id["zoe"]["score"]) == 0.0
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_report_html_and_csv_figures(tmp_path):
    import csv

    from ssr_grader.grading.batch import grade_cohort

    course = make_course(tmp_path / "course")
    answers, _ = known_mix(course)
    released = nbformat.read(course.released_notebook, as_version=4)
    for n in range(4):  # four learners, each leaving out a different number of answers
        mine = {i: a for j, (i, a) in enumerate(answers.items()) if j >= 3 * n}
        submit_files(course, f"l{n}", fill(nbformat.from_dict(released), mine))
    grade_cohort(course, workers=2, progress=False)
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["report", "--course-dir", str(course.root), "--output-dir", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3 and "Item analysis" in page
    items = list(csv.DictReader((out / "items.csv").open(encoding="utf-8")))
    assert [r["item"] for r in items] == list(course.quiz.items)
    last = items[-1]  # every learner answered it right
    assert last["facility_%"] == "100.0" and last["discrimination_index"] == "—"  # no variance: undefined
    assert items[0]["facility_%"] == "25.0"  # only the first learner answered the first question
    scores = list(csv.DictReader((out / "scores.csv").open(encoding="utf-8")))
    assert len(scores) == 4 and float(scores[0]["score"]) > float(scores[3]["score"])
    mastery = {r["objective"]: r for r in csv.DictReader((out / "mastery.csv").open(encoding="utf-8"))}
    assert set(mastery) == {f"LO{n}" for n in range(1, 10)}


def test_lms_round_trip_through_the_cli(tmp_path):
    import zipfile

    from .lms_fixtures import Person, moodle_member, moodle_worksheet, zip_of

    course = make_course(tmp_path / "course")
    runner = CliRunner()
    package = tmp_path / "for-lms.zip"
    result = runner.invoke(main, ["release", "--course-dir", str(course.root), "--lms-package", str(package)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(package) as zf:
        assert sorted(zf.namelist()) == ["HOW-TO-TAKE-THE-QUIZ.txt", "course_evaluation.ipynb", course.quiz.notebook]
        quiz = nbformat.reads(zf.read(course.quiz.notebook).decode(), as_version=4)
        evaluation = nbformat.reads(zf.read("course_evaluation.ipynb").decode(), as_version=4)
    amina = Person("Amina", "Diallo", "a@example.org", 77, 0, "amina")
    worksheet = tmp_path / "Grades-SSR-quiz-1.csv"
    worksheet.write_bytes(moodle_worksheet([amina]))
    assert runner.invoke(main, ["roster", str(worksheet), "--course-dir", str(course.root)]).exit_code == 0
    answers, expected = known_mix(course)
    download = tmp_path / "download.zip"
    download.write_bytes(zip_of([
        (moodle_member(amina, course.quiz.notebook), nbformat.writes(fill(quiz, answers)).encode()),
        (moodle_member(amina, "course_evaluation.ipynb"),
         nbformat.writes(fill_evaluation(evaluation, complete_evaluation())).encode()),
        (moodle_member(amina, "notes.ipynb"), nbformat.writes(quiz).encode()),
        ("photo.ipynb", b"{}"),
    ]))
    result = runner.invoke(main, ["collect", "--course-dir", str(course.root), "--zip", str(download)])
    assert result.exit_code == 0, result.output
    assert "Collected 1 learners: 1 new" in result.output
    assert "notes.ipynb: not end_of_course_quiz.ipynb" in result.output and "photo.ipynb: not named" in result.output
    assert runner.invoke(main, ["grade", "--course-dir", str(course.root), "--quiet"]).exit_code == 0
    from ssr_grader.grading.autograde import scores

    assert scores(course, "moodle-77")[0] == expected
    from ssr_grader.reports.evaluations import read_evaluation

    assert read_evaluation(course, "moodle-77").complete  # collected with the quiz; grading left it alone
    result = runner.invoke(main, ["feedback", "--course-dir", str(course.root)])
    assert result.exit_code == 0 and "Feedback written for 1 learners" in result.output
    assert (course.root / "feedback" / "moodle-77" / course.quiz.assignment / "end_of_course_quiz.html").exists()
    again = runner.invoke(main, ["collect", "--course-dir", str(course.root), "--zip", str(download)])
    assert "1 unchanged" in again.output  # collecting the same download twice changes nothing


def test_missing_trainer_extra_gives_install_advice(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "email_validator", None)  # as if the trainer extra were not installed
    monkeypatch.delitem(sys.modules, "ssr_grader.intake.roster", raising=False)
    roster = tmp_path / "r.csv"
    roster.write_text("id,first name,last name,email\na,A,B,a@example.org\n")
    result = CliRunner().invoke(main, ["roster", str(roster)])
    assert result.exit_code == 1 and "pip install -e '.[trainer]'" in result.output


def test_build_quiz_refuses_to_change_a_quiz_learners_have_submitted(tmp_path):
    course = make_course(tmp_path / "course")
    runner = CliRunner()
    args = ["build-quiz", "--course-dir", str(course.root)]
    submit_files(course, "amina", nbformat.read(course.released_notebook, as_version=4))
    assert runner.invoke(main, args).exit_code == 0  # unchanged: rebuilding is harmless

    quiz_yml = course.root / "quiz.yml"
    text = quiz_yml.read_text(encoding="utf-8")
    assert "pass_mark: 0.70" in text
    quiz_yml.write_text(text.replace("pass_mark: 0.70", "pass_mark: 0.75"), encoding="utf-8")  # a changed quiz
    before = (course.root / "source" / course.quiz.assignment / course.quiz.notebook).read_bytes()
    result = runner.invoke(main, args)
    assert result.exit_code == 1 and "1 learners have already submitted" in result.output
    assert "--replace-graded-quiz" in result.output
    assert (course.root / "source" / course.quiz.assignment / course.quiz.notebook).read_bytes() == before
    result = runner.invoke(main, [*args, "--replace-graded-quiz"])
    assert result.exit_code == 0, result.output


def test_a_course_folder_with_an_old_nbgrader_config_is_refused_clearly(tmp_path):
    course = make_course(tmp_path / "course")
    config = course.root / "nbgrader_config.py"
    config.write_text(config.read_text().replace("ssr_grader.grading.hooks.TrustedQuizOnly",
                                                 "ssr_grader.preprocessors.NeutraliseLearnerCode"))
    result = CliRunner().invoke(main, ["grade", "--course-dir", str(course.root), "--quiet"])
    assert result.exit_code == 1 and "is from an older version of this course" in result.output
    assert "Traceback" not in result.output
