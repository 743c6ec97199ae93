"""Formgrader, as the trainer opens it, shows a learner's HTML and script as text and runs none of it.

A learner's open answer full of HTML, a script and a javascript: link is collected from a Moodle
download, autograded, and opened in nbgrader's formgrader in headless Chromium, with the
trainer's Jupyter session behind the page. The words must be on the page as text; no script may
run (the page title and a global stay untouched), no element the learner wrote may exist.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from ssr_grader.grading.batch import grade_cohort

from .lab_harness import chromium_page, jupyterlab, require_chromium
from .lms_fixtures import Person, collect_from_moodle
from .quiz_helpers import fill, known_mix, make_course

pytestmark = pytest.mark.browser

ATTACK = ('Local ownership matters. <script>window.__pwned = 1; document.title = "PWNED"</script>'
          '<img src="x" id="learner-img" onerror="window.__pwned = 2"> <b id="learner-b">bold</b> '
          "[click](javascript:window.__pwned=3) $\\href{javascript:window.__pwned=4}{maths}$")


def test_formgrader_shows_learner_html_as_text(tmp_path):
    require_chromium()
    from nbgrader.api import Gradebook

    course = make_course(tmp_path / "course")
    answers, _ = known_mix(course)
    nb = fill(nbformat.read(course.released_notebook, as_version=4), answers)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == course.quiz.open_question.id:
            cell.source = ATTACK
    nb.cells.insert(4, nbformat.v4.new_markdown_cell('<script>window.__pwned = 5</script><b id="added">added</b>'))
    mallory = Person("Mallory", "Evil", "m@example.org", 777, 0, "mallory")
    report = collect_from_moodle(course, tmp_path / "moodle", {mallory: [(course.quiz.notebook,
                                                                          nbformat.writes(nb).encode())]})
    assert [a.student for a in report.accepted] == ["moodle-777"]
    assert all(o.graded for o in grade_cohort(course, workers=1, progress=False))
    api = course.api()
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        submission = gb.find_submission_notebook(Path(course.quiz.notebook).stem, course.quiz.assignment,
                                                 "moodle-777")
        submission_id = submission.id

    with jupyterlab(course.root, tmp_path) as lab, chromium_page() as page:
        errors: list[str] = []
        page.on("dialog", lambda d: (errors.append(d.message), d.dismiss()))
        page.goto(lab.url(f"formgrader/submissions/{submission_id}"))
        page.wait_for_selector("#notebook-container, .jp-Notebook, body", timeout=60_000)
        page.get_by_text("Local ownership matters.", exact=False).first.wait_for()
        text = page.inner_text("body")
        assert "<script>window.__pwned = 1;" in text  # the learner's words, shown as they typed them
        assert '<img src="x" id="learner-img"' in text and "[click](javascript:window.__pwned=3)" in text
        assert page.evaluate("() => window.__pwned") is None
        assert page.title() != "PWNED" and not errors
        assert page.locator("#learner-img, #learner-b, #added").count() == 0
        assert page.locator('a[href^="javascript:"]').count() == 0
        assert "added" not in text.split("Local ownership")[0]  # the added Markdown cell never reached grading
