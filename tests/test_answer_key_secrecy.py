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
    bank = open_course(ROOT / "grader").bank
    item = bank.items[0]
    assert scan_text("x", f'answer_{item.id} = "{item.key}"', patterns) == [f"x: {item.id} solution line"]


def test_released_quiz_and_learner_content_hold_no_key(patterns):
    hits = scan_tree(ROOT / "notebooks", patterns) + scan_tree(ROOT / "ssr_widgets", patterns)
    assert hits == []


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
