"""Grading without a kernel: nbgrader's scores for the course's own quiz form, at a fraction of the cost.

Why this is exact. Every quiz notebook in ``submitted/`` is the trusted paper with literal answers
(``ssr-trainer collect`` wrote it; :func:`~ssr_grader.grading.autograde.precheck` checks it is
still that file). The quiz's hidden tests have one fixed form, ``assert answer_sNN ==
_ssr_key("sNN"), "Question N"``, where ``_ssr_key`` gives the key of the learner's own paper (the
keys cell that :class:`~ssr_grader.grading.hooks.TrustedQuizOnly` adds): a test passes exactly when
the recorded letters equal that key. Starting a kernel per learner to find that out costs about a
second; comparing two strings does not.

How it stays nbgrader's. The autograded notebook is made from a *graded template*: the trusted
paper autograded once by nbgrader itself, with a kernel and no answers, so every cell, every bit
of metadata and every failing test's output is nbgrader's own. Per learner, only the answer
cells, the open answer, the learner's own questions and keys cell, and the outputs of the tests
that pass change. Scores are then decided by
nbgrader's own :func:`nbgrader.utils.determine_grade` and checksums on those cells, and the
gradebook rows are nbgrader's own classes (as ``Gradebook.add_submission`` and ``SaveAutoGrades``
make them), written in batches instead of one commit per cell. Formgrader, manual grading,
feedback and ``nbgrader export`` read them as they read nbgrader's. Whatever does not fit (a
quiz whose tests are not of the fixed form) is graded the reference way, with nbgrader's autograde.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..course import Course, open_course
from ..files import atomic_write_text
from ..intake.notebook import cell_text
from .autograde import Outcome, precheck
from .paper import is_keys_cell, keys_source

__all__ = ["DirectGradingUnavailable", "Template", "grade_direct", "graded_template"]

_TEST = re.compile(r'\A### BEGIN HIDDEN TESTS\nassert (answer_(s\d{2})) == _ssr_key\("\2"\), "Question \d+"\n'
                   r"### END HIDDEN TESTS\Z")
_ANSWER = re.compile(r'\A(answer_s\d{2}) = "([A-H]*)"\Z')
CACHE_DIR = ".ssr-grading"
TEMPLATE_STUDENT = "ssr-graded-template"
BATCH = 200  # learners per gradebook commit


class DirectGradingUnavailable(RuntimeError):
    """This quiz cannot be graded without a kernel (the message says why); grade it the reference way."""


@dataclass(frozen=True)
class Template:
    """The paper as nbgrader autograded it with no answers, and where each part of it is."""

    nb: dict
    text: str  # the same, as JSON: a learner's copy is made by parsing it (faster than a deep copy)
    answers: dict[str, int]  # answer cell grade_id -> index
    tests: dict[str, tuple[int, str, str]]  # test grade_id -> (index, answer grade_id, slot)
    open_id: str
    open_index: int
    keys_index: int  # the keys cell, which holds each learner's own keys


def _gid(cell: dict) -> str:
    return ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id", "")


def _fingerprint(course: Course) -> str:
    source = course.root / "source" / course.quiz.assignment / course.quiz.notebook
    h = hashlib.sha256()
    for path in (source, course.released_notebook, course.root / "nbgrader_config.py"):
        h.update(path.read_bytes())
    return h.hexdigest()[:20]


def _hidden_tests(course: Course) -> dict[str, tuple[str, str]]:
    """``{test grade_id: (answer grade_id, slot)}`` from the gradebook's own copy of each test (what nbgrader runs)."""
    from nbgrader.api import Gradebook

    coursedir = course.api().coursedir
    tests = {}
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        notebook = gb.find_notebook(Path(course.quiz.notebook).stem, course.quiz.assignment)
        for cell in notebook.grade_cells:
            if cell.cell_type != "code":
                continue
            source = next((s.source for s in notebook.source_cells if s.name == cell.name), "")
            m = _TEST.match(source.strip())
            if not m:
                raise DirectGradingUnavailable(f"the hidden test {cell.name} is not of the quiz's fixed form")
            tests[cell.name] = (m.group(1), m.group(2))
    return tests


