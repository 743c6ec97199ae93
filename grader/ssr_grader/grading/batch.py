"""Grade a whole cohort: resumable, idempotent, and never stopped by one learner.

By default without a kernel (:mod:`ssr_grader.grading.direct`: nbgrader's scores, gradebook rows
and autograded notebooks, at a fraction of the cost). With ``reference``, the plain nbgrader way:
each worker process opens nbgrader's own API once and autogrades one learner at a time (nbgrader
keeps one SQLite gradebook; separate learners never write the same rows). Before grading, each
submission is checked in the main process, so a damaged file is reported in plain words instead
of failing inside nbgrader.

* **Resumable**: a learner whose autograded copy already matches the submission (same
  ``timestamp.txt``) and has a score is skipped, so a run that was interrupted picks up where it
  stopped.
* **Idempotent**: re-running changes nothing unless a submission changed; ``force`` re-grades,
  and even then nbgrader only rewrites automatic scores — manual grades are kept.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from ..course import Course, open_course
from .autograde import Outcome, grade_one, precheck, scores, submitted_students

__all__ = ["grade_cohort", "needs_grading"]

_worker_course: Course | None = None


def needs_grading(course: Course, student: str) -> bool:
    """True unless this learner's current submission has already been autograded and scored."""
    a = course.quiz.assignment
    submitted = course.root / "submitted" / student / a
    graded = course.root / "autograded" / student / a
    if not (graded / course.quiz.notebook).exists():
        return True
    stamp_s, stamp_g = submitted / "timestamp.txt", graded / "timestamp.txt"
    if stamp_s.exists() != stamp_g.exists():
        return True
    if stamp_s.exists() and stamp_s.read_text().strip() != stamp_g.read_text().strip():
        return True
    if (submitted / course.quiz.notebook).stat().st_mtime > (graded / course.quiz.notebook).stat().st_mtime:
        return True
    from nbgrader.api import Gradebook, MissingEntry

    api = course.api()
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        try:
            gb.find_submission(a, student)
        except MissingEntry:
            return True
    return False


def _init_worker(root: str, exchange: str | None) -> None:
    global _worker_course
    _worker_course = open_course(Path(root), exchange=Path(exchange) if exchange else None)
    _worker_course.api()  # import nbgrader and read the config once per worker


def _grade_in_worker(student: str) -> Outcome:
    """Grade one learner; retry what can fail for reasons outside the submission.

    Two workers share one SQLite gradebook ("database is locked"), and two kernels starting at
    the same moment can pick the same free port, so the kernel dies at start. Either is retried;
    a submission that fails the same way again is reported.
    """
    assert _worker_course is not None
    if (rejected := precheck(_worker_course, student)) is not None:
        return rejected  # the file itself is the problem: retrying cannot help
    other_failures = 0
    for attempt in range(4):
        outcome = grade_one(_worker_course, student)
        if outcome.graded:
            return outcome
        if "database is locked" not in outcome.message:
            other_failures += 1
            if other_failures > 1:
                return outcome
        time.sleep(0.5 * (attempt + 1))
    return outcome


def grade_cohort(course: Course, *, workers: int | None = None, force: bool = False,
                 students: list[str] | None = None, progress: bool = True, reference: bool = False,
                 notes: list[str] | None = None) -> list[Outcome]:
    """Grade every submission that needs it: without a kernel (:mod:`~ssr_grader.grading.direct`), or with
    ``reference`` the plain nbgrader way, autograde per learner on ``workers`` processes (default: all cores).

    Returns one :class:`Outcome` per learner, in learner order: graded, skipped as up to date,
    or not graded with the reason. When the quiz cannot be graded without a kernel, the reference
    way is used and a sentence saying why is added to ``notes``.
    """
    everyone = students if students is not None else submitted_students(course)
    outcomes: dict[str, Outcome] = {}
    todo = []
    for student in everyone:
        if (rejected := precheck(course, student)) is not None:
            outcomes[student] = rejected
        elif force or needs_grading(course, student):
            todo.append(student)
        else:
            outcomes[student] = Outcome(student, True, "up to date (already graded)", *scores(course, student))
    if todo and not reference:
        from .direct import DirectGradingUnavailable, grade_direct

        try:
            for o in grade_direct(course, todo, progress=progress):
                outcomes[o.student] = o
            todo = []
        except DirectGradingUnavailable as exc:
            if notes is not None:
                notes.append(f"graded the reference way (nbgrader's autograde, one kernel per learner): {exc}")
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
    bar = _progress(len(todo), progress)
    if todo:
        ctx = multiprocessing.get_context("spawn")
        exchange = str(course.exchange) if course.exchange else None
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(str(course.root), exchange)) as pool:
            futures = {pool.submit(_grade_in_worker, s): s for s in todo}
            for future in as_completed(futures):
                student = futures[future]
                try:
                    outcomes[student] = future.result()
                except Exception as exc:  # a crashed worker must not stop the batch
                    outcomes[student] = Outcome(student, False, f"grading crashed: {exc}")
                bar.update(1)
    bar.close()
    return [outcomes[s] for s in everyone]


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="learner", desc="Grading", disable=not enabled or total == 0)
