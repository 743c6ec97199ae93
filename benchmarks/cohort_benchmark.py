"""Cohort grading speed: ``ssr-trainer grade`` (parallel, nbgrader API) against plain ``nbgrader autograde``.

    .venv/bin/python benchmarks/cohort_benchmark.py --submissions 200 [--workers 2]

Builds the real quiz twice in a temporary folder and hands the same simulated cohort to both (a
known mix of answers, and a few hostile or broken submissions: damaged JSON, added code). Ours
goes through the intake (``ssr-trainer collect``'s answers-only rebuild) and is graded with
:func:`ssr_grader.grading.batch.grade_cohort`; the other gets the learners' files as nbgrader's
own collect leaves them and is graded with nbgrader's command line. Prints wall time per
submission for intake and for grading, the ratio, and whether every score is identical.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ssr_grader.grading.autograde import scores  # noqa: E402
from ssr_grader.grading.batch import grade_cohort  # noqa: E402
from tests.quiz_helpers import fill, make_course  # noqa: E402


def simulate(ours, plain, n: int) -> tuple[list[str], float]:
    """Hand n submissions to both courses: mostly real answers, every 50th one broken, every 50th one hostile.

    Returns the learner ids and the seconds our intake took.
    """
    from ssr_grader.intake.submission import Incoming, accept

    released = nbformat.read(ours.released_notebook, as_version=4)
    names, intake = [], 0.0
    for k in range(n):
        name = f"learner{k:04d}"
        names.append(name)
        answers = {}
        for j, item_id in enumerate(ours.quiz.items):
            item = ours.bank.item(item_id)
            right = (k * 7 + j * 3) % 10 < 7  # about 70 % right, varied per learner and item
            answers[item_id] = item.key if right else next(o.id for o in item.options if not o.correct)
        nb = fill(nbformat.from_dict(released), answers)
        if k % 50 == 17:
            nb.cells.insert(3, nbformat.v4.new_code_cell("import os\nprint(os.listdir('/'))"))
        data = b'{"cells": [' if k % 50 == 33 else nbformat.writes(nb).encode()  # every 50th: a damaged upload
        t0 = time.perf_counter()
        accept(ours, Incoming(name, "benchmark", quiz=data))
        intake += time.perf_counter() - t0
        folder = plain.root / "submitted" / name / plain.quiz.assignment  # as nbgrader's own collect leaves it
        folder.mkdir(parents=True)
        (folder / plain.quiz.notebook).write_bytes(data)
    return names, intake


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None, help="default: all cores")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ours_course = make_course(Path(tmp) / "ours")
        plain_course = make_course(Path(tmp) / "plain")
        names, intake = simulate(ours_course, plain_course, args.submissions)
        t0 = time.perf_counter()
        outcomes = grade_cohort(ours_course, workers=args.workers, progress=False)
        ours = time.perf_counter() - t0
        print(f"(ours done: {ours / args.submissions:.2f} s per submission; now plain nbgrader autograde)", flush=True)
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", plain_course.quiz.assignment],
                       cwd=plain_course.root, env=env, capture_output=True)
        plain = time.perf_counter() - t0
        graded = [o for o in outcomes if o.graded]
        same = True
        for o in graded:
            try:
                same &= scores(plain_course, o.student)[0] == o.score
            except Exception:  # plain nbgrader did not grade this one
                same = False
        n = len(names)
        print(f"{n} submissions ({len(graded)} gradable; {n - len(graded)} broken), {os.cpu_count()} CPUs")
        print(f"  ssr-trainer collect (intake)      : {intake / n:.3f} s per submission ({intake:.1f} s)")
        print(f"  ssr-trainer grade (workers={args.workers or os.cpu_count()}): {ours / n:.2f} s per submission "
              f"({ours:.0f} s)")
        print(f"  plain nbgrader autograde          : {plain / n:.2f} s per submission ({plain:.0f} s)")
        print(f"  ratio plain / ours (grading)      : {plain / ours:.2f}x")
        print(f"  every score identical             : {same}")


if __name__ == "__main__":
    main()
