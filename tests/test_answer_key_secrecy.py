"""The quiz's answer key never reaches a learner: not in the released quiz, the course content, or the package."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ssr_grader.course import open_course

from .conftest import ROOT
from .key_scan import key_patterns, scan_text, scan_tree, scan_wheel


@pytest.fixture(scope="module")
def patterns():
    return key_patterns(open_course(ROOT / "grader").bank)


def test_the_scanner_finds_the_key_where_it_is(patterns):
    """The scan must be able to fail: it finds every item in the trainer's own source material."""
    text = (ROOT / "grader" / "item_bank.yml").read_text(encoding="utf-8")
    assert scan_text("item_bank.yml", text, patterns)
    assert scan_text("x.ipynb", '_SSR_KEYS = {"s01": "B"}', patterns) == ["x.ipynb: keys cell (in a learner file)"]
    assert scan_text("x.ipynb", 'assert answer_s01 == "B"', patterns) == ["x.ipynb: hidden test (in a learner file)"]


def test_released_quiz_and_learner_content_hold_no_key(patterns):
    hits = scan_tree(ROOT / "notebooks", patterns) + scan_tree(ROOT / "ssr_widgets", patterns)
    assert hits == []


def test_papers_release_and_lms_package_hold_no_key(tmp_path, patterns):
    """Everything a learner of a cohort receives: the release, their papers (exchange and LMS package)."""
    import zipfile

    from ssr_grader.quiz.package import lms_package
    from ssr_grader.quiz.papers import write_papers

    from .quiz_helpers import make_course

    course = make_course(tmp_path / "course")
    write_papers(course, ["amina", "bo"])
    (package, *_) = lms_package(course, tmp_path / "quiz.zip", ["amina", "bo"])
    hits = scan_tree(course.root / "release", patterns) + scan_tree(course.root / "papers", patterns)
    with zipfile.ZipFile(package) as zf:
        for name in zf.namelist():
            hits += scan_text(name, zf.read(name).decode("utf-8"), patterns)
    assert hits == []
    # and the scan can fail here: the trainer's source notebook holds the hidden tests
    assert scan_tree(course.root / "source", patterns)


def test_wheel_holds_no_key(tmp_path, patterns):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
                   check=True)
    (wheel,) = tmp_path.glob("ssr_course-*.whl")
    hits, names = scan_wheel(wheel, patterns)
    assert hits == []
    # the trainer's files never ship; the one name that looks like them is the learners' practice quiz (content)
    assert [n for n in names if n.endswith(("item_bank.yml", "quiz.yml", "rubric.md"))] == [
        "ssr_widgets/content/practice_quiz.yml"]
    assert any(n.startswith("ssr_widgets/content/") for n in names)  # the learner content is there
    assert "ssr_widgets/static/quiz_answer.js" in names
