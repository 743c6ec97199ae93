"""``ssr-trainer``: the trainer's command line, a thin layer over functions in this package."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ssr_widgets.model import ContentError

from .course import open_course

COURSE_DIR_HELP = "nbgrader course directory (default: $SSR_COURSE_DIR, else the checkout's grader/)"
course_dir_option = click.option("--course-dir", type=click.Path(file_okay=False, path_type=Path),
                                 help=COURSE_DIR_HELP)


def _course(course_dir: Path | None):
    """Open the course, turning a content problem into a clear command-line error."""
    try:
        return open_course(course_dir)
    except ContentError as exc:
        raise click.ClickException(str(exc)) from None


class _TrainerGroup(click.Group):
    """Says how to install the trainer extras when a command needs one that is missing."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ModuleNotFoundError as exc:
            raise click.ClickException(
                f"this command needs the trainer tools ({exc.name} is missing). Install them with:  "
                "pip install -e '.[trainer]'  (or run ./run-tests.sh once)"
            ) from None


@click.group(cls=_TrainerGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Run the SSR course's quiz and cohorts with nbgrader.

    \b
    Examples:
      ssr-trainer build-quiz --learner-copy notebooks/quiz/end_of_course_quiz.ipynb
      ssr-trainer roster cohort-2026-11.csv
      ssr-trainer grade --workers 2
      ssr-trainer report --output-dir report
    """


@main.command("init-course")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init_course_cmd(folder: Path) -> None:
    """Make a private course folder for a cohort: your own certification bank, the course secret, the gradebook.

    \b
    Example:
      ssr-trainer init-course ~/ssr-course-2026-12
    """
    from .quiz.private import init_course

    try:
        steps = init_course(folder)
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Course folder made: {folder}. Use it with --course-dir {folder} (or SSR_COURSE_DIR={folder}).")
    for n, step in enumerate(steps, 1):
        click.echo(f"{n}. {step}")


@main.command("alignment")
@course_dir_option
@click.option("--write", "guide", type=click.Path(dir_okay=False, path_type=Path), default=None, is_flag=False,
              flag_value=Path(__file__).resolve().parents[1] / "TRAINER_GUIDE.md",
              help="write the table into the trainer guide (default: the checkout's grader/TRAINER_GUIDE.md)")
def alignment_cmd(course_dir: Path | None, guide: Path | None) -> None:
    """Print the table of objectives -> sections -> exercises -> practice -> quiz questions (or --write it)."""
    from .quiz.alignment import alignment_table, write_alignment

    course = _course(course_dir)
    if guide is None:
        click.echo(alignment_table(course))
        return
    changed = write_alignment(course, guide)
    click.echo(f"{guide}: {'alignment table updated' if changed else 'alignment table already current'}.")


@main.command("build-quiz")
@course_dir_option
@click.option("--learner-copy", type=click.Path(dir_okay=False, path_type=Path),
              help="also write a sample learner's paper here, from the public sample bank only "
                   "(e.g. notebooks/quiz/end_of_course_quiz.ipynb), with the evaluation and the pre-test beside "
                   "it and in French in the French edition (notebooks/fr/quiz/)")
@click.option("--sample-bank", is_flag=True,
              help="allow the public sample bank (tests and demonstrations only: its answers are public)")
@click.option("--replace-graded-quiz", is_flag=True,
              help="rebuild a changed quiz even though learners have submitted the current one")
def build_quiz_cmd(course_dir: Path | None, learner_copy: Path | None, sample_bank: bool,
                   replace_graded_quiz: bool) -> None:
    """Build the quiz from the item bank: source notebook and nbgrader release (papers come with  release).

    \b
    Example:
      ssr-trainer build-quiz --course-dir ~/ssr-course-2026-12
    """
    from .quiz.release import BuildError, build_quiz

    course = _course(course_dir)
    try:
        released = build_quiz(course, learner_copy, sample_bank=sample_bank, replace_graded_quiz=replace_graded_quiz)
    except (BuildError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Quiz built: {len(course.quiz.slots)} questions per learner, drawn from "
               f"{len(course.bank.items)} items, + 1 open question, "
               f"{course.quiz.total_points} points, pass mark {course.quiz.pass_percent} %.")
    click.echo(f"Released notebook: {released}")
    if learner_copy:
        from .quiz.release import learner_editions

        click.echo(f"Learner copy: {learner_copy}")
        for folder in learner_editions(learner_copy).values():
            click.echo(f"Evaluation and pre-test of the learners' edition: {folder}")
    click.echo("The course evaluation (course_evaluation.ipynb) and the pre-test (pre_test.ipynb, taken at the start "
               "of the course, not graded) are released with it.")
    click.echo("Next: import the cohort's roster:  ssr-trainer roster <cohort.csv>")



@main.command("roster")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@course_dir_option
def roster_cmd(csv_file: Path, course_dir: Path | None) -> None:
    """Add or update the cohort's learners from a roster file, as downloaded from the LMS or our own CSV.

    \b
    Accepted as they come, unedited:
      Moodle's grading worksheet (Assignment → Download grading worksheet)
      Canvas's gradebook export (Grades → Export → Export Entire Gradebook)
      Blackboard's Grade Center download (Work Offline → Download)
      our own CSV: id, first name, last name, email, and optionally language
    The language column (en or fr; English, French or Français; empty is English) is the language
    of the learner's certificate and badge; it is kept in the course folder (learner-languages.csv).
    With an LMS file, each learner's uploads are later matched by the LMS's own id for them,
    and  ssr-trainer export  writes the grades back into a copy of this file.

    Every bad row is reported at once and nothing is changed until the file is clean. Re-running
    with an updated roster adds new learners and updates names and emails; nobody is removed.

    \b
    Examples:
      ssr-trainer roster "Grades-SSR101-End-of-course quiz-42.csv"
      ssr-trainer roster cohort-2026-11.csv
    """
    from .intake.roster import LANGUAGES_FILE, RosterError, read_roster, roster_lms, save_languages, sync_gradebook
    from .reports.lms_gradebook import keep_roster_file

    course = _course(course_dir)
    try:
        learners, notes = read_roster(csv_file)
    except RosterError as exc:
        raise click.ClickException(str(exc)) from None
    for note in notes:
        click.echo(f"Note: {csv_file.name}: {note}")
    api = course.api()
    report = sync_gradebook(api.coursedir.db_url, api.coursedir.course_id, learners)
    click.echo(f"Roster: {len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged.")
    try:
        counts = save_languages(course.root, learners)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if counts:
        click.echo(f"Certificate languages: {counts['en']} English, {counts['fr']} French "
                   f"(kept in {course.root / LANGUAGES_FILE}).")
    if report.not_in_roster:
        click.echo(f"Kept (in the gradebook, not in this file): {', '.join(report.not_in_roster)}")
    if lms := roster_lms(learners):
        kept = keep_roster_file(course, lms, csv_file)
        click.echo(f"Kept a copy of the {lms.capitalize()} file ({kept}): export writes the grades back into it.")
    click.echo("Next: release the quiz and the evaluation:  ssr-trainer release  (or --lms-package <zip>)")


@main.command("grade")
@course_dir_option
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="processes to use (default: all cores)")
@click.option("--force", is_flag=True, help="grade again even submissions that are already graded")
@click.option("--quiet", is_flag=True, help="no progress bar")
@click.option("--reference", is_flag=True,
              help="grade the plain nbgrader way (a kernel per learner, on --workers processes); same scores, slower")
def grade_cmd(course_dir: Path | None, workers: int | None, force: bool, quiet: bool, reference: bool) -> None:
    """Grade every collected submission; safe to interrupt and run again.

    Scores are nbgrader's: without a kernel by default (the quiz's hidden tests compare the
    recorded letters with the key), or with --reference by nbgrader's autograde itself.
    Learners already graded are skipped (use --force to grade again; manual grades are always
    kept). A learner whose file cannot be graded is listed at the end; the others are graded.

    \b
    Example:
      ssr-trainer grade --workers 2
    """
    from .grading.batch import grade_cohort

    course = _course(course_dir)
    notes: list[str] = []
    outcomes = grade_cohort(course, workers=workers, force=force, progress=not quiet, reference=reference, notes=notes)
    for note in notes:
        click.echo(f"Note: {note}")
    graded = [o for o in outcomes if o.graded]
    failed = [o for o in outcomes if not o.graded]
    passed = [o for o in graded if o.score is not None and o.max_score and o.score / o.max_score >= course.quiz.pass_mark]
    click.echo(f"Graded {len(graded)} of {len(outcomes)} learners; {len(passed)} at or above the pass mark "
               f"({course.quiz.pass_percent} %) before hand-marking.")
    for o in graded:
        for note in o.notes:
            click.echo(f"  note for {o.student}: {note}")
    if failed:
        click.echo(f"Not graded ({len(failed)}):")
        for o in failed:
            click.echo(f"  {o.student}: {o.message}")
    click.echo(f"Next: mark the open question in formgrader:  cd {course.root} && jupyter lab  (menu Nbgrader → Formgrader)")
    if failed:
        sys.exit(1)


@main.command("export")
@course_dir_option
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="the CSV file to write (default: grades.csv in the course folder, where git ignores it)")
@click.option("--nbgrader-output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="where to write nbgrader's own export (default: <output>-nbgrader.csv)")
@click.option("--lms-column", default=None, metavar="TITLE",
              help="Canvas: the gradebook column of the quiz, when its title does not name the quiz")
def export_cmd(course_dir: Path | None, output: Path | None, nbgrader_output: Path | None,
               lms_column: str | None) -> None:
    """Write the grades CSV (id, names, email, score, percent, passed), nbgrader's own export, and,
    when the roster came from an LMS file, that file with the grades filled in, ready to upload:
    Moodle's grading worksheet (and a feedback-files zip), or Canvas's gradebook CSV.

    \b
    Example:
      ssr-trainer export --output cohort-2026-11-grades.csv
    """
    from .reports.export import write_grades_csv, write_nbgrader_export
    from .reports.lms_gradebook import LmsExportError, write_lms_files

    course = _course(course_dir)
    output = output or course.root / "grades.csv"
    rows = write_grades_csv(course, output)
    nbgrader_output = nbgrader_output or output.with_name(f"{output.stem}-nbgrader.csv")
    write_nbgrader_export(course, nbgrader_output)
    waiting = [r.id for r in rows if r.needs_hand_marking]
    passed = sum(r.passed(course.quiz.pass_mark) for r in rows)
    click.echo(f"Wrote {output}: {len(rows)} learners, {passed} passed.")
    click.echo(f"Wrote {nbgrader_output}: nbgrader's own export.")
    try:
        back = write_lms_files(course, output.parent, canvas_column=lms_column)
    except LmsExportError as exc:
        raise click.ClickException(str(exc)) from None
    if back is not None:
        for path in back.files:
            click.echo(f"Wrote {path}: for {back.lms.capitalize()}, {len(back.graded)} grades filled in.")
        for note in back.notes:
            click.echo(f"Note: {note}")
        if back.lms == "moodle" and back.files:
            click.echo("Upload it in Moodle: the assignment → View all submissions → Grading action → Upload grading "
                       "worksheet; the zip: Upload multiple feedback files in a zip.")
        elif back.lms == "canvas" and back.files:
            click.echo("Upload it in Canvas: Grades → Import → choose the file → review the changes → Save.")
    if waiting:
        click.echo(f"Still to mark by hand ({len(waiting)}): {', '.join(waiting)} — their scores may rise.")
    click.echo("Next: the cohort report:  ssr-trainer report")


@main.command("report")
@course_dir_option
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="folder for report.html and its CSV figures (default: report/ in the course folder)")
def report_cmd(course_dir: Path | None, output_dir: Path | None) -> None:
    """Write the cohort report: scores, mastery per objective, item analysis, learning gain, evaluation (HTML + CSV).

    Learning gain compares each learner's pre-test with their quiz, per objective; it and the
    evaluation are also shown by participant profile, for groups of 5 learners or more only.

    \b
    Example:
      ssr-trainer report --output-dir cohort-2026-11-report
    """
    from .reports.cohort import write_report

    course = _course(course_dir)
    try:
        path = write_report(course, output_dir or course.root / "report")
    except ValueError as exc:  # includes ContentError (a broken evaluation.yml)
        raise click.ClickException(str(exc)) from None
    click.echo(f"Report written: {path} (figures as CSV beside it).")
    click.echo("Next: certificates and badges:  ssr-trainer issue --dry-run")


@main.command("release")
@course_dir_option
@click.option("--lms-package", type=click.Path(dir_okay=False, path_type=Path),
              help="write a zip of every learner's paper for an LMS instead of releasing to the nbgrader exchange")
def release_cmd(course_dir: Path | None, lms_package: Path | None) -> None:
    """Give each learner on the roster their own paper: through the nbgrader exchange, or as a zip for an LMS.

    \b
    Examples:
      ssr-trainer release
      ssr-trainer release --lms-package ssr-quiz-for-lms.zip
    """
    from .quiz.package import lms_package as make_package
    from .quiz.package import roster_students
    from .quiz.papers import PaperTranslationError
    from .quiz.release import BuildError, release_to_exchange

    course = _course(course_dir)
    if not course.released_notebook.exists():
        raise click.ClickException("the quiz is not built yet: run  ssr-trainer build-quiz  first")
    students = roster_students(course)
    if not students:
        raise click.ClickException("the roster is empty: import it first (ssr-trainer roster <file>), so that "
                                   "each learner gets their own paper")
    if lms_package:
        try:
            written = make_package(course, lms_package, students)
        except PaperTranslationError as exc:
            raise click.ClickException(f"{exc}\nThe English learners' papers are in papers/; no package was "
                                       "written.") from None
        click.echo(f"LMS package written: {written[0]} (a folder per learner: {len(students)} papers, no answers).")
        if len(written) > 1:
            click.echo(f"For Moodle: {written[1]} gives each participant their own paper: in the assignment, "
                       "View all submissions -> Grading action -> Upload multiple feedback files in a zip.")
        else:
            click.echo("Give each learner the folder with their id (e.g. by a private message or a per-learner "
                       "file in your LMS); papers are in papers/ of the course folder too.")
        click.echo("Next: when learners have uploaded, download all submissions as a zip, then:"
                   "  ssr-trainer collect --zip <download.zip>")
        return
    try:
        release_to_exchange(course, students)
    except (BuildError, PaperTranslationError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Released {course.quiz.assignment} to the exchange: {len(students)} papers, one per learner, "
               "in papers/<learner id>/.")
    click.echo("Next: after learners submit:  ssr-trainer collect")


@main.command("collect")
@course_dir_option
@click.option("--zip", "zip_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="an LMS's 'download all submissions' zip (Moodle, Canvas or Blackboard), as downloaded")
def collect_cmd(course_dir: Path | None, zip_file: Path | None) -> None:
    """Take submissions in from an LMS download or the nbgrader exchange: answers only, identity checked.

    \b
    Run it once after the pre-test at the start of the course, and again after the quiz: the
    pre-test that counts is the first one handed in with answers (on the exchange, the first
    submission that holds one, whenever you collect).

    \b
    From an LMS zip, each file goes to the learner the LMS's own part of its path names
    (Moodle participant number, Canvas user id, Blackboard username), matched to the roster
    imported from the same LMS. From the exchange, a submission is taken only from the account
    that owns its files. Only the answers are taken: the quiz that gets graded is rebuilt from
    the trusted quiz. Files that match nobody, archives inside the download, oversized or
    damaged files are listed at the end, and never stop the others.

    \b
    Examples:
      ssr-trainer collect --zip "SSR101-End-of-course quiz-42.zip"
      ssr-trainer collect
    """
    from .intake.archive import ArchiveError
    from .intake.download import collect_download
    from .intake.exchange import collect_exchange

    course = _course(course_dir)
    if not course.released_notebook.exists():
        raise click.ClickException("the quiz is not built yet: run  ssr-trainer build-quiz  first")
    try:
        report = collect_download(course, zip_file) if zip_file else collect_exchange(course)
    except (ArchiveError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    by_status: dict[str, list[str]] = {}
    for a in report.accepted:
        by_status.setdefault(a.status, []).append(a.student)
    kept = f", {len(by_status['kept'])} with only a later pre-test (the first is kept)" if "kept" in by_status else ""
    click.echo(f"Collected {len(report.accepted)} learners: {len(by_status.get('new', []))} new, "
               f"{len(by_status.get('updated', []))} updated, {len(by_status.get('unchanged', []))} unchanged{kept}.")
    notes = [(a.student, n) for a in report.accepted if a.status != "unchanged" for n in a.notes]
    if notes:
        click.echo(f"Notes ({len(notes)}):")
        for student, note in notes:
            click.echo(f"  {student}: {note}")
    if report.refused:
        click.echo(f"Not collected ({len(report.refused)}):")
        for r in report.refused:
            click.echo(f"  {r.student}: {r.reason}")
    if report.problems:
        click.echo(f"Files not taken ({len(report.problems)}) — check these:")
        for line in report.problems:
            click.echo(f"  {line}")
    click.echo("Next: grade them:  ssr-trainer grade")


@main.command("feedback")
@course_dir_option
@click.option("--release", "release_to_exchange", is_flag=True, help="also return it through the exchange")
def feedback_cmd(course_dir: Path | None, release_to_exchange: bool) -> None:
    """Write each graded learner's feedback (their answers, right or wrong, and why), as HTML.

    \b
    Example:
      ssr-trainer feedback --release
    """
    course = _course(course_dir)
    api = course.api()
    graded = [p.name for p in sorted((course.root / "autograded").glob("*")) if (p / course.quiz.assignment).is_dir()]
    failed, released, not_exchange = [], [], []
    for student in graded:
        made = api.generate_feedback(course.quiz.assignment, student, force=True)
        if not made["success"]:
            failed.append(student)
            log = made.get("log") or made.get("error") or ""
            start = max(0, min((i for i in (log.find("[ERROR]"), log.find("Traceback")) if i >= 0), default=0))
            click.echo(f"Feedback for {student} failed (nbgrader's log):\n{log[start:start + 2500]}", err=True)
        elif release_to_exchange:
            # nbgrader files exchange feedback under the submission's secret: only exchange submissions have one
            if (course.root / "feedback" / student / course.quiz.assignment / "submission_secret.txt").is_file():
                back = api.release_feedback(course.quiz.assignment, student)
                if back["success"]:
                    released.append(student)
                else:
                    failed.append(student)
                    click.echo(f"Returning {student}'s feedback failed (nbgrader's log):\n"
                               f"{(back.get('log') or back.get('error') or '')[-2500:]}", err=True)
            else:
                not_exchange.append(student)
    click.echo(f"Feedback written for {len(graded) - len(failed)} learners in {course.root / 'feedback'}.")
    if release_to_exchange:
        click.echo(f"Returned through the exchange to {len(released)} learners: they see it with nbgrader's "
                   "Assignment List (Fetch Feedback) or  nbgrader fetch_feedback.")
    if not_exchange:
        click.echo(f"Not handed in through the exchange (send their feedback another way): {', '.join(not_exchange)}")
    if failed:
        click.echo(f"No feedback for: {', '.join(failed)}")
    click.echo("Next: export grades:  ssr-trainer export")



@main.group("hub")
def hub_group() -> None:
    """A cohort server: JupyterHub with an account per learner, the nbgrader exchange and the formgrader.

    \b
    The cohort day (as root, from the checkout; see hub/README.md):
      ssr-trainer hub accounts --trainers trainers.csv     # trainers' accounts (formgrader)
      ssr-trainer hub accounts cohort-2026-11.csv          # learners' accounts, passwords printed once
      ssr-trainer hub start                                # http://127.0.0.1:8000/
    """


@hub_group.command("accounts")
@click.argument("roster_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@course_dir_option
@click.option("--trainers", is_flag=True, help="the file lists trainers: they get the formgrader, not the quiz")
@click.option("--passwords-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="also write the new passwords to this CSV (made readable by you only; never overwritten)")
def hub_accounts_cmd(roster_file: Path, course_dir: Path | None, trainers: bool, passwords_file: Path | None) -> None:
    """Make a system account (the hub login) for each learner of a roster, with a password printed once.

    The roster is read as  ssr-trainer roster  reads it (our CSV or an LMS's file). The account
    name is the learner's id; an id that cannot safely be an account name, or that names an
    account outside the course, is refused with the reason and nothing is done for it. Accounts
    that already exist in the course are kept, passwords too: run it again after adding learners.
    Needs root.

    \b
    Examples:
      sudo .venv/bin/ssr-trainer hub accounts cohort-2026-11.csv
      sudo .venv/bin/ssr-trainer hub accounts --trainers trainers.csv --passwords-file ~/trainers-passwords.csv
    """
    from .hub.accounts import AccountError, course_groups, course_id_of, create_accounts, require_root
    from .intake.roster import RosterError, read_roster

    try:
        require_root("Creating hub accounts")
        learners, notes = read_roster(roster_file)
        course = _course(course_dir)
        course_id = course_id_of(course)
    except (AccountError, RosterError) as exc:
        raise click.ClickException(str(exc)) from None
    for note in notes:
        click.echo(f"Note: {roster_file.name}: {note}")
    if passwords_file is not None and passwords_file.exists():
        raise click.ClickException(f"{passwords_file} already exists: give a new file name")
    try:
        report = create_accounts(learners, course_id, trainer=trainers)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    group = course_groups(course_id)[1 if trainers else 0]
    click.echo(f"Accounts in {group}: {len(report.created)} created, {len(report.kept)} already there (unchanged), "
               f"{len(report.refused)} refused.")
    if report.created:
        click.echo("New accounts and their passwords (shown this once; hand each person theirs):")
        width = max(len(a.account) for a in report.created)
        for a in report.created:
            click.echo(f"  {a.account:<{width}}  {a.password}  {a.learner.full_name}")
    if passwords_file is not None and report.created:
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["account", "password", "first name", "last name"])
        for a in report.created:
            writer.writerow([a.account, a.password, a.learner.first_name, a.learner.last_name])
        fd = os.open(passwords_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(buf.getvalue())
        click.echo(f"Passwords also written to {passwords_file} (readable by you only): delete it once handed out.")
    if report.kept:
        click.echo(f"Already accounts of the course (passwords unchanged): {', '.join(report.kept)}")
    if report.refused:
        click.echo(f"Refused ({len(report.refused)}):")
        for learner_id, why in report.refused:
            click.echo(f"  {learner_id!r} {why}")
    if trainers:
        click.echo(f"Next: give the course folder to a trainer (the formgrader runs as its owner):  "
                   f"chown -R <trainer> {course.root}; then  ssr-trainer hub start")
    else:
        click.echo("Next: the roster in the gradebook too, if not done yet:  ssr-trainer roster "
                   f"{roster_file.name}; then  ssr-trainer hub start")
    if report.refused:
        sys.exit(1)


@hub_group.command("start")
@course_dir_option
@click.option("--ip", default="127.0.0.1", show_default=True,
              help="the address to listen on (another than loopback needs TLS: --ssl-cert/--ssl-key or --behind-tls-proxy)")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--learner-python", default=None,
              help="the Python learners' servers run with (default: this one; every account must be able to run it)")
@click.option("--exchange", type=click.Path(file_okay=False, path_type=Path), default=Path("/srv/nbgrader/exchange"),
              show_default=True, help="nbgrader's exchange folder")
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("/srv/ssr-hub"),
              show_default=True, help="the hub's database, cookie secret and logs")
@click.option("--ssl-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
@click.option("--ssl-key", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
@click.option("--behind-tls-proxy", is_flag=True, help="a reverse proxy in front of the hub terminates TLS")
@click.option("--idle-minutes", type=click.IntRange(5, 24 * 60), default=60, show_default=True,
              help="stop a server idle this long (its files stay)")
@click.option("--lti13-issuer", default=None, metavar="URL",
              help="log in by LTI 1.3 from the LMS instead of passwords: the platform's issuer (Moodle: Platform ID; "
                   "Canvas: https://canvas.instructure.com); see hub/README.md")
@click.option("--lti13-client-id", multiple=True, metavar="ID", help="the tool's client id in the LMS (repeatable)")
@click.option("--lti13-authorize-url", default=None, metavar="URL",
              help="the LMS's authentication request URL (Moodle: .../mod/lti/auth.php)")
@click.option("--lti13-jwks-url", default=None, metavar="URL",
              help="the LMS's public keyset URL (Moodle: .../mod/lti/certs.php)")
@click.option("--lti13-username", type=click.Choice(["ssr_id", "canvas", "sourcedid"]), default="ssr_id",
              show_default=True,
              help="the claim the roster id comes from: ssr_id (our CSV roster; custom parameter ssr_id), canvas "
                   "(Canvas gradebook roster; custom canvas_user_id=$Canvas.user.id), sourcedid (LIS person_sourcedid)")
@click.option("--lti13-deployment-id", multiple=True, metavar="ID",
              help="accept launches from this LTI deployment only (repeatable; default: any of the client ids)")
@click.option("--check", is_flag=True, help="check this machine and print what would start, without starting it")
def hub_start_cmd(course_dir: Path | None, ip: str, port: int, learner_python: str | None, exchange: Path,
                  state_dir: Path, ssl_cert: Path | None, ssl_key: Path | None, behind_tls_proxy: bool,
                  idle_minutes: int, lti13_issuer: str | None, lti13_client_id: tuple[str, ...],
                  lti13_authorize_url: str | None, lti13_jwks_url: str | None, lti13_username: str,
                  lti13_deployment_id: tuple[str, ...], check: bool) -> None:
    """Start the cohort server (JupyterHub, config hub/jupyterhub_config.py) and print its address. Needs root.

    Learners log in with the password of their account (ssr-trainer hub accounts), or, with --lti13-issuer
    and the other --lti13-* options, from the course's link in Moodle or Canvas (LTI 1.3): the username is
    the roster id the LMS sends, and only accounts made from the roster get in.

    \b
    Examples:
      sudo .venv/bin/ssr-trainer hub start
      sudo .venv/bin/ssr-trainer hub start --ip 0.0.0.0 --port 443 --ssl-cert /etc/ssl/hub.pem --ssl-key /etc/ssl/hub.key
      sudo .venv/bin/ssr-trainer hub start --behind-tls-proxy --lti13-issuer https://moodle.example.org \\
          --lti13-client-id AbC123xYz --lti13-authorize-url https://moodle.example.org/mod/lti/auth.php \\
          --lti13-jwks-url https://moodle.example.org/mod/lti/certs.php
    """
    from .hub.launch import HubSetupError, plan_hub, run_hub

    course = _course(course_dir)
    lti13 = None
    lti_given = [lti13_issuer, lti13_client_id, lti13_authorize_url, lti13_jwks_url, lti13_deployment_id]
    if any(lti_given):
        if not all(lti_given[:4]):
            raise click.ClickException("LTI 1.3 login needs --lti13-issuer, --lti13-client-id, --lti13-authorize-url "
                                       "and --lti13-jwks-url together (the values are in the LMS's tool details; "
                                       "see hub/README.md)")
        from .hub.lti import Lti13Settings

        lti13 = Lti13Settings(lti13_issuer, tuple(lti13_client_id), lti13_authorize_url, lti13_jwks_url,
                              lti13_username, tuple(lti13_deployment_id))
        if lti13.problems():  # before the machine's checks: a typo in a URL is the likelier mistake
            raise click.ClickException("LTI 1.3: " + "; ".join(lti13.problems()))
    try:
        plan = plan_hub(course.root, ip=ip, port=port, python=learner_python, exchange=exchange.resolve(),
                        state_dir=state_dir.resolve(), ssl_cert=ssl_cert, ssl_key=ssl_key,
                        behind_tls_proxy=behind_tls_proxy, idle_minutes=idle_minutes, lti13=lti13)
    except HubSetupError as exc:
        raise click.ClickException(str(exc)) from None
    for note in plan.notes:
        click.echo(f"Note: {note}")
    if lti13 is None:
        click.echo(f"Cohort server: {plan.url}  (learners log in with the account and password from  ssr-trainer "
                   "hub accounts)")
    else:
        click.echo(f"Cohort server: {plan.url}  (learners open it from the course's link in the LMS: LTI 1.3 from "
                   f"{lti13.issuer}; usernames from {lti13.username_from})")
        click.echo("In the LMS's tool settings, with this hub's public https address: Initiate login URL / OpenID "
                   "Connect Initiation Url  <address>/hub/lti13/oauth_login;  Redirection URI(s) / Redirect URIs  "
                   "<address>/hub/lti13/oauth_callback;  Tool URL / Target Link URI  <address>/hub/")
    click.echo(f"Formgrader for trainers: {plan.url}services/{plan.env['SSR_HUB_COURSE']}/formgrader  (open it in "
               "its own tab)")
    if check:
        click.echo(f"Checked; not started (--check). It would run: {' '.join(plan.command)}")
        return
    click.echo("Stop it with Ctrl+C; learners' files stay in their home folders.")
    sys.stdout.flush()
    sys.exit(run_hub(plan))


@main.group("issuer-key")
def issuer_key_group() -> None:
    """The issuer's signing key for Open Badges (kept outside the repository, never committed)."""


@issuer_key_group.command("create")
@click.option("--path", "key_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="where to keep the private key (default: $SSR_ISSUER_KEY, else your user config folder)")
def issuer_key_create_cmd(key_path: Path | None) -> None:
    """Create the issuer's Ed25519 key pair. It refuses to overwrite a key or to write into a git checkout.

    \b
    Example:
      ssr-trainer issuer-key create
    """
    from .credentials.issuer_key import IssuerKeyError, create_key, load_key

    try:
        path = create_key(key_path)
    except IssuerKeyError as exc:
        raise click.ClickException(str(exc)) from None
    key = load_key(path)
    click.echo(f"Issuer key created: {path} (readable only by you). Back it up somewhere safe and private.")
    click.echo(f"Public key: {key.public_multibase}")
    click.echo("Next: put the public key in grader/issuer.yml (public_key: ...), so  ssr-trainer verify  "
               "accepts only badges signed by this key.")


@issuer_key_group.command("show")
@click.option("--path", "key_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="the key file (default: $SSR_ISSUER_KEY, else your user config folder)")
def issuer_key_show_cmd(key_path: Path | None) -> None:
    """Print where the issuer key is and its public key (never the private key)."""
    from .credentials.issuer_key import IssuerKeyError, load_key

    try:
        key = load_key(key_path)
    except IssuerKeyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Issuer key: {key.path}")
    click.echo(f"Public key: {key.public_multibase}")
    click.echo(f"Issuer id:  {key.did}")


@main.command("issue")
@course_dir_option
@click.option("--key", "key_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="the issuer key file (default: $SSR_ISSUER_KEY, else your user config folder)")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="where certificates and badges go (default: <course dir>/issued)")
@click.option("--dry-run", is_flag=True, help="only list who qualifies and who is missing what")
@click.option("--reissue", multiple=True, metavar="ID",
              help="make this learner's certificate again with the current roster name and language and a new id")
@click.option("--language", type=click.Choice(["en", "fr"]), default=None,
              help="issue this run's certificates and badges in this language, whatever the roster says "
                   "(default: each learner's roster language, else English)")
def issue_cmd(course_dir: Path | None, key_path: Path | None, output_dir: Path | None, dry_run: bool,
              reissue: tuple[str, ...], language: str | None) -> None:
    """Issue a certificate (PDF) and an Open Badge (signed JSON) to each learner who qualifies.

    A learner qualifies when the quiz score is final and at or above the pass mark AND the course
    evaluation is complete. Everyone else is listed with what is missing. Running it again issues
    nothing twice and keeps every certificate id.

    Each certificate and badge is in the learner's language from the roster (its language column),
    or in --language for this run; never in a language a learner's own files suggest.

    \b
    Examples:
      ssr-trainer issue --dry-run
      ssr-trainer issue
      ssr-trainer issue --language fr
    """
    from .credentials.issuer_key import IssuerKeyError
    from .credentials.issuing import IssuerError, issue_all, load_issuer, registry_path

    course = _course(course_dir)
    try:
        report = issue_all(course, key_path=key_path, out_dir=output_dir, dry_run=dry_run, reissue=reissue,
                           language=language)
        issuer_name = load_issuer(course).name
    except (IssuerError, IssuerKeyError, ContentError) as exc:
        raise click.ClickException(str(exc)) from None
    if report.french:
        click.echo(f"In French: {', '.join(report.french)}; the others in English.")
    if dry_run:
        click.echo(f"Would issue to {len(report.pending)} learners"
                   + (f" ({', '.join(report.pending)})" if report.pending else "")
                   + f"; {len(report.already)} already have theirs.")
    else:
        click.echo(f"Issued {len(report.issued)} new certificates and badges in {report.out_dir}; "
                   f"{len(report.already)} already issued (unchanged)"
                   + (f"; {len(report.repaired)} missing files re-created." if report.repaired else "."))
    if report.not_eligible:
        click.echo(f"Not yet qualified ({len(report.not_eligible)}):")
        for st in report.not_eligible:
            click.echo(f"  {st.student}: {'; '.join(st.missing)}")
    for note in report.notes:
        click.echo(f"Note: {note}")
    for student, message in report.failed:
        click.echo(f"  could not issue to {student}: {message}")
    click.echo(f"Issuer named on certificates and badges: {issuer_name} (from issuer.yml).")
    if dry_run:
        click.echo("Next: issue them:  ssr-trainer issue")
    else:
        click.echo(f"Record of what was issued: {registry_path(course)} (keep it, and back it up).")
        click.echo("Next: send each learner the two files in their folder (certificate.pdf, badge.json). "
                   "Anyone can check a badge with:  ssr-trainer verify badge.json")
    if report.failed:
        sys.exit(1)


@main.command("verify")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@course_dir_option
@click.option("--issuer-key", default=None,
              help="the public key (z6Mk...) the badge must be signed with (default: public_key in issuer.yml)")
@click.option("--any-issuer", is_flag=True, help="accept any valid signature (do not require this course's key)")
@click.option("--trust-key", "trust", multiple=True, metavar="METHOD=KEY",
              help="a verification method that is not a did:key (e.g. an https URL) and its public key z6Mk...")
def verify_cmd(files: tuple[Path, ...], course_dir: Path | None, issuer_key: str | None, any_issuer: bool,
               trust: tuple[str, ...]) -> None:
    """Check Open Badge files offline: the signature, the issuer's key, the dates and the badge fields.

    Works without internet: the JSON-LD contexts are bundled, and this course's badges name their
    key as a did:key. Other issuers' keys published at an https address are given with --trust-key.

    \b
    Examples:
      ssr-trainer verify issued/amina/badge.json
      ssr-trainer verify badge.json --issuer-key z6Mk...
      ssr-trainer verify vector.json --any-issuer --trust-key "https://example.edu/issuers/565049#z6Mk...=z6Mk..."
    """
    from .credentials.openbadge import verify_file

    trusted = {}
    for pair in trust:
        method, sep, key = pair.rpartition("=")
        if not sep or not method or not key.startswith("z"):
            raise click.ClickException(f"--trust-key needs METHOD=KEY with a z... public key, got {pair!r}")
        trusted[method] = key

    expected = None
    if not any_issuer:
        expected = issuer_key or _configured_public_key(course_dir)
        if expected is None:
            raise click.ClickException("no issuer key to check against: give --issuer-key z6Mk..., set public_key "
                                       "in issuer.yml, or use --any-issuer to accept any valid signature")
    rejected = 0
    for path in files:
        result = verify_file(path, expected_issuer_key=expected, trusted_keys=trusted)
        click.echo(f"{path}: {result.summary()}")
        if result.ok and (printed := _printed_certificate_id(path)):
            click.echo(f"  Certificate ID printed on the matching PDF: {printed}")
        rejected += not result.ok
    if rejected:
        sys.exit(1)


def _printed_certificate_id(path: Path) -> str | None:
    """The short id on this course's certificate PDF, which is the start of the badge's urn:uuid."""
    import json
    import uuid

    from .credentials.issuing import certificate_id

    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("id", "")
        return certificate_id(uuid.UUID(value.removeprefix("urn:uuid:"))) if value.startswith("urn:uuid:") else None
    except (ValueError, AttributeError):
        return None


def _configured_public_key(course_dir: Path | None) -> str | None:
    from .credentials.issuing import IssuerError, load_issuer

    try:
        return load_issuer(_course(course_dir)).public_key
    except (IssuerError, click.ClickException):  # no course folder here (e.g. a verifier's own install)
        return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
