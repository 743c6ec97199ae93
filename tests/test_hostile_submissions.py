"""A hostile cohort: every way a learner was able to beat or abuse grading, each with a canary.

Every attack below writes a file into ``canary/`` if any code it carried ran with the grader's
rights. The test collects the whole cohort from one Moodle download (as a trainer would), grades
it with nbgrader, and checks that no canary exists, that each hostile learner scores exactly what
their real answers earn, that the honest learners' grades are intact, and that learner HTML
reaches the feedback only as text.
"""

from __future__ import annotations

import copy
import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from ssr_grader.cli import main
from ssr_grader.grading.autograde import scores
from ssr_grader.grading.batch import grade_cohort
from ssr_grader.intake.archive import Limits, Skipped, read_archive

from .lms_fixtures import Person, moodle_member, moodle_worksheet, zip_of
from .quiz_helpers import fill, make_course

SCRIPT = '<script>document.title="PWNED"</script><img src=x onerror="document.title=\'PWNED\'">'


def gid(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


class Cohort:
    """Builds each learner's notebook from the released quiz, with real answers and an attack."""

    def __init__(self, course, canary: Path):
        self.course = course
        self.canary = canary
        self.released = nbformat.read(course.released_notebook, as_version=4)
        self.items = list(course.quiz.items)
        self.key = {i: course.bank.item(i).key for i in self.items}
        self.wrong = {i: next(o.id for o in course.bank.item(i).options if not o.correct) for i in self.items}

    def answers(self, right: int) -> dict[str, str]:
        return {i: (self.key[i] if n < right else self.wrong[i]) for n, i in enumerate(self.items)}

    def notebook(self, right: int):
        return fill(nbformat.from_dict(copy.deepcopy(self.released)), self.answers(right))

    def plant(self, name: str) -> str:
        """Python that leaves the canary ``name`` if it ever runs."""
        return f"open({str(self.canary / name)!r}, 'w').write('ran')"


def attacks(c: Cohort) -> dict[str, tuple[object, float]]:
    """learner -> (notebook JSON as bytes or NotebookNode, the score their real answers earn)."""
    n = len(c.items)
    out: dict[str, tuple[object, float]] = {}

    nb = c.notebook(5)  # hidden tests made harmless: graded, locked and points metadata, cell types, tags
    for cell in nb.cells:
        if gid(cell).startswith("test_"):
            cell.metadata["nbgrader"].update({"grade": False, "points": 0, "locked": False, "solution": True})
            cell.metadata["tags"] = ["skip-execution", "raises-exception"]
            cell.source = "assert True"
        if gid(cell).startswith("answer_"):
            cell.metadata["nbgrader"].update({"grade": True, "points": 100, "locked": True})
    out["metadata"] = (nb, 5)

    nb = c.notebook(6)  # tests turned into Markdown and grade ids swapped
    for cell in nb.cells:
        if gid(cell).startswith("test_"):
            cell.cell_type = "markdown"
            cell.pop("outputs", None), cell.pop("execution_count", None)
        if gid(cell) == f"answer_{c.items[0]}":
            cell.metadata["nbgrader"]["grade_id"] = f"test_{c.items[1]}"
    out["cell-types"] = (nb, 6)

    nb = c.notebook(7)  # added code: a canary, a loop, an override of an answer, a flood of output
    nb.cells.insert(2, nbformat.v4.new_code_cell(c.plant("added-cell") + "\nprint('x' * 10**7)"))
    nb.cells.append(nbformat.v4.new_code_cell(f'answer_{c.items[-1]} = "{c.key[c.items[-1]]}"; ' + c.plant("override")))
    nb.cells.append(nbformat.v4.new_code_cell("while True:\n    pass"))
    out["added-code"] = (nb, 7)

    nb = c.notebook(8)  # code inside an answer cell
    for cell in nb.cells:
        if gid(cell) == f"answer_{c.items[0]}":
            cell.source = f"import os; {c.plant('in-answer')}; answer_{c.items[0]} = '{c.key[c.items[0]]}'"
    out["code-in-answer"] = (nb, 7)  # the first answer is not plain: it counts as not answered

    nb = c.notebook(4)  # a kernel of the learner's choosing, and the quiz's import shadowed in the notebook
    nb.metadata["kernelspec"] = {"name": "evil", "display_name": "Evil", "language": "python"}
    nb.cells[1].source = c.plant("setup-cell") + "\nfrom ssr_widgets.quiz import choose"
    out["kernelspec"] = (nb, 4)

    nb = c.notebook(n)  # HTML and script in the open answer and in an added Markdown cell
    for cell in nb.cells:
        if gid(cell) == c.course.quiz.open_question.id:
            cell.source = "My answer. " + SCRIPT + " [link](javascript:alert(1)) $\\href{javascript:x}{y}$"
    nb.cells.insert(3, nbformat.v4.new_markdown_cell(SCRIPT))
    out["html"] = (nb, n)

    nb = c.notebook(9)  # letters that are not options, and two answer cells that disagree
    for cell in nb.cells:
        if gid(cell) == f"answer_{c.items[0]}":
            cell.source = f'answer_{c.items[0]} = "Z"'
    nb.cells.append(nbformat.v4.new_code_cell(f'answer_{c.items[1]} = "{c.wrong[c.items[1]]}"'))
    out["odd-answers"] = (nb, 7)

    nb = c.notebook(10)  # cells that once cost hours or gigabytes to read: a regex trap, a 1.6 MB program
    nb.cells.append(nbformat.v4.new_code_cell("answer_q01:" * 200_000))
    nb.cells.append(nbformat.v4.new_code_cell(f'answer_{c.items[0]} = "{c.wrong[c.items[0]]}"\n' + "a=1\n" * 400_000))
    out["huge-cells"] = (nb, 10)

    deep = b'{"cells": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    out["deep-json"] = (deep, None)
    out["truncated"] = (nbformat.writes(c.notebook(n)).encode()[:5000], None)
    out["honest-a"] = (c.notebook(n), n)
    out["honest-b"] = (c.notebook(12), 12)
    return out


def _bad_utf8_name(data: bytes, good: str, bad: bytes) -> bytes:
    """Rewrite one member's name (same length) to bytes that are not UTF-8, keeping the UTF-8 flag set."""
    raw = bytearray(data)
    target = good.encode()
    assert len(target) == len(bad)
    for sig, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        pos = raw.find(sig)
        while pos >= 0:
            if raw[pos + name_at:pos + name_at + len(target)] == target:
                raw[pos + name_at:pos + name_at + len(target)] = bad
                flags, = struct.unpack("<H", bytes(raw[pos + flag_at:pos + flag_at + 2]))
                struct.pack_into("<H", raw, pos + flag_at, flags | 0x800)
            pos = raw.find(sig, pos + 4)
    return bytes(raw)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    canary = tmp / "canary"
    canary.mkdir()
    course = make_course(tmp / "course")
    c = Cohort(course, canary)
    cohort = attacks(c)
    people = {name: Person(name.title().replace("-", " "), "Learner", f"{name}@example.org", 300 + i, 0, name)
              for i, name in enumerate(cohort)}
    victim = Person("Vera", "Victim", "vera@example.org", 900, 0, "vera")
    mallory = Person("Mallory", "Evil", "mallory@example.org", 901, 0, "mallory")
    worksheet = tmp / "Grades-SSR101-quiz-42.csv"
    worksheet.write_bytes(moodle_worksheet([*people.values(), victim, mallory]))
    assert CliRunner().invoke(main, ["roster", str(worksheet), "--course-dir", str(course.root)]).exit_code == 0

    members = []
    for name, (nb, _) in cohort.items():
        data = nb if isinstance(nb, bytes) else nbformat.writes(nb).encode()
        members.append((moodle_member(people[name], course.quiz.notebook), data))
    # an evaluation that once stopped collection for everyone after it: a lone surrogate, a cell of numbers
    ev = nbformat.read(course.released_notebook.parent / "course_evaluation.ipynb", as_version=4)
    ev_json = json.loads(nbformat.writes(ev))
    for cell in ev_json["cells"]:
        if cell["cell_type"] == "code" and "".join(cell["source"]).startswith("eval_improve"):
            cell["source"] = 'eval_improve = "=HYPERLINK(\\"http://x\\") \\ud800 <script>x</script>"'
    ev_json["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                             "source": [1], "id": "bad"})
    members.append((moodle_member(people["metadata"], "course_evaluation.ipynb"), json.dumps(ev_json).encode()))
    # extra files beside a notebook: a module the quiz imports, shadowed
    shadow = ("import pathlib\n" + c.plant("shadow-module")).encode()
    members.append((moodle_member(people["honest-b"], "ssr_widgets.py"), shadow))
    members.append((moodle_member(people["honest-b"], "ssr_widgets/__init__.py"), shadow))
    # the victim's own honest answers, and the attacker's ways to replace them
    members.append((moodle_member(victim, course.quiz.notebook), nbformat.writes(c.notebook(10)).encode()))
    full = nbformat.writes(c.notebook(len(c.items))).encode()
    inner = zip_of([(moodle_member(victim, course.quiz.notebook, "flat"), full)])
    members.append((moodle_member(mallory, "for-vera.zip"), inner))  # a zip inside the zip
    members.append((moodle_member(mallory, inner and "x_900_assignsubmission_file_end_of_course_quiz.ipynb", "flat"),
                    full))  # a file named like the victim's upload
    members.append((f"{moodle_member(mallory, 'x')[:-2]}/../../../../{tmp.name}/escaped.ipynb", full))
    members.append((moodle_member(mallory, "notebook (1).ipynb"), full))
    # two copies of the same notebook: the one the LMS numbered later is taken
    members.append((moodle_member(mallory, course.quiz.notebook), nbformat.writes(c.notebook(2)).encode()))
    members.append((moodle_member(mallory, "end_of_course_quiz (1).ipynb"), nbformat.writes(c.notebook(3)).encode()))
    # a zip bomb: 11 MB of zeros that compress to a few kB
    members.append((moodle_member(mallory, "bomb.ipynb"), b"0" * (11 * 1024 * 1024)))
    # a symbolic link to the trainer's files
    download = tmp / "SSR101-quiz-42.zip"
    data = zip_of(members)
    with zipfile.ZipFile(download, "w") as zf:  # rebuild, to add a symlink entry and a name that is not UTF-8
        with zipfile.ZipFile(__import__("io").BytesIO(data)) as src:
            for info in src.infolist():
                zf.writestr(info, src.read(info))
        link = zipfile.ZipInfo(moodle_member(mallory, "link.ipynb"))
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
        zf.writestr(moodle_member(mallory, "QQ.ipynb"), b"{}")
    download.write_bytes(_bad_utf8_name(download.read_bytes(), moodle_member(mallory, "QQ.ipynb"),
                                        moodle_member(mallory, "QQ.ipynb").encode()[:-8] + b"\xff\xfe.ipynb"))

    result = CliRunner().invoke(main, ["collect", "--zip", str(download), "--course-dir", str(course.root)])
    assert result.exit_code == 0, result.output
    outcomes = {o.student: o for o in grade_cohort(course, workers=2, progress=False)}
    feedback = CliRunner().invoke(main, ["feedback", "--course-dir", str(course.root)])
    return {"course": course, "cohort": cohort, "people": people, "outcomes": outcomes, "canary": canary,
            "collect": result.output, "feedback": feedback.output, "tmp": tmp, "cohort_obj": c}


def test_no_learner_code_ran(graded):
    assert sorted(os.listdir(graded["canary"])) == []


def test_each_learner_scores_what_their_real_answers_earn(graded):
    people, outcomes = graded["people"], graded["outcomes"]
    for name, (_, expected) in graded["cohort"].items():
        sid = f"moodle-{people[name].moodle}"
        if expected is None:
            assert sid not in outcomes, name
        else:
            assert outcomes[sid].graded and outcomes[sid].score == expected, (name, outcomes[sid])


def test_identity_comes_from_the_lms_not_from_file_names(graded):
    outcomes, out = graded["outcomes"], graded["collect"]
    assert outcomes["moodle-900"].score == 10  # the victim's own answers, untouched by the attacker
    assert outcomes["moodle-901"].score == 3  # the attacker graded on their own later copy
    assert "for-vera.zip: an archive inside the download: listed, never opened" in out
    assert "x_900_assignsubmission_file_end_of_course_quiz.ipynb: not end_of_course_quiz.ipynb" in out
    assert "took Mallory Evil_901_assignsubmission_file/end_of_course_quiz (1).ipynb because its copy number (1)" in out
    assert not (graded["tmp"] / "escaped.ipynb").exists()


def test_bad_files_are_listed_and_stop_nobody(graded):
    out = graded["collect"]
    assert "deep-json" not in graded["outcomes"] and "nested too deeply" in out
    assert "damaged (not valid JSON" in out
    assert "bomb.ipynb: too large" in out
    assert "link.ipynb: a symbolic link, not a file: not read" in out
    assert "\\xff\\xfe.ipynb" in out  # a name that is not UTF-8 is reported, shown escaped
    assert "ssr_widgets.py: not end_of_course_quiz.ipynb" in out and "ssr_widgets/__init__.py" in out
    assert out.count("Files not taken") == 1  # one summary, at the end


def test_evaluation_text_reaches_report_csv_without_formulas(graded):
    from ssr_grader.reports.cohort import write_report

    out = write_report(graded["course"], graded["tmp"] / "report")
    comments = (out.parent / "evaluation_comments.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in comments and ",=HYPERLINK" not in comments and '"=HYPERLINK' not in comments
    assert "<script>x</script>" not in out.read_text(encoding="utf-8")


def test_learner_html_reaches_feedback_only_as_text(graded):
    course, people = graded["course"], graded["people"]
    html = (course.root / "feedback" / f"moodle-{people['html'].moodle}" / course.quiz.assignment /
            "end_of_course_quiz.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title" in html  # shown, as text
    assert "<script>document.title" not in html and "<img src=x" not in html and 'href="javascript:' not in html
    answer = html[html.index("My answer."):]
    assert answer[:answer.index("</pre>")].count("$\\href") == 1  # the maths is inside <pre>: MathJax skips it
    pre = html[:html.index("My answer.")].rsplit("<pre", 1)
    assert len(pre) == 2 and "</pre>" not in pre[1]
    assert "HIDDEN TESTS" not in html and "assert answer_" not in html


def test_plain_nbgrader_autograde_is_safe_too(graded, tmp_path):
    """A trainer who bypasses ssr-trainer (nbgrader collect, then nbgrader autograde) still runs no learner code."""
    course, c = graded["course"], graded["cohort_obj"]
    folder = course.root / "submitted" / "raw" / course.quiz.assignment
    folder.mkdir(parents=True)
    nb = c.notebook(6)
    nb.cells.insert(2, nbformat.v4.new_code_cell(c.plant("plain-nbgrader")))
    for cell in nb.cells:
        if gid(cell).startswith("test_"):
            cell.metadata["tags"] = ["skip-execution"]
    nbformat.write(nb, folder / course.quiz.notebook)
    (folder / "ssr_widgets").mkdir()
    (folder / "ssr_widgets" / "__init__.py").write_text(c.plant("plain-shadow"))
    (folder / "ssr_widgets" / "quiz.py").write_text(c.plant("plain-shadow-quiz") + "\ndef choose(*a, **k): pass\n")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", course.quiz.assignment, "--student", "raw",
                           "--force"], cwd=course.root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(os.listdir(c.canary)) == []
    assert scores(course, "raw")[0] == 6
    # and ssr-trainer refuses to grade what it did not collect (nobody checked who sent it)
    refused = {o.student: o for o in grade_cohort(course, students=["raw"], workers=1, progress=False)}
    assert not refused["raw"].graded and "not collected by  ssr-trainer collect" in refused["raw"].message


def test_archive_limits_stop_at_the_limit(tmp_path):
    data = zip_of([(f"Learner {i}_{i}_assignsubmission_file/x.ipynb", b"{}" * 1000) for i in range(5)])
    path = tmp_path / "d.zip"
    path.write_bytes(data)
    got = list(read_archive(path, Limits(member_bytes=10_000, total_bytes=5_000, members=10)))
    assert [type(g).__name__ for g in got] == ["Member", "Member", "Skipped", "Skipped", "Skipped"]
    assert "passed its limit" in got[2].reason
    with pytest.raises(ValueError, match="holds 5 files; the limit is 4"):
        list(read_archive(path, Limits(members=4)))
    assert all(isinstance(g, Skipped) for g in read_archive(path, Limits(member_bytes=100)))


def test_grades_csv_is_quoted_and_formula_free(tmp_path):
    import csv

    course = make_course(tmp_path / "course")
    roster = tmp_path / "r.csv"
    roster.write_text('id,first name,last name,email\nx1,"Costa, Jr",=cmd|\' /C calc\'!A0,x1@example.org\n'
                      "x2,@SUM(1),+1,x2@example.org\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["roster", str(roster), "--course-dir", str(course.root)]).exit_code == 0
    result = CliRunner().invoke(main, ["export", "--course-dir", str(course.root)])
    assert result.exit_code == 0, result.output
    for name in ("grades.csv", "grades-nbgrader.csv"):
        rows = list(csv.DictReader((course.root / name).open(encoding="utf-8-sig")))
        by = {r.get("id") or r.get("student_id"): r for r in rows}
        assert by["x1"]["first_name"] == "Costa, Jr" and by["x1"]["last_name"] == "'=cmd|' /C calc'!A0"
        assert by["x2"]["first_name"] == "'@SUM(1)" and by["x2"]["last_name"] == "'+1"
        assert len(rows[0]) == len(rows[1])
    text = json.dumps((course.root / "grades-nbgrader.csv").read_text())
    assert ",=cmd" not in text
