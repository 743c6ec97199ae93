"""The graded quiz end to end with nbgrader's own commands: build, release, both ways in, autograde, feedback."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from ssr_grader.course import open_course
from ssr_grader.grading.autograde import autograde_all, scores
from ssr_grader.grading.hooks import parse_answer

from .conftest import ROOT
from .quiz_helpers import answer_cells, fill, keys, known_mix, make_course, paper, submit_files

NBGRADER = [sys.executable, "-m", "nbgrader"]
LEARNER_COPY = ROOT / "notebooks" / "quiz" / "end_of_course_quiz.ipynb"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("course"))


def nbgrader(args, cwd, env=None, check=True):
    env = {**os.environ, **(env or {}), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    done = subprocess.run(NBGRADER + args, cwd=cwd, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done


def test_item_bank_covers_every_objective():
    course = open_course(ROOT / "grader")
    per_lo = Counter(it.objective for it in course.bank.items)
    assert course.bank.kind == "sample"  # the repository is public: its bank can only be a sample
    assert all(per_lo[f"LO{n}"] >= 6 for n in range(1, 10)), per_lo
    assert any(it.multiple for it in course.bank.items) and any(not it.multiple for it in course.bank.items)
    assert len(course.quiz.slots) >= 20 and course.quiz.pass_mark == 0.70
    slots = Counter(lo for _, lo in course.quiz.slots)
    assert all(slots[f"LO{n}"] >= 2 and per_lo[f"LO{n}"] > slots[f"LO{n}"] for n in range(1, 10)), slots
    assert course.quiz.open_question.points < course.quiz.total_points / 2  # a minority of the marks


def test_released_quiz_and_papers_have_no_answers(course):
    for name, nb in (("release", nbformat.read(course.released_notebook, as_version=4)),
                     ("amina's paper", paper(course, "amina"))):
        text = nbformat.writes(nb)
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "assert " not in text, name
        assert "_ssr_key" not in text and "_SSR_KEYS" not in text and '"correct"' not in text, name
        for slot, _ in course.quiz.slots:
            assert answer_cells(nb)[f"answer_{slot}"].source.strip() == f'answer_{slot} = ""', name
        tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test_")]
        assert len(tests) == len(course.quiz.slots) and all(c.source.strip() == "" for c in tests), name


def test_each_learner_has_their_own_paper_rebuilt_the_same_every_time(course):
    from ssr_grader.quiz.papers import learner_draw

    a, b = learner_draw(course, "amina"), learner_draw(course, "bo")
    assert a == learner_draw(course, "amina") and a.code != b.code  # reproducible, and different per learner
    assert [s.item.id for s in a.slots] != [s.item.id for s in b.slots] or \
        [s.order for s in a.slots] != [s.order for s in b.slots]
    for draw in (a, b):  # each slot draws from its objective's pool, never the same item twice in one paper
        assert [s.item.objective for s in draw.slots] == [lo for _, lo in course.quiz.slots]
        assert len({s.item.id for s in draw.slots}) == len(draw.slots)
    nb = paper(course, "amina")
    assert nb.metadata["ssr_quiz"]["paper"] == a.code and a.code in nbformat.writes(nb)
    first = a.slots[0]
    assert first.item.stem in nbformat.writes(nb) and f"- **A.** {first.options()[0][1].text}" in nbformat.writes(nb)
    # the nbgrader cells are the release's, so nbgrader grades every paper as one assignment
    released = nbformat.read(course.released_notebook, as_version=4)
    assert [c.metadata.get("nbgrader") for c in nb.cells] == [c.metadata.get("nbgrader") for c in released.cells]


def test_committed_learner_copy_is_the_current_sample_paper(course):
    """notebooks/quiz/ holds a public demo paper: rebuild with `ssr-trainer build-quiz --sample-bank --learner-copy`."""
    from ssr_grader.quiz.release import build_quiz

    assert LEARNER_COPY.exists(), "run: ssr-trainer build-quiz --sample-bank --learner-copy " \
                                  "notebooks/quiz/end_of_course_quiz.ipynb"
    fresh = course.root / "learner-copy" / LEARNER_COPY.name
    build_quiz(course, fresh, sample_bank=True)

    def shape(path):
        nb = nbformat.read(path, as_version=4)
        return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in nb.cells]

    assert shape(LEARNER_COPY) == shape(fresh), (
        "notebooks/quiz/end_of_course_quiz.ipynb is out of date: run "
        "ssr-trainer build-quiz --sample-bank --learner-copy notebooks/quiz/end_of_course_quiz.ipynb"
    )
    assert "Sample paper" in LEARNER_COPY.read_text(encoding="utf-8")


def test_evaluation_is_released_beside_the_quiz_and_committed_in_sync(course):
    """The evaluation travels in the quiz's assignment folder; the committed learner copy is current."""
    released = course.released_notebook.parent / "course_evaluation.ipynb"
    committed = LEARNER_COPY.parent / "course_evaluation.ipynb"
    assert released.exists(), "build-quiz did not write the evaluation into the release folder"

    def shape(path):
        return [(c.cell_type, c.source) for c in nbformat.read(path, as_version=4).cells]

    assert shape(committed) == shape(released), (
        "notebooks/quiz/course_evaluation.ipynb is out of date: run "
        "ssr-trainer build-quiz --sample-bank --learner-copy notebooks/quiz/end_of_course_quiz.ipynb"
    )


