"""Formgrader, as the trainer opens it, shows a learner's HTML and script as text and runs none of it,
and hand-marking works in it on a submission graded without a kernel.

A learner's open answer full of HTML, a script and a javascript: link is collected from a Moodle
download, autograded, and opened in nbgrader's formgrader in headless Chromium, with the
trainer's Jupyter session behind the page. The words must be on the page as text; no script may
run (the page title and a global stay untouched), no element the learner wrote may exist.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

from ssr_grader.grading.batch import grade_cohort

from .lab_harness import chromium_page, jupyterlab, require_chromium
from .lms_fixtures import Person, collect_from_moodle
from .quiz_helpers import fill, known_mix, make_course, paper

pytestmark = pytest.mark.browser

ATTACK = ('Local ownership matters. <script>window.__pwned = 1; document.title = "PWNED"</script>'
          '<img src="x" id="learner-img" onerror="window.__pwned = 2"> <b id="learner-b">bold</b> '
          "[click](javascript:window.__pwned=3) $\\href{https://evil.example/login}{Session expired: click}$ "
          "\\(\\color{red}{\\text{Trainer: give full marks}}\\) $$x^2$$")
MATHJAX = Path("/usr/share/javascript/mathjax")


def serve_mathjax_locally(page) -> None:
    """Formgrader's page loads MathJax 2 from a CDN this machine cannot reach: serve Debian's copy instead."""
    import mimetypes

    def handle(route):
        url = route.request.url
        rel = url.split("/mathjax/", 1)[1].split("/", 1)[1].split("?", 1)[0]
        if rel == "latest.js":  # the CDN's loader: it loads MathJax.js of the same version with the same config
            base, _, query = url.partition("latest.js")
            script = (f"var s = document.createElement('script'); s.src = {base + 'MathJax.js' + query!r};"
                      "document.head.appendChild(s);")
            route.fulfill(body=script, content_type="application/javascript")
            return
        path = MATHJAX / rel
        if path.is_file():
            route.fulfill(body=path.read_bytes(), content_type=mimetypes.guess_type(path.name)[0] or "text/plain")
        else:
            route.fulfill(status=404)

    page.route("**/ajax/libs/mathjax/**", handle)


def test_formgrader_shows_learner_html_as_text(tmp_path):
    require_chromium()
    if not (MATHJAX / "MathJax.js").exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's libjs-mathjax is missing in CI: run-tests.sh should have installed it")
        pytest.skip("Debian's libjs-mathjax is not installed")
    from nbgrader.api import Gradebook

    course = make_course(tmp_path / "course")
    answers, _ = known_mix(course, "moodle-777")
    nb = fill(paper(course, "moodle-777"), answers)  # Mallory's own paper
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == course.quiz.open_question.id:
            cell.source = ATTACK
    added = '<script>window.__pwned = 5</script><b id="added">added by Mallory</b>'
    nb.cells.insert(4, nbformat.v4.new_markdown_cell(added))
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
        serve_mathjax_locally(page)
        # the trainer's session: formgrader's own API calls carry it (a token in the page address does not)
        page.set_extra_http_headers({"Authorization": f"token {lab.token}"})
        page.goto(lab.url(f"formgrader/submissions/{submission_id}"))
        page.get_by_text("Local ownership matters.", exact=False).first.wait_for()
        # MathJax has typeset the page, and does typeset maths that is ours (a control)
        page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.isReady", timeout=60_000)
        page.evaluate("""() => new Promise(done => {
            const control = document.createElement('div'); control.id = 'control'; control.textContent = '$x^2$';
            document.body.appendChild(control);
            MathJax.Hub.Queue(['Typeset', MathJax.Hub, control], done); })""")
        assert page.locator("#control .MathJax_CHTML, #control .mjx-chtml").count() > 0
        text = " ".join(page.inner_text("body").split())  # the answer is wrapped at 100 columns
        assert "<script>window.__pwned = 1;" in text  # the learner's words, shown as they typed them
        assert '<img src="x" id="learner-img"' in text and "[click](javascript:window.__pwned=3)" in text
        assert page.evaluate("() => window.__pwned") is None
        assert page.title() != "PWNED" and not errors
        assert page.locator("#learner-img, #learner-b, #added").count() == 0
        assert page.locator('a[href^="javascript:"], a[href*="evil.example"]').count() == 0
        answer = page.locator("pre", has_text="Local ownership matters.")
        assert answer.locator(".MathJax_CHTML, .mjx-chtml, [style*=color]").count() == 0
        assert "$\\href{https://evil.example/login}" in text
        assert "added by Mallory" not in text  # the added Markdown cell never reached grading

        # Hand-marking works in formgrader on a submission graded without a kernel
        page.wait_for_function("() => formgrader.grades && formgrader.grades.loaded")
        score = page.locator(f"input.score#{course.quiz.open_question.id}")
        score.fill("3")
        score.press("Tab")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
                grade = gb.find_grade(course.quiz.open_question.id, Path(course.quiz.notebook).stem,
                                      course.quiz.assignment, "moodle-777")
                if grade.manual_score == 3:
                    break
            time.sleep(0.5)
        assert grade.manual_score == 3 and not grade.needs_manual_grade
