"""``ssr-trainer``: the trainer's command line, a thin layer over functions in this package."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ssr_widgets.model import ContentError

from .course import open_course

COURSE_DIR_HELP = "nbgrader course directory (default: $SSR_COURSE_DIR, else the checkout's grader/)"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Run the SSR course's quiz and cohorts with nbgrader.

    \b
    Examples:
      ssr-trainer build-quiz
      ssr-trainer build-quiz --learner-copy notebooks/quiz/end_of_course_quiz.ipynb
    """


@main.command("build-quiz")
@click.option("--course-dir", type=click.Path(file_okay=False, path_type=Path), help=COURSE_DIR_HELP)
@click.option("--learner-copy", type=click.Path(dir_okay=False, path_type=Path),
              help="also copy the released quiz here (e.g. notebooks/quiz/end_of_course_quiz.ipynb)")
def build_quiz_cmd(course_dir: Path | None, learner_copy: Path | None) -> None:
    """Build the quiz from the item bank: source notebook, nbgrader release, learner copy.

    \b
    Example:
      ssr-trainer build-quiz --learner-copy notebooks/quiz/end_of_course_quiz.ipynb
    """
    from .quizbuild import BuildError, build_quiz

    try:
        course = open_course(course_dir)
        released = build_quiz(course, learner_copy)
    except (ContentError, BuildError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Quiz built: {len(course.quiz.items)} questions + 1 open question, "
               f"{course.quiz.total_points} points, pass mark {round(course.quiz.pass_mark * 100)} %.")
    click.echo(f"Released notebook: {released}")
    if learner_copy:
        click.echo(f"Learner copy: {learner_copy}")
    click.echo(f"Next: release it to learners, e.g.  nbgrader release_assignment {course.quiz.assignment}"
               f"  (run in {course.root})")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
