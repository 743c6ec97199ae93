"""The course evaluation as a learner fills it in: clicks and keys in JupyterLab, saved in the file, in the report."""

from __future__ import annotations

import csv
import shutil

import nbformat
import pytest

from ssr_grader.grading.batch import grade_cohort
from ssr_grader.reports.cohort import write_report
from ssr_widgets.evaluation import EVALUATION_NOTEBOOK, load_evaluation, read_answers

from .lab_harness import chromium_page, jupyterlab, open_notebook, require_chromium, run_all
from .lms_fixtures import Person, collect_from_moodle
from .quiz_helpers import fill, keys, make_course, paper

pytestmark = pytest.mark.browser

COMMENT = "More time for the Solenna scenario, please — très utile."


def control(page, label: str):
    """The radio group of a field, found by its legend: "Question 4 (pace, required): choose one answer"."""
    legend = f"{label[:-1]}, required): choose one answer"
    return page.locator("fieldset.ssr-quiz-answer", has=page.locator("legend", has_text=legend))


def wait_saved(box, value: str):
    box.locator("xpath=..").and_(box.page.locator(f'[data-saved="{value}"]')).wait_for()


def test_evaluation_clicked_in_jupyterlab_reaches_the_cohort_report(tmp_path):
    require_chromium()
    course = make_course(tmp_path / "course")
    ev = load_evaluation()
    required = [f for f in ev.fields if f.required]
    workspace = tmp_path / "learner"
    workspace.mkdir()
    notebook = workspace / EVALUATION_NOTEBOOK
    shutil.copy(course.released_notebook.parent / EVALUATION_NOTEBOOK, notebook)
    chosen = {f.var: f.letters[n % len(f.letters)] for n, f in enumerate(required)}

    with jupyterlab(workspace, tmp_path) as lab, chromium_page() as page:
        open_notebook(page, lab, EVALUATION_NOTEBOOK)
        run_all(page)
        status = page.locator(".ssr-evaluation-status")
        assert f"Still missing: {len(required)} of {len(required)} required answers." in status.inner_text()

        pace = ev.field("eval_pace")
        for f in required:
            if f is pace:
                continue  # answered below with the keyboard only
            box = control(page, f.label)
            box.scroll_into_view_if_needed()
            box.get_by_label(f"{chosen[f.var]}. {f.options[f.letters.index(chosen[f.var])]}", exact=True).check()
            wait_saved(box, chosen[f.var])

        # A typed answer that is not one of the letters does not count, and the list says why.
        pace_cell = page.locator(".jp-CodeCell", has_text='eval_pace = ""').first
        pace_cell.locator(".cm-content").click()
        page.keyboard.press("End")
        page.keyboard.press("ArrowLeft")
        page.keyboard.type("fast")
        page.wait_for_function("() => document.querySelector('.ssr-evaluation-status').innerText"
                               ".includes('is not a valid answer')")
        page.keyboard.press("Escape")  # the keyboard answer below replaces the typed text

        # One required answer left: the learner sees which one.
        status.scroll_into_view_if_needed()
        page.wait_for_function("() => document.querySelector('.ssr-evaluation-status').parentElement"
                               ".dataset.missing === '1'")
        assert "Still missing: 1 of" in status.inner_text() and pace.label in status.inner_text()

        # Keyboard only: Tab to the first option, arrows move the choice, the arrow's choice is saved.
        box = control(page, pace.label)
        box.locator("input").first.focus()
        page.keyboard.press("Space")
        wait_saved(box, "1")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        wait_saved(box, "3")
        chosen[pace.var] = "3"

        comment = page.get_by_label("Question 8 (what to improve, optional):", exact=False)
        comment.fill(COMMENT)
        page.locator(".ssr-comment-box", has=comment).get_by_role("button", name="Save comment").click()
        page.locator(".ssr-comment-box", has=comment).locator("xpath=..").and_(
            page.locator("[data-saved]")).wait_for()
        page.wait_for_function("() => document.querySelector('.ssr-evaluation-status').parentElement"
                               ".dataset.missing === '0'")
        assert "Complete: all" in status.inner_text()

    answers = read_answers(nbformat.read(notebook, as_version=4))
    assert {k: v for k, v in answers.items() if k in chosen} == chosen
    assert answers["eval_improve"] == COMMENT

    # Submitted the LMS way with the quiz; collected, graded, reported.
    quiz = fill(paper(course, "moodle-601"), keys(course, "moodle-601"))  # her own paper, all right
    amina = Person("Amina", "Diallo", "amina@example.org", 601, 0, "amina")
    report = collect_from_moodle(course, tmp_path / "moodle", {amina: [
        (course.quiz.notebook, nbformat.writes(quiz).encode()), (EVALUATION_NOTEBOOK, notebook.read_bytes())]})
    assert [a.student for a in report.accepted] == ["moodle-601"]
    assert all(o.graded for o in grade_cohort(course, workers=1, progress=False))
    report = write_report(course, tmp_path / "report")
    page_html = report.read_text(encoding="utf-8")
    assert "1 evaluations submitted; 1 complete" in page_html
    assert "très utile" in page_html and "moodle-601" not in page_html.split("Course evaluation", 1)[1]
    assert "Amina" not in page_html.split("Course evaluation", 1)[1]
    counts = {(r["field"], r["value"]): int(r["learners"])
              for r in csv.DictReader((tmp_path / "report" / "evaluation_items.csv").open(encoding="utf-8"))}
    for var, value in chosen.items():
        if not var.startswith("eval_confidence"):
            assert counts[(var, value)] == 1, var
    conf = {r["objective"]: r for r in
            csv.DictReader((tmp_path / "report" / "evaluation_confidence.csv").open(encoding="utf-8"))}
    assert float(conf["LO1"]["mean_before"]) == int(chosen["eval_confidence_before_lo1"])
    assert float(conf["LO1"]["mean_now"]) == int(chosen["eval_confidence_now_lo1"])
