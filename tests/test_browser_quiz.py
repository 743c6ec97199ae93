"""The graded quiz as a learner takes it: JupyterLab in headless Chromium, answers by clicking, graded by nbgrader."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest

from ssr_grader.grading.autograde import autograde_all

from .lab_harness import CHROMIUM, chromium_page, jupyterlab, open_notebook, restart_kernel, run_all
from .lms_fixtures import Person, collect_from_moodle
from .quiz_helpers import answer_cells, fill, known_mix, make_course

AMINA = Person("Amina", "Diallo", "amina@example.org", 501, 0, "amina")
TYPIST = Person("Tariq", "Typist", "tariq@example.org", 502, 0, "tariq")

pytestmark = pytest.mark.browser


def answer_by_clicking(page, course, answers):
    for n, item_id in enumerate(course.quiz.items, 1):
        item = course.bank.item(item_id)
        box = page.locator("fieldset.ssr-quiz-answer", has=page.locator("legend", has_text=f"Question {n}:"))
        box.scroll_into_view_if_needed()
        for o in item.options:
            control = box.get_by_label(f"{o.id}. {o.text}", exact=True)
            if item.multiple:
                control.set_checked(o.id in answers[item_id])
            elif o.id == answers[item_id]:
                control.check()
        # the control reports when the notebook file has been saved with this answer
        box.locator("xpath=..").and_(page.locator(f'[data-saved="{answers[item_id]}"]')).wait_for()


def test_quiz_answered_by_clicking_is_graded_exactly(tmp_path):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI")
        pytest.skip("Debian chromium is not installed")
    course = make_course(tmp_path / "course")
    answers, expected = known_mix(course)
    workspace = tmp_path / "learner"
    workspace.mkdir()
    quiz = workspace / course.quiz.notebook
    shutil.copy(course.released_notebook, quiz)

    with jupyterlab(workspace, tmp_path) as lab, chromium_page() as page:
        open_notebook(page, lab, course.quiz.notebook)
        run_all(page)
        answer_by_clicking(page, course, answers)
        recorded = {k.removeprefix("answer_"): c.source for k, c in answer_cells(nbformat.read(quiz, 4)).items()}
        assert recorded == {i: f'answer_{i} = "{a}"' for i, a in answers.items()}

        # The answers survive a kernel restart and re-opening: the controls show what the file holds.
        restart_kernel(page)
        open_notebook(page, lab, course.quiz.notebook)
        run_all(page)
        for n, item_id in enumerate(course.quiz.items, 1):
            box = page.locator("fieldset.ssr-quiz-answer", has=page.locator("legend", has_text=f"Question {n}:"))
            checked = box.locator("input:checked")
            assert sorted(checked.evaluate_all("els => els.map(e => e.value)")) == sorted(answers[item_id])
            assert f"Recorded answer: {', '.join(answers[item_id])}." in box.inner_text()

    # Submit the LMS way: the learner uploads the saved file to Moodle; the trainer collects the download.
    typed = fill(nbformat.read(quiz, 4), answers, typed=True)
    report = collect_from_moodle(course, tmp_path / "moodle", {
        AMINA: [(course.quiz.notebook, quiz.read_bytes())],
        TYPIST: [(course.quiz.notebook, nbformat.writes(typed).encode())],
    })
    assert len(report.accepted) == 2 and not report.problems
    outcomes = {o.student: o for o in autograde_all(course)}
    assert outcomes[f"moodle-{AMINA.moodle}"].score == expected
    assert outcomes[f"moodle-{TYPIST.moodle}"].score == expected  # typing the same answers gives the same score
