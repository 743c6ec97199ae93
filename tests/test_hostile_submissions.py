"""A hostile cohort: every way a learner was able to beat or abuse grading, each with a canary.

Every attack below writes a file into ``canary/`` if any code it carried ran with the grader's
rights. The test collects the whole cohort from one Moodle download (as a trainer would), grades
it with nbgrader, and checks that no canary exists, that each hostile learner scores exactly what
their real answers earn, that the honest learners' grades are intact, and that learner HTML
reaches the feedback only as text. Each learner answers their own paper; one hands in another
learner's paper instead, and is refused.
"""

from __future__ import annotations

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
from ssr_grader.grading.paper import KEYS_HEADER
from ssr_grader.intake.archive import Limits, Skipped, read_archive
from ssr_grader.quiz.papers import learner_draw

from .lms_fixtures import Person, moodle_member, moodle_worksheet, zip_of
from .quiz_helpers import fill, make_course, paper

SCRIPT = '<script>document.title="PWNED"</script><img src=x onerror="document.title=\'PWNED\'">'


def gid(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


class Cohort:
    """Builds each learner's notebook from their own paper, with real answers and an attack."""

    def __init__(self, course, canary: Path, sids: dict[str, str]):
        self.course = course
        self.canary = canary
        self.sid = sids  # cohort name -> learner id
        self.slots = [slot for slot, _ in course.quiz.slots]
        self._draws: dict[str, object] = {}

    def draw(self, who: str):
        sid = self.sid.get(who, who)
        if sid not in self._draws:
            self._draws[sid] = learner_draw(self.course, sid)
        return self._draws[sid]

    def key(self, who: str, slot: str) -> str:
        return self.draw(who).slot(slot).key

    def wrong(self, who: str, slot: str) -> str:
        s = self.draw(who).slot(slot)
        return next(letter for letter in s.letters if letter not in s.key)

    def answers(self, who: str, right: int, rest: str = "wrong") -> dict[str, str]:
        """The first ``right`` questions right; the rest wrong (or, ``rest="blank"``, not answered)."""
        return {slot: self.key(who, slot) if n < right else self.wrong(who, slot)
                for n, slot in enumerate(self.slots) if n < right or rest == "wrong"}

    def notebook(self, who: str, right: int, rest: str = "wrong"):
        """``who``'s own paper, as released to them, answered."""
        return fill(paper(self.course, self.sid.get(who, who)), self.answers(who, right, rest))

    def plant(self, name: str) -> str:
        """Python that leaves the canary ``name`` if it ever runs."""
        return f"open({str(self.canary / name)!r}, 'w').write('ran')"


NAMES = ("metadata", "cell-types", "added-code", "code-in-answer", "kernelspec", "html", "odd-answers", "huge-cells",
         "fake-key", "keys-header", "other-paper", "deep-json", "truncated", "honest-a", "honest-b")


def setup_index(nb) -> int:
    return next(i for i, cell in enumerate(nb.cells) if gid(cell) == "quiz_setup")


def attacks(c: Cohort) -> dict[str, tuple[object, float]]:
    """learner -> (notebook JSON as bytes or NotebookNode, the score their real answers earn)."""
    n = len(c.slots)
    first, second, last = c.slots[0], c.slots[1], c.slots[-1]
    out: dict[str, tuple[object, float]] = {}

    nb = c.notebook("metadata", 5)  # hidden tests made harmless: graded, locked and points metadata, cell types, tags
    for cell in nb.cells:
        if gid(cell).startswith("test_"):
            cell.metadata["nbgrader"].update({"grade": False, "points": 0, "locked": False, "solution": True})
            cell.metadata["tags"] = ["skip-execution", "raises-exception"]
            cell.source = "assert True"
        if gid(cell).startswith("answer_"):
            cell.metadata["nbgrader"].update({"grade": True, "points": 100, "locked": True})
    out["metadata"] = (nb, 5)

    nb = c.notebook("cell-types", 6)  # tests turned into Markdown and grade ids swapped
    for cell in nb.cells:
        if gid(cell).startswith("test_"):
            cell.cell_type = "markdown"
            cell.pop("outputs", None), cell.pop("execution_count", None)
        if gid(cell) == f"answer_{first}":
            cell.metadata["nbgrader"]["grade_id"] = f"test_{second}"
    out["cell-types"] = (nb, 6)

    nb = c.notebook("added-code", 7)  # added code: a canary, a loop, an override of an answer, a flood of output
    nb.cells.insert(2, nbformat.v4.new_code_cell(c.plant("added-cell") + "\nprint('x' * 10**7)"))
    nb.cells.append(nbformat.v4.new_code_cell(f'answer_{last} = "{c.key("added-code", last)}"; ' + c.plant("override")))
    nb.cells.append(nbformat.v4.new_code_cell("while True:\n    pass"))
    out["added-code"] = (nb, 7)

    nb = c.notebook("code-in-answer", 8)  # code inside an answer cell
    for cell in nb.cells:
        if gid(cell) == f"answer_{first}":
            cell.source = f"import os; {c.plant('in-answer')}; answer_{first} = '{c.key('code-in-answer', first)}'"
    out["code-in-answer"] = (nb, 7)  # the first answer is not plain: it counts as not answered

    nb = c.notebook("kernelspec", 4)  # a kernel of the learner's choosing, and the quiz's import shadowed
    nb.metadata["kernelspec"] = {"name": "evil", "display_name": "Evil", "language": "python"}
    nb.cells[setup_index(nb)].source = c.plant("setup-cell") + "\nfrom ssr_widgets.quiz import choose"
    out["kernelspec"] = (nb, 4)

    nb = c.notebook("html", n)  # HTML and script in the open answer and in an added Markdown cell
    for cell in nb.cells:
        if gid(cell) == c.course.quiz.open_question.id:
            cell.source = "My answer. " + SCRIPT + " [link](javascript:alert(1)) $\\href{javascript:x}{y}$"
    nb.cells.insert(3, nbformat.v4.new_markdown_cell(SCRIPT))
    out["html"] = (nb, n)

    nb = c.notebook("odd-answers", 9)  # letters that are not options, and two answer cells that disagree
    for cell in nb.cells:
        if gid(cell) == f"answer_{first}":
            cell.source = f'answer_{first} = "Z"'
    nb.cells.append(nbformat.v4.new_code_cell(f'answer_{second} = "{c.wrong("odd-answers", second)}"'))
    out["odd-answers"] = (nb, 7)

    nb = c.notebook("huge-cells", 10)  # cells that once cost hours or gigabytes to read: a regex trap, a 1.6 MB program
    nb.cells.append(nbformat.v4.new_code_cell(f"answer_{first}:" * 200_000))
    nb.cells.append(nbformat.v4.new_code_cell(f'answer_{first} = "{c.wrong("huge-cells", first)}"\n' + "a=1\n" * 400_000))
    out["huge-cells"] = (nb, 10)

    # the answer key replaced: a key function that says "" is right, where the rest of the paper is left blank
    nb = c.notebook("fake-key", 8, rest="blank")
    at = setup_index(nb) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell('_ssr_key = lambda s: ""\n' + c.plant("fake-key")))
    nb.cells.append(nbformat.v4.new_code_cell('_ssr_key = lambda s: ""; _SSR_KEYS = {}\n' + c.plant("fake-key-end")))
    out["fake-key"] = (nb, 8)

    # ... and a cell dressed as the grader's own keys cell (its first line), before and after the grader's place
    blank = json.dumps(dict.fromkeys(c.slots, ""))
    forged = f"{KEYS_HEADER}\n# paper {c.draw('keys-header').code}\n_SSR_KEYS = {blank}\n" \
             f"_ssr_key = _SSR_KEYS.__getitem__\n{c.plant('keys-header')}"
    nb = c.notebook("keys-header", 9, rest="blank")
    nb.cells.insert(setup_index(nb) + 1, nbformat.v4.new_code_cell(forged))
    nb.cells.insert(setup_index(nb), nbformat.v4.new_code_cell(forged.replace("keys-header", "keys-header-first")))
    nb.cells.append(nbformat.v4.new_code_cell(forged.replace("keys-header", "keys-header-end")))
    out["keys-header"] = (nb, 9)

    # another learner's paper (honest-a's), answered right throughout, handed in as one's own: refused
    out["other-paper"] = (c.notebook("honest-a", n), None)

    deep = b'{"cells": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    out["deep-json"] = (deep, None)
    out["truncated"] = (nbformat.writes(c.notebook("truncated", n)).encode()[:5000], None)
    out["honest-a"] = (c.notebook("honest-a", n), n)
    out["honest-b"] = (c.notebook("honest-b", 12), 12)
    assert tuple(out) == NAMES
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
    people = {name: Person(name.title().replace("-", " "), "Learner", f"{name}@example.org", 300 + i, 0, name)
              for i, name in enumerate(NAMES)}
    victim = Person("Vera", "Victim", "vera@example.org", 900, 0, "vera")
    mallory = Person("Mallory", "Evil", "mallory@example.org", 901, 0, "mallory")
    c = Cohort(course, canary, {p.username: f"moodle-{p.moodle}" for p in [*people.values(), victim, mallory]})
    cohort = attacks(c)
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
    members.append((moodle_member(victim, course.quiz.notebook), nbformat.writes(c.notebook("vera", 10)).encode()))
    full = nbformat.writes(c.notebook("vera", len(c.slots))).encode()  # the victim's paper, all right
    inner = zip_of([(moodle_member(victim, course.quiz.notebook, "flat"), full)])
    members.append((moodle_member(mallory, "for-vera.zip"), inner))  # a zip inside the zip
    members.append((moodle_member(mallory, inner and "x_900_assignsubmission_file_end_of_course_quiz.ipynb", "flat"),
                    full))  # a file named like the victim's upload
    members.append((f"{moodle_member(mallory, 'x')[:-2]}/../../../../{tmp.name}/escaped.ipynb", full))
    members.append((moodle_member(mallory, "notebook (1).ipynb"), full))
    # two copies of the same notebook: the one the LMS numbered later is taken
    members.append((moodle_member(mallory, course.quiz.notebook), nbformat.writes(c.notebook("mallory", 2)).encode()))
    members.append((moodle_member(mallory, "end_of_course_quiz (1).ipynb"),
                    nbformat.writes(c.notebook("mallory", 3)).encode()))
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


