"""Cohort grading speed and memory: ``ssr-trainer grade`` (no kernel) against plain ``nbgrader autograde``.

    .venv/bin/python benchmarks/cohort_benchmark.py                      # 100, 1,000 and 10,000 learners
    .venv/bin/python benchmarks/cohort_benchmark.py --sizes 100 --sample 100

For each cohort size, one run builds the quiz (from the sample bank) in a temporary course
folder, hands the simulated cohort in through the intake (as ``ssr-trainer collect`` does: each
learner fills their own paper, about 70 % right against their own keys, varied per learner,
every 50th learner hostile with an added code cell, every 50th a damaged upload that the intake
refuses), and grades it with :func:`grade_cohort` (no kernel) in a
child process whose peak memory is measured. Then it copies that course folder and grades a
sample of the same learners there with plain ``nbgrader autograde`` (one command, a kernel per
learner, the gradebook already holding the whole cohort), and compares every sampled learner's
score. Plain nbgrader is measured on the sample and its per-submission time extrapolated: at
~1.5-3 s per learner, grading 10,000 the plain way would take hours.
"""

from __future__ import annotations

import argparse
import fnmatch
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ssr_grader.course import open_course  # noqa: E402
from ssr_grader.grading.autograde import scores  # noqa: E402
from tests.quiz_helpers import fill, make_course  # noqa: E402


def simulate(course, n: int) -> tuple[list[str], float]:
    """Hand n learners' quizzes in through the intake; returns the learner ids and the intake's seconds."""
    from ssr_grader.intake.submission import Incoming, accept
    from ssr_grader.quiz.papers import learner_draw, learner_notebook

    names, intake = [], 0.0
    for k in range(n):
        name = f"learner{k:05d}"
        draw = learner_draw(course, name)  # each learner fills their own paper, against their own keys
        answers = {}
        for j, slot in enumerate(draw.slots):
            right = (k * 7 + j * 3) % 10 < 7  # about 70 % right, varied per learner and question
            answers[slot.slot] = slot.key if right else next(x for x in slot.letters if x not in slot.key)
        nb = fill(learner_notebook(course, name, draw), answers)
        if k % 50 == 17:
            nb.cells.insert(3, nbformat.v4.new_code_cell("import os\nprint(os.listdir('/'))"))
        data = b'{"cells": [' if k % 50 == 33 else nbformat.writes(nb).encode()
        t0 = time.perf_counter()
        accept(course, Incoming(name, "benchmark", quiz=data))
        intake += time.perf_counter() - t0
        if k % 50 != 33:
            names.append(name)
    return names, intake


def _grade_child(root: str, queue) -> None:
    from ssr_grader.grading.batch import grade_cohort

    course = open_course(Path(root))
    t0 = time.perf_counter()
    outcomes = grade_cohort(course, progress=False)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((seconds, peak_mb, {o.student: o.score for o in outcomes if o.graded}))


def grade_ours(course) -> tuple[float, float, dict[str, float]]:
    """Grade in a child process: (seconds, peak resident memory in MB, scores)."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_grade_child, args=(str(course.root), queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def grade_plain(course, pattern: str) -> float:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", course.quiz.assignment, f"--student={pattern}",
                    "--force"], cwd=course.root, env=env, capture_output=True)
    return time.perf_counter() - t0


def run(size: int, sample: int, tmp: Path) -> dict:
    course = make_course(tmp / f"ours-{size}")
    names, intake = simulate(course, size)
    # the one-time graded template (nbgrader with a kernel, once per quiz) is made before timing
    from ssr_grader.grading.direct import graded_template

    t0 = time.perf_counter()
    graded_template(course)
    template_s = time.perf_counter() - t0
    ours_s, peak_mb, ours = grade_ours(course)
    plain_root = tmp / f"plain-{size}"
    shutil.copytree(course.root, plain_root)
    plain_course = open_course(plain_root)
    if sample >= size:
        pattern = "*"
    elif sample in (10, 100):
        digits = len(str(sample)) - 1
        pattern = f"learner{'0' * (5 - digits)}{'[0-9]' * digits}"
    else:
        raise SystemExit("--sample must be 10 or 100, or at least the cohort's size")
    sampled = [n for n in names if fnmatch.fnmatch(n, pattern)]
    plain_s = grade_plain(plain_course, pattern)
    same = all(scores(plain_course, s)[0] == ours[s] for s in sampled)
    return {"size": size, "graded": len(ours), "intake": intake / size, "template": template_s,
            "ours": ours_s / len(names), "plain": plain_s / len(sampled), "sampled": len(sampled),
            "peak_mb": peak_mb, "same": same and len(ours) == len(names)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--sample", type=int, default=100, help="learners graded the plain way (10 or 100)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; plain nbgrader autograde measured on a sample of {args.sample} learners per "
          "cohort (all of them when the cohort is smaller), in a gradebook that holds the whole cohort", flush=True)
    print(f"{'learners':>9} {'intake s/l':>10} {'ours s/l':>9} {'plain s/l':>10} {'ratio':>7} {'peak MB':>8} "
          f"{'scores identical':>17}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            r = run(size, args.sample, Path(tmp))
            print(f"{r['size']:>9,} {r['intake']:>10.4f} {r['ours']:>9.4f} {r['plain']:>10.2f} "
                  f"{r['plain'] / r['ours']:>6.0f}x {r['peak_mb']:>8.0f} "
                  f"{'yes' if r['same'] else 'NO':>9} (on {r['sampled']})", flush=True)
            print(f"          (graded template, once per quiz: {r['template']:.1f} s)", flush=True)
            shutil.rmtree(Path(tmp) / f"ours-{size}")
            shutil.rmtree(Path(tmp) / f"plain-{size}")


if __name__ == "__main__":
    main()