def _account(name: str) -> int:
    """A throwaway system account (CI runs as root), with a home folder it owns."""
    import pwd

    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", name], check=True, capture_output=True)
        return pwd.getpwnam(name).pw_uid


def _learner_nbgrader(uid: int) -> list[str]:
    """nbgrader's command line as an account other than root can run it: a Python it may execute (the venv's
    interpreter may live under root's home) with this environment's packages."""
    import site

    minor = f"{sys.version_info.major}.{sys.version_info.minor}"
    packages = [p for p in site.getsitepackages() if Path(p).is_dir()]
    boot = f"import site, sys; [site.addsitedir(p) for p in {packages!r}]; from nbgrader.apps.nbgraderapp import main; " \
           "sys.exit(main())"
    for python in (sys.executable, os.path.realpath(sys.executable), f"/usr/bin/python{minor}",
                   f"/usr/local/bin/python{minor}"):
        try:
            probe = subprocess.run([python, "-c", boot.replace("sys.exit(main())", "pass")], user=uid, group=uid,
                                   capture_output=True, cwd="/")
        except OSError:  # not there, or this account may not run it
            continue
        if probe.returncode == 0:
            return [python, "-c", boot]
    pytest.skip(f"no Python {minor} that a learner account may run with this environment's packages")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="needs root to create one system account per learner, as on a JupyterHub")