def graded_template(course: Course) -> Template:
    """The graded template of this course's quiz, made once with nbgrader (and a kernel) and cached."""
    cache = course.root / CACHE_DIR / f"graded-template-{_fingerprint(course)}.json"
    if cache.exists():
        nb = json.loads(cache.read_text(encoding="utf-8"))
    else:
        nb = _autograde_empty_paper(course)
        cache.parent.mkdir(parents=True, exist_ok=True)
        for old in cache.parent.glob("graded-template-*.json"):
            old.unlink()
        atomic_write_text(cache, json.dumps(nb, ensure_ascii=False))
    tests = _hidden_tests(course)
    cells = nb["cells"]
    index = {_gid(c): i for i, c in enumerate(cells) if _gid(c)}
    answers = {gid: index[gid] for gid in index if _ANSWER.match(cell_text(cells[index[gid]]) or "")}
    missing = [gid for gid in tests if gid not in index or tests[gid][0] not in answers]
    open_id = course.quiz.open_question.id
    keys = [i for i, c in enumerate(cells) if is_keys_cell(c)]
    if missing or open_id not in index or len(keys) != 1:
        raise DirectGradingUnavailable("the graded template does not match the quiz's cells")
    return Template(nb, json.dumps(nb), answers, {gid: (index[gid], *tests[gid]) for gid in tests}, open_id,
                    index[open_id], keys[0])


def _autograde_empty_paper(course: Course) -> dict:
    """Autograde the released paper with no answers in a throwaway copy of the course, with nbgrader itself."""
    import nbformat

    from ..intake.submission import Accepted, Incoming, accept
    from ..quiz.papers import learner_notebook

    with tempfile.TemporaryDirectory(prefix="ssr-template-") as tmp:
        root = Path(tmp) / "course"
        root.mkdir()
        for name in ("nbgrader_config.py", "item_bank.yml", "quiz.yml", course.quiz.open_question.rubric,
                     "course_secret.key"):
            if (course.root / name).exists():
                shutil.copy(course.root / name, root / name)
        shutil.copytree(course.root / "source", root / "source")
        twin = open_course(root)
        result = twin.api().generate_assignment(course.quiz.assignment, force=True, create=True)
        if not result["success"]:
            raise DirectGradingUnavailable(f"nbgrader could not build the template: {result.get('log', '')[-500:]}")
        released = twin.released_notebook.read_bytes()
        if json.loads(released)["cells"] != json.loads(course.released_notebook.read_bytes())["cells"]:
            raise DirectGradingUnavailable("the released quiz differs from what its source builds")
        paper = nbformat.writes(learner_notebook(twin, TEMPLATE_STUDENT)).encode("utf-8")
        outcome = accept(twin, Incoming(TEMPLATE_STUDENT, "graded template", quiz=paper))
        if not isinstance(outcome, Accepted):
            raise DirectGradingUnavailable(f"the template could not be taken in: {outcome}")
        result = twin.api().autograde(course.quiz.assignment, TEMPLATE_STUDENT, force=True, create=True)
        path = root / "autograded" / TEMPLATE_STUDENT / course.quiz.assignment / course.quiz.notebook
        if not result["success"] or not path.exists():
            raise DirectGradingUnavailable(f"nbgrader could not grade the template: {result.get('log', '')[-500:]}")
        return json.loads(path.read_text(encoding="utf-8"))


