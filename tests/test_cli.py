"""The trainer's command line: help with examples, clear errors, and a next step after each success."""

from __future__ import annotations

import nbformat
from click.testing import CliRunner

from ssr_grader.cli import main

from .quiz_helpers import (
    COURSE_FILES,
    complete_evaluation,
    fill,
    fill_evaluation,
    known_mix,
    make_course,
    paper,
    submit_files,
)


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

    for student in ("amina", "bo"):  # each learner answers their own paper
        submit_files(course, student, fill(paper(course, student), known_mix(course, student)[0]))
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
    answers, expected = known_mix(course, "amina")
    nb = fill(paper(course, "amina"), answers)
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
    from ssr_grader.quiz.papers import learner_draw

    course = make_course(tmp_path / "course")
    point = course.quiz.points_per_item
    marks: dict[str, list[float]] = {}  # bank item -> the mark of each learner whose paper drew it
    for n in range(4):  # four learners, each answering their own paper and leaving out a different number of answers
        student = f"l{n}"
        answers, _ = known_mix(course, student)
        mine = {slot: a for j, (slot, a) in enumerate(sorted(answers.items())) if j >= 3 * n}
        submit_files(course, student, fill(paper(course, student), mine))
        for s in learner_draw(course, student).slots:
            marks.setdefault(s.item.id, []).append(point if mine.get(s.slot) == s.key else 0.0)
    grade_cohort(course, workers=2, progress=False)
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["report", "--course-dir", str(course.root), "--output-dir", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3 and "Item analysis" in page
    items = list(csv.DictReader((out / "items.csv").open(encoding="utf-8")))
    assert [r["item"] for r in items] == sorted(marks)  # each bank item a paper drew, once, whatever its slot
    assert any(len(got) > 1 for got in marks.values())  # (88 draws of 63 items: some items are on several papers)
    for r in items:  # each item measured on the learners whose paper drew it, a left-out answer scoring 0
        got = marks[r["item"]]
        assert r["objective"] == course.bank.item(r["item"]).objective
        assert int(r["learners"]) == len(got), r
        assert r["facility_%"] == f"{100 * sum(got) / (len(got) * point):.1f}", r
        if len(set(got)) == 1:
            assert r["discrimination_index"] == "—", r  # no variance: undefined
    scores = list(csv.DictReader((out / "scores.csv").open(encoding="utf-8")))
    assert len(scores) == 4 and float(scores[0]["score"]) > float(scores[3]["score"])
    mastery = {r["objective"]: r for r in csv.DictReader((out / "mastery.csv").open(encoding="utf-8"))}
    assert set(mastery) == {f"LO{n}" for n in range(1, 10)}


def test_lms_round_trip_through_the_cli(tmp_path):
    import zipfile

    from .lms_fixtures import Person, moodle_member, moodle_worksheet, zip_of

    course = make_course(tmp_path / "course")
    runner = CliRunner()
    amina = Person("Amina", "Diallo", "a@example.org", 77, 0, "amina")
    worksheet = tmp_path / "Grades-SSR-quiz-1.csv"
    worksheet.write_bytes(moodle_worksheet([amina]))
    assert runner.invoke(main, ["roster", str(worksheet), "--course-dir", str(course.root)]).exit_code == 0
    package = tmp_path / "for-lms.zip"
    result = runner.invoke(main, ["release", "--course-dir", str(course.root), "--lms-package", str(package)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "for-lms-moodle-feedback-files.zip").exists() and "Upload multiple feedback files" in \
        result.output
    with zipfile.ZipFile(package) as zf:
        assert sorted(zf.namelist()) == ["HOW-TO-TAKE-THE-QUIZ.txt", "moodle-77/course_evaluation.ipynb",
                                         f"moodle-77/{course.quiz.notebook}", "moodle-77/pre_test.ipynb"]
        quiz = nbformat.reads(zf.read(f"moodle-77/{course.quiz.notebook}").decode(), as_version=4)
        evaluation = nbformat.reads(zf.read("moodle-77/course_evaluation.ipynb").decode(), as_version=4)
    answers, expected = known_mix(course, "moodle-77")
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
    submit_files(course, "amina", paper(course, "amina"))
    assert runner.invoke(main, args).exit_code == 1  # the public sample bank: refused without --sample-bank
    args.append("--sample-bank")
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


def _course_files(folder):
    """The repository's course definition in ``folder``, quiz not built yet."""
    import shutil

    from .conftest import ROOT

    folder.mkdir(parents=True)
    for name in COURSE_FILES:
        shutil.copy(ROOT / "grader" / name, folder / name)
    return folder


def test_build_quiz_refuses_the_public_sample_bank_unless_told_it_is_a_test(tmp_path):
    folder = _course_files(tmp_path / "course")
    runner = CliRunner()
    result = runner.invoke(main, ["build-quiz", "--course-dir", str(folder)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "public SAMPLE bank" in result.output and str(folder / "item_bank.yml") in result.output
    assert "--sample-bank" in result.output and "init-course" in result.output  # the two ways on
    assert not (folder / "source").exists() and not (folder / "release").exists()  # nothing built
    result = runner.invoke(main, ["build-quiz", "--course-dir", str(folder), "--sample-bank"])
    assert result.exit_code == 0, result.output
    assert (folder / "release" / "end_of_course_quiz" / "end_of_course_quiz.ipynb").exists()


def test_init_course_builds_only_from_the_trainers_own_certification_items(tmp_path):
    import yaml

    folder = tmp_path / "ssr-course-2026-12"
    runner = CliRunner()
    result = runner.invoke(main, ["init-course", str(folder)])
    assert result.exit_code == 0, result.output
    assert "kind: certification" in result.output and "course_secret.key" in result.output
    assert (folder / "course_secret.key").exists() and (folder / ".gitignore").read_text() == "*\n"
    again = runner.invoke(main, ["init-course", str(folder)])
    assert again.exit_code == 1 and "not empty" in again.output  # never over a course folder in use
    build = ["build-quiz", "--course-dir", str(folder)]

    result = runner.invoke(main, build)  # as made: the sample, still marked as one
    assert result.exit_code == 1 and "public SAMPLE bank" in result.output

    bank_file = folder / "item_bank.yml"
    sample = yaml.safe_load(bank_file.read_text(encoding="utf-8"))
    assert sample["kind"] == "sample"

    def write_bank(items):
        bank_file.write_text(yaml.safe_dump({"kind": "certification", "items": items}, allow_unicode=True,
                                            sort_keys=False), encoding="utf-8")

    write_bank(sample["items"])  # marked certification, but the items are still the public ones
    result = runner.invoke(main, build)
    assert result.exit_code == 1 and f"{len(sample['items'])} items of the certification bank are the public " \
        "sample's" in result.output

    def own(item, n):  # the trainer's own item: written on a sample item's model, with a question of their own
        return {**item, "id": f"q{n:03d}", "stem": f"In the case study of our cohort's own country: {item['stem']}"}

    two_per_objective = [own(item, n) for n, item in enumerate(sample["items"], 1)
                         if sum(i["objective"] == item["objective"] for i in sample["items"][:n]) <= 2]
    assert len(two_per_objective) == 18
    write_bank(two_per_objective)  # own items, but too few for papers to differ
    result = runner.invoke(main, build)
    assert result.exit_code == 1 and "LO1 has 3 questions but the item bank has only 2 items on it" in result.output
    assert "at least 6" in result.output

    mine = [own(item, n) for n, item in enumerate(sample["items"], 1)]
    kept = sample["items"][4]
    mine[4] = {**kept, "stem": "  " + kept["stem"].upper() + "  "}  # the sample's question, only in capitals
    write_bank(mine)
    result = runner.invoke(main, build)
    assert result.exit_code == 1 and f"1 items of the certification bank are the public sample's ({mine[4]['id']})" \
        in result.output
    assert not (folder / "release").exists()

    mine[4] = own(kept, 5)
    write_bank(mine)
    result = runner.invoke(main, build)
    assert result.exit_code == 0, result.output
    released = (folder / "release" / "end_of_course_quiz" / "end_of_course_quiz.ipynb")
    assert released.exists() and "22 questions per learner, drawn from 63 items" in result.output
    copy = runner.invoke(main, [*build, "--learner-copy", str(tmp_path / "public.ipynb")])
    assert copy.exit_code == 1 and "sample bank only" in copy.output  # a certification paper is never made public
    assert not (tmp_path / "public.ipynb").exists()


def test_release_without_a_roster_is_refused_clearly(tmp_path):
    course = make_course(tmp_path / "course")
    runner = CliRunner()
    package = tmp_path / "for-lms.zip"
    for extra in ([], ["--lms-package", str(package)]):
        result = runner.invoke(main, ["release", "--course-dir", str(course.root), *extra])
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert "the roster is empty" in result.output and "ssr-trainer roster" in result.output
        assert "own paper" in result.output
    assert not package.exists() and not (course.root / "papers").exists()


def test_lms_package_gives_each_learner_their_own_paper_without_the_key(tmp_path):
    import re
    import zipfile

    from ssr_grader.grading.paper import KEYS_HEADER
    from ssr_grader.quiz.papers import learner_draw

    course = make_course(tmp_path / "course")
    runner = CliRunner()
    roster = tmp_path / "cohort.csv"
    roster.write_text("id,first name,last name,email\namina,Amina,Diallo,a@example.org\nbo,Bo,Li,b@example.org\n")
    assert runner.invoke(main, ["roster", str(roster), "--course-dir", str(course.root)]).exit_code == 0
    package = tmp_path / "for-lms.zip"
    result = runner.invoke(main, ["release", "--course-dir", str(course.root), "--lms-package", str(package)])
    assert result.exit_code == 0, result.output
    assert "2 papers" in result.output
    assert not (tmp_path / "for-lms-moodle-feedback-files.zip").exists()  # our own CSV: no Moodle zip
    with zipfile.ZipFile(package) as zf:
        assert sorted(zf.namelist()) == ["HOW-TO-TAKE-THE-QUIZ.txt",
                                         "amina/course_evaluation.ipynb", f"amina/{course.quiz.notebook}",
                                         "amina/pre_test.ipynb",
                                         "bo/course_evaluation.ipynb", f"bo/{course.quiz.notebook}", "bo/pre_test.ipynb"]
        texts = {name: zf.read(name).decode("utf-8") for name in zf.namelist()}

    questions = {}
    for student in ("amina", "bo"):
        draw = learner_draw(course, student)
        text = texts[f"{student}/{course.quiz.notebook}"]
        nb = nbformat.reads(text, as_version=4)
        assert nb.metadata["ssr_quiz"]["paper"] == draw.code  # the learner's own paper
        shown = [c.source for c in nb.cells if c.metadata.get("ssr_quiz", {}).get("part") == "question"]
        assert len(shown) == len(draw.slots)
        for s, cell in zip(draw.slots, shown, strict=True):  # their own items, in their own option order
            assert s.item.stem in cell
            assert [line for line in cell.splitlines() if line.startswith("- **")] == \
                [f"- **{letter}.** {o.text}" for letter, o in s.options()]
        questions[student] = shown
        # no key anywhere: no keys function or table, no mark of a right option, no rationale, no answer
        for name in (f"{student}/{course.quiz.notebook}", f"{student}/course_evaluation.ipynb",
                     f"{student}/pre_test.ipynb", "HOW-TO-TAKE-THE-QUIZ.txt"):
            body = texts[name]
            assert "_ssr_key" not in body and "_SSR_KEYS" not in body and KEYS_HEADER not in body, name
            assert not re.search(r"""["']?correct["']?\s*[:=]\s*(true|True)""", body), name
            assert "BEGIN SOLUTION" not in body and "HIDDEN TESTS" not in body and "assert " not in body, name
            for s in draw.slots:
                for _, option in s.options():
                    assert option.why not in body, (name, s.item.id, option.id)
                assert not re.search(rf"""answer_{s.slot}\s*=\s*\\?["']{s.key}\\?["']""", body), (name, s.slot)
    assert learner_draw(course, "amina").code != learner_draw(course, "bo").code
    assert questions["amina"] != questions["bo"]  # the two papers differ (items or option order)
