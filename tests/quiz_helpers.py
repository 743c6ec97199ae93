"""Helpers for quiz tests: a throwaway copy of the nbgrader course and ways to fill in answers."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from ssr_grader.course import Course, open_course
from ssr_grader.quiz.release import build_quiz

from .conftest import ROOT

COURSE_FILES = ("item_bank.yml", "quiz.yml", "rubric.md", "nbgrader_config.py", "issuer.yml")


def make_course(dest: Path, exchange: Path | None = None) -> Course:
    """Copy the course definition (not learner data) from grader/ and build the quiz there (sample bank: a test)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        shutil.copy(ROOT / "grader" / name, dest / name)
    course = open_course(dest, exchange=exchange)
    build_quiz(course, sample_bank=True)
    return course


def copy_course(course: Course, dest: Path) -> Course:
    """A copy of ``course`` as it stands (built, and whatever was handed in or graded), opened at ``dest``.

    Built once per module and copied for each test, a course is cheap, and what one test hands in, grades or marks
    by hand no other test sees: each test is right alone and in any order.
    """
    shutil.copytree(course.root, dest, symlinks=True)
    return open_course(dest, exchange=course.exchange)


def paper(course: Course, student: str) -> nbformat.NotebookNode:
    """``student``'s own paper, as released to them (no answers)."""
    from ssr_grader.quiz.papers import learner_notebook

    return learner_notebook(course, student)


def keys(course: Course, student: str) -> dict[str, str]:
    """``{slot: right letters}`` of ``student``'s paper."""
    from ssr_grader.quiz.papers import learner_draw

    return learner_draw(course, student).keys


def wrong(course: Course, student: str, slot: str) -> str:
    """A wrong answer (one letter) to ``slot`` of ``student``'s paper."""
    from ssr_grader.quiz.papers import learner_draw

    draw = learner_draw(course, student).slot(slot)
    return next(letter for letter in draw.letters if letter not in draw.key)


def answer_cells(nb) -> dict[str, nbformat.NotebookNode]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "").startswith("answer_s")}


def fill(nb, answers: dict[str, str], typed: bool = False):
    """Put answers (``{slot: letters}``) into the answer cells, as the widget writes them or as a person might type."""
    cells = answer_cells(nb)
    for slot, letters in answers.items():
        value = ", ".join(letters.lower()) if typed else letters
        cells[f"answer_{slot}"].source = f'answer_{slot} = "{value}"' + ("  # my answer" if typed else "")
    return nb


def known_mix(course: Course, student: str) -> tuple[dict[str, str], float]:
    """Answers of ``student`` with a known score: every third question wrong, the rest right; (answers, points)."""
    answers, points = {}, 0.0
    for n, (slot, key) in enumerate(sorted(keys(course, student).items())):
        if n % 3 == 2:
            answers[slot] = wrong(course, student, slot)
        else:
            answers[slot] = key
            points += course.quiz.points_per_item
    return answers, points


def submit_files(course: Course, student: str, nb, evaluation=None) -> Path:
    """Hand a learner's quiz (and evaluation) in through the intake, as ``ssr-trainer collect`` does."""
    from ssr_grader.intake.submission import Accepted, Incoming, accept

    raw = nb if isinstance(nb, bytes) else nbformat.writes(nb).encode("utf-8")
    ev = evaluation if evaluation is None or isinstance(evaluation, bytes) else nbformat.writes(evaluation).encode()
    result = accept(course, Incoming(student, "test", quiz=raw, evaluation=ev))
    assert isinstance(result, Accepted), result
    return course.root / "submitted" / student / course.quiz.assignment / course.quiz.notebook


def fill_evaluation(nb, answers: dict[str, str]):
    """Write evaluation answers (``{"eval_pace": "3", ...}``) into their answer cells, as the widgets do."""
    from ssr_grader.quiz.evaluation import fill_evaluation as fill

    return fill(nb, answers)


def complete_evaluation(seed: int = 0) -> dict[str, str]:
    """A complete set of evaluation answers (every field), varied by ``seed``."""
    from ssr_widgets.evaluation import load_evaluation

    out = {}
    for n, f in enumerate(load_evaluation().fields):
        if f.kind == "text":
            out[f.var] = f"Comment {seed}: {f.label.lower()}"
        else:
            out[f.var] = f.letters[(seed + n) % len(f.letters)]
    return out


def submit_evaluation(course: Course, student: str, answers: dict[str, str]) -> Path:
    """Put a filled-in evaluation into the learner's submitted folder, beside the quiz."""
    from ssr_grader.intake.submission import Incoming, accept, intake_record, received_dir
    from ssr_widgets.evaluation import EVALUATION_NOTEBOOK

    released = course.released_notebook.parent / EVALUATION_NOTEBOOK
    evaluation = nbformat.writes(fill_evaluation(nbformat.read(released, as_version=4), answers)).encode()
    record = intake_record(course, student)
    quiz = None
    if record and record.get("received", {}).get("quiz"):  # the learner's quiz came in before: hand both in
        quiz = (received_dir(course, student) / record["originals"] / course.quiz.notebook).read_bytes()
    accept(course, Incoming(student, "test", quiz=quiz, evaluation=evaluation))
    return course.root / "submitted" / student / course.quiz.assignment / EVALUATION_NOTEBOOK


def install_issuer_key(course: Course, folder: Path) -> Path:
    """Make an issuer key in ``folder`` and put its public half in the course's issuer.yml; the key's path."""
    from ssr_grader.credentials.issuer_key import create_key, load_key

    key_path = create_key(folder / "keys" / "issuer-key.json")
    issuer_yml = course.root / "issuer.yml"
    issuer_yml.write_text(issuer_yml.read_text().replace("public_key: null",
                                                        f"public_key: {load_key(key_path).public_multibase}"))
    return key_path


def add_languages(course: Course, languages: dict[str, str], *, french_bank: bool = True) -> None:
    """Record learners' languages as ``ssr-trainer roster`` does (``{"amina": "fr"}``; others keep theirs) and, with
    ``french_bank``, give the course the sample bank's French (``item_bank.fr.yml``, beside its bank)."""
    from ssr_grader.intake.roster import Learner, save_languages

    if french_bank:
        shutil.copy(ROOT / "grader" / "item_bank.fr.yml", course.root / "item_bank.fr.yml")
    save_languages(course.root, [Learner(lid, "A", "Learner", "", None, lang) for lid, lang in languages.items()])