def _graded_notebook(template: Template, submitted: dict, draw) -> tuple[dict, dict[str, str]]:
    """The learner's autograded notebook, as nbgrader would write it, and their answers by answer id.

    ``submitted`` is the learner's paper with answers (what the intake wrote), ``draw`` their paper's
    items and keys. Cells match the template's one for one, apart from the keys cell (grading
    only) and the intake's notes cell (first, when there are notes).
    """
    nb = json.loads(template.text)
    cells = [c for c in submitted.get("cells", []) if isinstance(c, dict)]
    first = cells[0] if cells else {}
    noted = bool((first.get("metadata") or {}).get("ssr_grader_note"))
    paper_cells = cells[1:] if noted else cells
    if len(paper_cells) != len(nb["cells"]) - 1:
        raise ValueError("the submitted notebook does not have the paper's cells (was it written by collect?)")
    own = iter(paper_cells)
    for i, cell in enumerate(nb["cells"]):
        if i == template.keys_index:
            cell["source"] = keys_source(draw.keys, draw.code)
            continue
        mine = next(own)
        if not _gid(cell):  # the learner's own question, control and paper code
            cell["source"] = cell_text(mine) or ""
    by_gid = {_gid(c): c for c in paper_cells if _gid(c)}
    answers: dict[str, str] = {}
    for gid, i in template.answers.items():
        source = cell_text(by_gid.get(gid, {})) or ""
        m = _ANSWER.match(source)
        answers[gid] = m.group(2) if m and m.group(1) == gid else ""
        nb["cells"][i]["source"] = f'{gid} = "{answers[gid]}"'
    keys = draw.keys
    for i, answer_id, slot in template.tests.values():
        if answers.get(answer_id) == keys.get(slot):
            nb["cells"][i]["outputs"] = []  # the assert passed: no output
    open_cell = by_gid.get(template.open_id)
    if open_cell is not None:
        nb["cells"][template.open_index]["source"] = cell_text(open_cell) or ""
    if noted:  # the intake's notes, as TrustedQuizOnly keeps them (nbgrader clears cell metadata)
        note = copy.deepcopy(first)
        note["metadata"] = {}
        nb["cells"].insert(0, note)
    return nb, answers


def _cell_results(nb: dict) -> tuple[dict[str, float | None], dict[str, str | None]]:
    """Auto scores of grade cells and auto comments of solution cells, decided by nbgrader's own functions."""
    from nbformat import from_dict
    from nbgrader import utils

    scores, comments = {}, {}
    for raw in nb["cells"]:
        if not _gid(raw):
            continue
        cell = from_dict(raw)
        if utils.is_grade(cell):
            scores[_gid(raw)] = utils.determine_grade(cell)[0]
        if utils.is_solution(cell) or utils.is_task(cell):
            unchanged = cell.metadata.nbgrader.get("checksum") == utils.compute_checksum(cell)
            comments[_gid(raw)] = "No response." if unchanged and not utils.is_task(cell) else None
    return scores, comments


def grade_direct(course: Course, students: list[str], *, progress: bool = True) -> list[Outcome]:
    """Grade ``students`` without a kernel; see the module's docstring. One Outcome per learner, in order."""
    from nbgrader.api import Gradebook

    template = graded_template(course)
    coursedir = course.api().coursedir
    a_name, nb_name = course.quiz.assignment, Path(course.quiz.notebook).stem
    outcomes: dict[str, Outcome] = {}
    bar = _progress(len(students), progress)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        pending: list[tuple[str, float, float, tuple[str, ...]]] = []
        for n, student in enumerate(students, 1):
            if (rejected := precheck(course, student)) is not None:
                outcomes[student] = rejected
            else:
                try:
                    pending.append(_grade_one(course, gb, template, student, a_name, nb_name))
                except Exception as exc:  # one learner's problem never stops the batch
                    gb.db.rollback()
                    outcomes[student] = Outcome(student, False, f"could not be graded: {exc}")
            if n % BATCH == 0 or n == len(students):
                gb.db.commit()
                gb.db.expunge_all()  # memory stays flat, whatever the cohort's size
                for sid, score, max_score, notes in pending:
                    outcomes[sid] = Outcome(sid, True, "graded", score, max_score, notes)
                pending = []
            bar.update(1)
    bar.close()
    return [outcomes[s] for s in students]


