"""Helpers for quiz tests: a throwaway copy of the nbgrader course and ways to fill in answers."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from ssr_grader.course import Course, open_course
from ssr_grader.quizbuild import build_quiz

from .conftest import ROOT

COURSE_FILES = ("item_bank.yml", "quiz.yml", "rubric.md", "nbgrader_config.py")


def make_course(dest: Path, exchange: Path | None = None) -> Course:
    """Copy the course definition (not learner data) from grader/ and build the quiz there."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        shutil.copy(ROOT / "grader" / name, dest / name)
    course = open_course(dest, exchange=exchange)
    build_quiz(course)
    return course


def answer_cells(nb) -> dict[str, nbformat.NotebookNode]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "").startswith("answer_q")}


def fill(nb, answers: dict[str, str], typed: bool = False):
    """Put answers into the answer cells, as the widget writes them or (``typed``) as a person might type."""
    cells = answer_cells(nb)
    for item_id, letters in answers.items():
        value = ", ".join(letters.lower()) if typed else letters
        cells[f"answer_{item_id}"].source = f'answer_{item_id} = "{value}"' + ("  # my answer" if typed else "")
    return nb


def known_mix(course: Course) -> tuple[dict[str, str], float]:
    """Answers with a known score: every third item wrong, the rest right. Returns (answers, expected points)."""
    answers, points = {}, 0.0
    for n, item_id in enumerate(course.quiz.items):
        item = course.bank.item(item_id)
        if n % 3 == 2:
            wrong = next(o.id for o in item.options if not o.correct)
            answers[item_id] = wrong
        else:
            answers[item_id] = item.key
            points += course.quiz.points_per_item
    return answers, points


def submit_files(course: Course, student: str, nb) -> Path:
    folder = course.root / "submitted" / student / course.quiz.assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / course.quiz.notebook
    nbformat.write(nb, path)
    return path