def test_keys_the_learner_wrote_change_nothing(graded):
    """A key function of their own, or a cell dressed as the grader's keys cell: the real score, no code run."""
    people, outcomes = graded["people"], graded["outcomes"]
    assert outcomes[f"moodle-{people['fake-key'].moodle}"].score == 8  # not 22: the blank answers stay wrong
    assert outcomes[f"moodle-{people['keys-header'].moodle}"].score == 9
    assert not {"fake-key", "fake-key-end", "keys-header", "keys-header-first", "keys-header-end"} & \
        set(os.listdir(graded["canary"]))


def test_another_learners_paper_is_refused_and_theirs_untouched(graded):
    people, outcomes, out = graded["people"], graded["outcomes"], graded["collect"]
    thief, owner = f"moodle-{people['other-paper'].moodle}", f"moodle-{people['honest-a'].moodle}"
    code = graded["cohort_obj"].draw("honest-a").code
    line = next(x for x in out.splitlines() if x.strip().startswith(f"{thief}:"))
    assert f"this is paper '{code}', not this learner's own paper" in line
    assert graded["cohort_obj"].draw("other-paper").code in line and "hand in their own paper" in line
    assert thief not in outcomes and not (graded["course"].root / "submitted" / thief).exists()
    assert outcomes[owner].graded and outcomes[owner].score == len(graded["cohort_obj"].slots)  # the owner's own


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
    assert "added at grading only" not in html and "_SSR_KEYS" not in html and "_ssr_key" not in html  # no keys cell


def test_plain_nbgrader_autograde_is_safe_too(graded, tmp_path):
    """A trainer who bypasses ssr-trainer (nbgrader collect, then nbgrader autograde) still runs no learner code."""
    course, c = graded["course"], graded["cohort_obj"]
    folder = course.root / "submitted" / "raw" / course.quiz.assignment
    folder.mkdir(parents=True)
    nb = c.notebook("raw", 6, rest="blank")  # raw's own paper; the blank answers would pass a key of ""
    nb.cells.insert(2, nbformat.v4.new_code_cell(c.plant("plain-nbgrader")))
    for cell in nb.cells:
        if gid(cell).startswith("test_"):
            cell.metadata["tags"] = ["skip-execution"]
    nb.cells.insert(setup_index(nb) + 1, nbformat.v4.new_code_cell(
        f"{KEYS_HEADER}\n_SSR_KEYS = {{}}\n_ssr_key = lambda s: ''\n{c.plant('plain-keys-header')}"))
    nb.cells.append(nbformat.v4.new_code_cell(f'_ssr_key = lambda s: ""\n{c.plant("plain-fake-key")}'))
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