def _grade_one(course: Course, gb, template: Template, student: str, a_name: str, nb_name: str):
    from nbgrader.api import Comment, Grade, MissingEntry, SubmittedAssignment, SubmittedNotebook

    from ..intake.submission import intake_record, submitted_dir
    from ..quiz.papers import learner_draw

    folder = submitted_dir(course, student)
    submitted = json.loads((folder / course.quiz.notebook).read_text(encoding="utf-8"))
    graded, _ = _graded_notebook(template, submitted, learner_draw(course, student))
    auto, comments = _cell_results(graded)
    timestamp = course.api().coursedir.get_existing_timestamp(str(folder))

    try:
        st = gb.find_student(student)
    except MissingEntry:
        st = gb.update_or_create_student(student)
    assignment, notebook, names = _quiz_rows(gb, a_name, nb_name)
    try:
        sub = gb.find_submission(a_name, student)
        if timestamp:
            sub.timestamp = timestamp
        snb = next(x for x in sub.notebooks if x.notebook_id == notebook.id)
    except MissingEntry:  # a new submission, with its notebook, grades and comments (as Gradebook.add_submission)
        with gb.db.no_autoflush:
            sub = SubmittedAssignment(assignment=assignment, student=st,
                                      **({"timestamp": timestamp} if timestamp else {}))
            snb = SubmittedNotebook(notebook=notebook, assignment=sub)
            rows = [sub, snb]
            rows += [Grade(cell_id=cell.id, notebook=snb) for cell in (*notebook.grade_cells, *notebook.task_cells)]
            rows += [Comment(cell_id=cell.id, notebook=snb)
                     for cell in (*notebook.solution_cells, *notebook.task_cells)]
            gb.db.add_all(rows)
    score = 0.0
    for grade in snb.grades:
        name = names[grade.cell_id]
        grade.auto_score = auto.get(name)
        grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
        earned = grade.manual_score if grade.manual_score is not None else grade.auto_score
        score += (earned + (grade.extra_credit or 0.0)) if earned is not None else 0.0
    for comment in snb.comments:
        comment.auto_comment = comments.get(names[comment.cell_id])
    snb.late_submission_penalty = None
    if assignment.duedate is not None and timestamp is not None:
        score -= _late_penalty(course, gb, sub, snb, student, score)
    _write_autograded(course, student, graded, folder)
    notes = tuple((intake_record(course, student) or {}).get("notes", []))
    return student, score, float(notebook.max_score), notes


def _quiz_rows(gb, a_name: str, nb_name: str):
    """The quiz's assignment and notebook rows, and cell names by id: looked up once per batch (session)."""
    cached = gb.db.info.get("ssr_quiz_rows")
    if cached is None or cached[0] not in gb.db:
        assignment = gb.find_assignment(a_name)
        notebook = next(nb for nb in assignment.notebooks if nb.name == nb_name)
        names = {c.id: c.name for c in (*notebook.grade_cells, *notebook.solution_cells, *notebook.task_cells)}
        cached = gb.db.info["ssr_quiz_rows"] = (assignment, notebook, names)
    return cached


def _late_penalty(course: Course, gb, sub, snb, student: str, score: float) -> float:
    """nbgrader's late penalty (its ``AssignLatePenalties``, with the course's plugin), for a quiz with a due date."""
    from nbgrader.preprocessors import AssignLatePenalties

    gb.db.flush()
    if sub.total_seconds_late <= 0:
        return 0.0
    assigner = AssignLatePenalties(config=course.config())
    assigner.init_plugin()
    penalty = assigner.plugin_inst.late_submission_penalty(student, score, sub.total_seconds_late)
    penalty = min(max(penalty or 0.0, 0.0), score)
    snb.late_submission_penalty = penalty
    return penalty


def _write_autograded(course: Course, student: str, nb: dict, submitted: Path) -> None:
    """The autograded folder as nbgrader leaves it: the graded notebook, the timestamp (and secret), read-only."""
    folder = course.root / "autograded" / student / course.quiz.assignment
    folder.mkdir(parents=True, exist_ok=True)
    mode = 0o664 if course.api().coursedir.groupshared else 0o444
    kept = {name: (submitted / name).read_text(encoding="utf-8") if (submitted / name).exists() else None
            for name in ("timestamp.txt", "submission_secret.txt")}  # the secret: feedback through the exchange
    for name, text in ((course.quiz.notebook, json.dumps(nb, indent=1, ensure_ascii=False) + "\n"), *kept.items()):
        if text is None:
            continue
        path = folder / name
        tmp = folder / f".{name}.{os.getpid()}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.chmod(tmp, mode)
        os.replace(tmp, path)  # whole or not at all, like the gradebook rows (no fsync: nbgrader does none)


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="learner", desc="Grading", disable=not enabled or total == 0)