def test_exchange_round_trip_takes_only_what_each_account_owns(tmp_path):
    """Learners submit from their own accounts; one submits in another's name and is flagged, not taken."""
    import shutil

    from ssr_grader.intake.exchange import collect_exchange

    exchange = Path(tempfile.mkdtemp(prefix="ssr-exchange-", dir="/tmp"))
    exchange.chmod(0o777)
    try:
        course = make_course(tmp_path / "course", exchange=exchange)
        env = {"SSR_EXCHANGE": str(exchange)}
        from ssr_grader.quiz.release import release_to_exchange

        amina, bruno = "ssrt-amina", "ssrt-bruno"
        release_to_exchange(course, [amina, bruno])  # each learner's own paper in papers/<account>/
        answers, expected = known_mix(course, amina)
        full = keys(course, amina)  # bruno answers amina's paper perfectly and submits it in her name
        for learner, mine, as_whom in ((amina, answers, amina), (bruno, {}, bruno), (bruno, full, amina)):
            uid = _account(learner)
            home = Path(f"/home/{learner}")
            work = home / f"work-{as_whom}"
            work.mkdir(exist_ok=True)
            (work / "nbgrader_config.py").write_text(
                f"c = get_config()\nc.CourseDirectory.course_id = 'ssr-intro'\nc.Exchange.root = {str(exchange)!r}\n"
                "c.Exchange.path_includes_course = True\n")
            shutil.chown(work, uid, uid)
            learner_env = {**os.environ, **env, "USER": learner, "LOGNAME": learner, "HOME": str(home),
                           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
            run = {"env": learner_env, "user": uid, "group": uid, "capture_output": True, "text": True}
            learner_nbgrader = _learner_nbgrader(uid)
            done = subprocess.run([*learner_nbgrader, "fetch_assignment", course.quiz.assignment], cwd=work, **run)
            assert done.returncode == 0, done.stderr[-2000:]
            path = next(work.rglob(f"papers/{as_whom}/{course.quiz.notebook}"))
            nbformat.write(fill(nbformat.read(path, as_version=4), mine), path)
            shutil.chown(path, uid, uid)
            done = subprocess.run([*learner_nbgrader, "submit", course.quiz.assignment, f"--student={as_whom}"],
                                  cwd=work, **run)
            assert done.returncode == 0, done.stderr[-2000:]
        report = collect_exchange(course)
        assert sorted(a.student for a in report.accepted) == [amina, bruno]
        flagged = [p for p in report.problems if "flagged" in p]
        assert len(flagged) == 1 and f"it says it is from {amina} but belongs to {bruno}" in flagged[0]
        outcomes = {o.student: o for o in autograde_all(course)}
        assert outcomes[amina].graded and outcomes[amina].score == expected  # not replaced by bruno's full marks
        assert outcomes[bruno].graded and outcomes[bruno].score == 0.0
        assert outcomes[amina].max_score == course.quiz.total_points
    finally:
        shutil.rmtree(exchange, ignore_errors=True)
        for learner in ("ssrt-amina", "ssrt-bruno"):
            subprocess.run(["userdel", "--remove", learner], capture_output=True)


def test_exchange_rejects_links_and_unknown_or_impossible_submissions(tmp_path):
    """Without real accounts: a learner's folder is only taken when its owner is that learner's account."""
    import shutil

    from ssr_grader.intake.exchange import collect_exchange

    course = make_course(tmp_path / "course", exchange=tmp_path / "exchange")
    inbound = tmp_path / "exchange" / "ssr-intro" / "inbound"
    inbound.mkdir(parents=True)
    answers, expected = known_mix(course, "amina")
    nb = nbformat.writes(fill(paper(course, "amina"), answers))
    me = os.getuid()
    names = {"amina": "amina+end_of_course_quiz+2026-11-30 09:00:00.000000 UTC+abc",
             "bruno": "bruno+end_of_course_quiz+2026-13-45 99:00:00 UTC+def",
             "chen": "chen+end_of_course_quiz+2026-11-30 09:00:00.000000 UTC+ghi"}
    for name in names.values():
        (inbound / name).mkdir()
        (inbound / name / course.quiz.notebook).write_text(nb)
    link = inbound / names["chen"] / course.quiz.notebook
    link.unlink()
    link.symlink_to(course.root / "source" / course.quiz.assignment / course.quiz.notebook)  # the answer key
    shutil.copytree(inbound / names["amina"], inbound / "dora+end_of_course_quiz+2026-11-30 10:00:00.000000 UTC+jkl")
    # amina's paper where the exchange release puts it (papers/<account>/) wins over a stray copy at the top
    (inbound / names["amina"] / "papers" / "amina").mkdir(parents=True)
    (inbound / names["amina"] / "papers" / "amina" / course.quiz.notebook).write_text(nb)
    (inbound / names["amina"] / course.quiz.notebook).write_text(nbformat.writes(paper(course, "amina")))
    report = collect_exchange(course, uid_of=lambda name: {"amina": me, "bruno": me, "chen": me}.get(name))
    assert [a.student for a in report.accepted] == ["amina"]
    text = "\n".join(report.problems + [f"{r.student}: {r.reason}" for r in report.refused])
    assert "not a real date" in text and "no account named dora" in text
    assert "chen: end_of_course_quiz.ipynb is not a plain file (a link or another kind of file): not read" in text
    outcomes = {o.student: o for o in autograde_all(course)}
    assert outcomes == {"amina": outcomes["amina"]} and outcomes["amina"].score == expected


def test_per_learner_inbound_folders_vouch_for_their_learner_and_links_reach_nobody_else(tmp_path):
    """On Kubernetes every server runs as one user; the hub mounts inbound-by-user/<login>/ as each learner's
    inbound/ (hub/k8s/values.yaml). A hand-in there is that login's; one naming someone else is flagged, and a
    folder link to another learner's hand-in (which the trainer's side of the volume would follow) is not read."""
    from ssr_grader.intake.exchange import PER_USER_INBOUND, collect_exchange

    course = make_course(tmp_path / "course", exchange=tmp_path / "exchange")
    (tmp_path / "exchange" / "ssr-intro" / "inbound").mkdir(parents=True)
    per_user = tmp_path / "exchange" / "ssr-intro" / PER_USER_INBOUND
    stamp = "2026-11-30 09:00:00.000000 UTC"
    answers, expected = known_mix(course, "amina")

    def hand_in(login: str, student: str, nb) -> Path:
        folder = per_user / login / f"{student}+{course.quiz.assignment}+{stamp}+{login}"
        (folder / "papers" / student).mkdir(parents=True)
        (folder / "papers" / student / course.quiz.notebook).write_text(nbformat.writes(nb))
        return folder

    # amina's own hand-in is hostile too: an added code cell, edited grading metadata and tags, HTML in her text,
    # and a file beside the notebook that shadows a module; each would leave the canary if it ever ran
    canary = tmp_path / "canary"
    canary.mkdir()
    hostile = fill(paper(course, "amina"), answers)
    hostile.cells.insert(2, nbformat.v4.new_code_cell(f"open({str(canary / 'cell')!r}, 'w').write('ran')"))
    for cell in hostile.cells:
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if grading.get("grade"):
            grading["points"] = 1000
        cell.setdefault("metadata", {})["tags"] = ["<script>alert(1)</script>", "raises-exception"]
    hostile.cells.append(nbformat.v4.new_markdown_cell("<img src=x onerror=alert(1)><script>alert(2)</script>"))
    amina = hand_in("amina", "amina", hostile)
    for shadow in ("ssr_widgets.py", "nbgrader.py", "json.py"):
        (amina / "papers" / "amina" / shadow).write_text(f"open({str(canary / shadow)!r}, 'w').write('ran')\n")
    # mallory hands in under amina's name, with every answer right: flagged, amina's stays hers
    hand_in("mallory", "amina", fill(paper(course, "amina"), keys(course, "amina")))
    # eve links her papers folder to amina's hand-in: nothing of amina's is read under eve's name
    eve = per_user / "eve" / f"eve+{course.quiz.assignment}+{stamp}+eve"
    eve.mkdir(parents=True)
    (eve / "papers").symlink_to(amina / "papers")
    (eve / course.quiz.notebook).symlink_to(amina / "papers" / "amina" / course.quiz.notebook)
    # a per-user "folder" that is a link to someone else's folder is not walked
    (per_user / "zed").symlink_to(per_user / "amina")
    report = collect_exchange(course, uid_of=lambda name: None)  # no accounts at all: owners prove nothing here
    assert [a.student for a in report.accepted] == ["amina"]
    text = "\n".join(report.problems + [f"{r.student}: {r.reason}" for r in report.refused])
    assert f"{PER_USER_INBOUND}/mallory/amina+" in text and "but was handed in by mallory" in text, text
    assert "eve: papers/eve/end_of_course_quiz.ipynb: papers is not a real folder" in text, text
    assert f"{PER_USER_INBOUND}/zed: not a folder (a link or a file): not taken" in text, text
    outcomes = {o.student: o for o in autograde_all(course)}
    assert list(outcomes) == ["amina"] and outcomes["amina"].score == expected
    assert not list(canary.iterdir()), "learner code ran"


def test_typed_answers_score_the_same_as_clicked(tmp_path):
    course = make_course(tmp_path / "course")
    clicked, expected = known_mix(course, "clicker")
    typed, expected_typed = known_mix(course, "typist")
    submit_files(course, "clicker", fill(paper(course, "clicker"), clicked))
    submit_files(course, "typist", fill(paper(course, "typist"), typed, typed=True))
    outcomes = {o.student: o for o in autograde_all(course)}
    assert outcomes["clicker"].score == expected and outcomes["typist"].score == expected_typed == expected


def test_feedback_explains_answers_without_hidden_tests(tmp_path):
    import html as html_lib

    from ssr_grader.quiz.papers import learner_draw

    course = make_course(tmp_path / "course")
    answers, expected = known_mix(course, "amina")
    submit_files(course, "amina", fill(paper(course, "amina"), answers))
    autograde_all(course)
    result = course.api().generate_feedback(course.quiz.assignment, "amina", force=True)
    assert result["success"], result["log"][-2000:]
    html = (course.root / "feedback" / "amina" / course.quiz.assignment / "end_of_course_quiz.html").read_text()
    assert "HIDDEN TESTS" not in html and "assert answer_" not in html
    assert "_SSR_KEYS" not in html and "answer key, added at grading" not in html  # the keys cell is taken out
    draw = learner_draw(course, "amina")
    right, wrong = draw.slots[0], draw.slots[2]  # known_mix: the third question is wrong
    assert "✔ Right." in html and "✘ Not right." in html
    for slot in (right, wrong):
        assert html_lib.escape(slot.item.stem, quote=False) in html or slot.item.stem in html
        for letter, o in slot.options():  # the rationale of each option, under the learner's own letter
            assert f"<strong>{letter}</strong> (" in html
            assert html_lib.escape(o.why, quote=False) in html or o.why in html
    shown = ", ".join(wrong.key)
    assert f"The right answer: {shown}." in html
    assert scores(course, "amina")[0] == expected < course.quiz.total_points


@pytest.mark.parametrize(
    ("source", "expected"),
    [('answer_s01 = "B"', "B"), ("answer_s01 = 'c, a'", "AC"), ('answer_s01 = ""', ""),
     ('answer_s01 = "b"  # mine', "B"), ('answer_s01 = "BB"', None), ('answer_s01 = "Z"', None),
     ("answer_s01 = open('x').read()", None), ('answer_s02 = "B"', None),
     ('answer_s01 = "B"\nimport os', None), ("answer_s01 = 'B", None)],
)
def test_parse_answer_accepts_only_plain_answers(source, expected):
    assert parse_answer(source, "answer_s01", "ABCD") == expected


def test_open_question_is_hand_graded_in_the_gradebook(tmp_path):
    """The reflective answer needs a grader: formgrader's manual score adds to the autograded total."""
    from nbgrader.api import Gradebook

    course = make_course(tmp_path / "course")
    nb = paper(course, "amina")
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == course.quiz.open_question.id:
            cell.source = "The offer is donor-driven; parliament and women's groups were not consulted."
    submit_files(course, "amina", nb)
    autograde_all(course)
    api = course.api()
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        notebook_id = Path(course.quiz.notebook).stem
        grade = gb.find_grade(course.quiz.open_question.id, notebook_id, course.quiz.assignment, "amina")
        assert grade.auto_score is None and grade.needs_manual_grade  # waits for a person
        grade.manual_score = 3
        gb.db.commit()
    assert scores(course, "amina") == (3.0, float(course.quiz.total_points))
    assert (ROOT / "grader" / course.quiz.open_question.rubric).read_text().count("|") > 20  # a real rubric table


def test_bank_errors_name_the_item_and_field(tmp_path):
    from ssr_grader.quiz.bank import load_bank
    from ssr_widgets.model import ContentError

    bad = tmp_path / "item_bank.yml"
    bad.write_text(
        "items:\n"
        "  - id: q01\n    objective: LO1\n    stem: S\n    sources: [{title: T}]\n    options:\n"
        "      - {id: A, text: a, correct: true, why: w}\n      - {id: B, text: b}\n      - {id: C, text: c, why: w}\n"
        "  - id: q02\n    objective: LO10\n    stem: S\n    sources: [{title: T}]\n    options:\n"
        "      - {id: A, text: a, correct: true, why: w}\n      - {id: B, text: b, why: w}\n"
        "      - {id: C, text: c, why: w}\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as err:
        load_bank(bad)
    lines = str(err.value).splitlines()
    assert "item_bank.yml: item 'q01': field 'options[1].why': Field required" in lines
    assert any(line.startswith("item_bank.yml: item 'q02': field 'objective':") for line in lines)
