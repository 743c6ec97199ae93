"""One step from item bank to released quiz: source notebook, nbgrader release, learner copy, evaluation, pre-test.

``nbgrader generate_assignment`` strips the solutions and hidden tests. The released notebook
is also copied into ``notebooks/quiz/`` of the course, where Binder and local learners open it;
a test checks that copy is exactly what this step produces.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat

from ..course import Course
from .evaluation import write_evaluation
from .pretest import write_pretest
from .private import public_items
from .source import write_source
from .variants import course_secret, paper_code

__all__ = ["build_quiz"]


class BuildError(RuntimeError):
    """nbgrader could not generate the learner version; the message carries nbgrader's log."""


def _submissions(course: Course) -> list[str]:
    base = course.root / "submitted"
    return sorted(p.name for p in base.glob(f"*/{course.quiz.assignment}")) if base.is_dir() else []


def _questions(path: Path) -> tuple[list[tuple[str, str]], object]:
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source) for c in nb.cells], nb.metadata.get("ssr_quiz")


SAMPLE_SECRET = b"public sample paper: not a course secret"


class SampleBankError(BuildError):
    """A certification quiz was asked for from the public sample bank."""


def build_quiz(course: Course, learner_copy: Path | None = None, *, sample_bank: bool = False,
               replace_graded_quiz: bool = False) -> Path:
    """Write the source quiz and run nbgrader's generate_assignment; returns the generic released notebook.

    The release has a placeholder in every slot; each learner answers their own paper
    (:mod:`ssr_grader.quiz.papers`). The course evaluation and the pre-test notebooks are written beside it.

    A quiz from the public sample bank certifies nothing (its keys are public): it is refused unless
    ``sample_bank`` says this is a test or a demonstration. ``learner_copy`` writes the paper of a
    sample learner (a public demo of the quiz, for the course repository), from the sample bank only; the evaluation
    and the pre-test are written beside it, and in French in the French edition (:func:`learner_editions`).

    Once learners have submitted, a *changed* quiz is refused unless ``replace_graded_quiz``: nbgrader
    would grade the existing submissions against the new questions and hidden tests. Rebuilding an
    unchanged quiz is always allowed.
    """
    if course.bank.kind == "sample" and not sample_bank:
        raise SampleBankError(
            f"{course.root / 'item_bank.yml'} is the public SAMPLE bank: anyone can read its answers, so a quiz "
            "built from it certifies nothing. Put your own certification bank in your private course folder "
            "(ssr-trainer init-course; see TRAINER_GUIDE.md), or, for a test or a demonstration, add --sample-bank."
        )
    if course.bank.kind == "certification" and (shared := public_items(course.bank)):
        raise SampleBankError(
            f"{len(shared)} items of the certification bank are the public sample's ({', '.join(shared[:8])}"
            f"{' ...' if len(shared) > 8 else ''}): their answers are public. Replace them with your own items."
        )
    if learner_copy is not None and course.bank.kind != "sample":
        raise BuildError("a learner copy is public: make it from the sample bank only. Learners of a certification "
                         "quiz get their own papers (ssr-trainer release).")
    secret_id = paper_code(course_secret(course.root), "\x00course")  # made on the first build
    source = course.root / "source" / course.quiz.assignment / course.quiz.notebook
    submitted = _submissions(course)
    if submitted and source.exists() and not replace_graded_quiz:
        with tempfile.TemporaryDirectory() as tmp:
            candidate = write_source(Path(tmp), course.bank, course.quiz, rubric_dir=course.root, secret_id=secret_id)
            if _questions(candidate) != _questions(source):
                raise BuildError(
                    f"the quiz has changed, but {len(submitted)} learners have already submitted the current one "
                    f"({', '.join(submitted[:5])}{' ...' if len(submitted) > 5 else ''}). nbgrader would grade their "
                    "answers against the new questions. Finish this cohort first (grade, export, report), then "
                    "start the next cohort in a fresh course folder, or rebuild with --replace-graded-quiz."
                )
    write_source(course.root, course.bank, course.quiz, secret_id=secret_id)
    result = course.api().generate_assignment(course.quiz.assignment, force=True, create=True)
    if not result["success"]:
        raise BuildError(f"nbgrader generate_assignment failed:\n{result.get('log', '')[-4000:]}")
    released = course.released_notebook
    write_evaluation(released.parent)
    write_pretest(released.parent)
    if learner_copy is not None:
        from ..files import atomic_write_text
        from .papers import SAMPLE_LEARNER, learner_notebook
        from .variants import draw_paper

        # drawn with a public, fixed secret: the same demo paper on every machine, and never a real learner's
        draw = draw_paper(course.bank, course.quiz, SAMPLE_SECRET, SAMPLE_LEARNER)
        learner_copy.parent.mkdir(parents=True, exist_ok=True)
        # the public demo is English: the roster's languages are for real learners
        atomic_write_text(learner_copy, nbformat.writes(learner_notebook(course, SAMPLE_LEARNER, draw, "en")))
        write_evaluation(learner_copy.parent)
        write_pretest(learner_copy.parent)
        for language, folder in learner_editions(learner_copy).items():
            write_evaluation(folder, language=language)
            write_pretest(folder, language=language)
    return released


def learner_editions(learner_copy: Path) -> dict[str, Path]:
    """Where the learner copies of the evaluation and the pre-test go in each other language of the course: the same
    place in that language's edition (``notebooks/quiz/`` → ``notebooks/fr/quiz/``), where its welcome page links to
    them. The sample quiz paper stays English (it is one public demo); a French learner's own paper is French
    (:func:`~ssr_grader.quiz.papers.learner_notebook`)."""
    from ssr_widgets.translation import LANGUAGES, SOURCE_LANGUAGE

    here = learner_copy.parent
    return {lang: here.parent / lang / here.name for lang in LANGUAGES if lang != SOURCE_LANGUAGE}


def release_to_exchange(course: Course, students: list[str]) -> Path:
    """Release every learner's own paper through the nbgrader exchange; returns the release folder.

    nbgrader's exchange gives every learner the same folder, so it carries each learner's paper in
    ``papers/<learner id>/`` beside the generic notebook (which tells the learner where theirs is);
    ``ssr-trainer collect`` reads the learner's own paper back from there. Papers hold no keys, but
    each learner can see the others' questions: where that matters, hand papers out one by one
    (the LMS package, or each learner's home folder on a course server). Each learner's folder is in their language
    (:func:`~ssr_grader.quiz.papers.write_papers`); if a French paper cannot be made, nothing is released.
    """
    from .papers import PAPERS_DIR, write_papers

    if not students:
        raise BuildError("the roster is empty: import it first (ssr-trainer roster <file>), so that each learner "
                         "gets their own paper")
    release = course.released_notebook.parent
    target = release / PAPERS_DIR
    if target.exists():
        shutil.rmtree(target)
    for folder in write_papers(course, students):
        shutil.copytree(folder, target / folder.name)
    result = course.api().release_assignment(course.quiz.assignment)
    if not result["success"]:
        raise BuildError(f"nbgrader could not release the quiz:\n{result.get('log', '')[-2000:]}")
    return release
