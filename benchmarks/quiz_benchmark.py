"""Quiz figures: click -> answer saved to disk in the browser, and autograde time per submission.

    .venv/bin/python benchmarks/quiz_benchmark.py [--submissions 10] [--clicks 25]

1. Click -> saved: in JupyterLab (headless Chromium), the time from a click on an answer to the
   moment the notebook file on disk holds it (the control's save promise resolved), median and
   p95 over N clicks. Target (issue #4): < 300 ms.
2. Autograde per submission: ``ssr_grader.grading.autograde.autograde_all`` (nbgrader's API, plus our
   sanitising) against plain ``nbgrader autograde <quiz>`` (the command line) on identical copies
   of the same submissions (each learner's own paper, in two copies of one course folder, so with
   the same course secret); and whether every score is the same.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ssr_grader.course import open_course  # noqa: E402
from ssr_grader.grading.autograde import autograde_all, scores  # noqa: E402
from ssr_grader.quiz.papers import learner_draw  # noqa: E402
from tests.quiz_helpers import fill, known_mix, make_course, paper, submit_files  # noqa: E402

_CLICK_JS = """([box, letter]) => new Promise((resolve, reject) => {
  const root = box.parentElement;
  const timer = setTimeout(() => reject(new Error('not saved within 10 s')), 10000);
  root.addEventListener('ssr-answer-saved', () => { clearTimeout(timer); resolve(performance.now() - start); },
                        {once: true});
  const input = [...box.querySelectorAll('input')].find(i => i.value === letter);
  const start = performance.now();
  input.click();
})"""


def _pct(values, q):
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def bench_clicks(course, clicks: int, work: Path) -> None:
    from tests.lab_harness import chromium_page, jupyterlab, open_notebook, run_all

    ws = work / "learner"
    ws.mkdir()
    quiz = ws / course.quiz.notebook
    nbformat.write(paper(course, "learner-clicks"), quiz)  # the learner's own paper
    slot = next(s for s in learner_draw(course, "learner-clicks").slots if not s.item.multiple)
    single, n = slot.slot, slot.number
    with jupyterlab(ws, work) as lab, chromium_page() as page:
        open_notebook(page, lab, course.quiz.notebook)
        try:
            run_all(page)
        except Exception:
            page.screenshot(path=str(work / "run-all-failed.png"))
            print((work / "jupyterlab.log").read_text()[-3000:])
            raise
        box = page.locator("fieldset.ssr-quiz-answer", has=page.locator("legend", has_text=f"Question {n}:"))
        box.scroll_into_view_if_needed()
        times = []
        for k in range(clicks):
            letter = "AB"[k % 2]
            times.append(page.evaluate(_CLICK_JS, [box.element_handle(), letter]))
            saved = json.loads(quiz.read_text())
            assert any(f'answer_{single} = "{letter}"' in "".join(c["source"]) for c in saved["cells"])
    print(f"click -> saved to disk ({clicks} clicks): median {statistics.median(times):.0f} ms, "
          f"p95 {_pct(times, 0.95):.0f} ms, max {max(times):.0f} ms  (target < 300 ms)")


def bench_autograde(course_a, course_b, n: int) -> None:
    """``course_b`` is a copy of ``course_a`` (the same course secret, so the same learners' papers)."""
    items = course_a.quiz.slots
    for k in range(n):
        name = f"learner{k:03d}"
        answers, _ = known_mix(course_a, name)  # each learner fills their own paper
        mine = {i: a for j, (i, a) in enumerate(answers.items()) if (j + k) % 4}  # varied scores
        nb = fill(paper(course_a, name), mine)
        submit_files(course_a, name, nb)
        submit_files(course_b, name, nb)
    t0 = time.perf_counter()
    outcomes = autograde_all(course_a)
    ours = time.perf_counter() - t0
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", course_b.quiz.assignment],
                   cwd=course_b.root, env=env, check=True, capture_output=True)
    plain = time.perf_counter() - t0
    same = all(o.score == scores(course_b, o.student)[0] for o in outcomes)
    print(f"autograde, {n} submissions of {len(items)} questions:")
    print(f"  ssr_grader.autograde_all : {ours / n:.2f} s per submission ({ours:.1f} s in all)")
    print(f"  plain nbgrader autograde : {plain / n:.2f} s per submission ({plain:.1f} s in all)")
    print(f"  ratio (plain / ours)     : {plain / ours:.2f}x   identical scores: {same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=10)
    parser.add_argument("--clicks", type=int, default=25)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        a = make_course(work / "course-a")
        learner_draw(a, "learner-clicks")  # makes the course secret, which the copy shares
        shutil.copytree(a.root, work / "course-b")
        b = open_course(work / "course-b")
        if not args.no_browser:
            bench_clicks(a, args.clicks, work)
        bench_autograde(a, b, args.submissions)


if __name__ == "__main__":
    main()
