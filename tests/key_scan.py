"""Look for the quiz's answer key in files a learner can get: solution lines and the items' rationales."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ssr_grader.quiz.bank import ItemBank

_MIN_RATIONALE = 40  # shorter "why" texts are too generic to identify an item


def key_patterns(bank: ItemBank) -> list[tuple[str, re.Pattern[str]]]:
    """What gives a paper's answers away: a keys table or key function, a solution line, a right option's rationale."""
    pats = [  # in what a learner opens (notebooks, pages, notes); the trainer's code may name these constructs
        ("keys cell", re.compile(r"_SSR_KEYS\s*=|answer key, added at grading")),
        ("key function", re.compile(r"_ssr_key\s*=|def _ssr_key")),
        ("hidden test", re.compile(r"assert answer_s\d+\s*==")),
        ("solution block", re.compile(r"BEGIN SOLUTION|BEGIN HIDDEN TESTS")),
        ("item bank file", re.compile(r"certification item bank|^kind: (sample|certification)$", re.M)),
    ]
    pats = [(label, pat) if label.endswith("rationale") else (f"{label} (in a learner file)", pat) for label, pat in pats]
    for item in bank.items:
        for o in item.options:
            # The right option's whole rationale would tell a learner which option is right.
            if o.correct and len(o.why) >= _MIN_RATIONALE:
                pats.append((f"{item.id} option {o.id} rationale", re.compile(re.escape(o.why))))
    return pats


LEARNER_FILES = (".ipynb", ".html", ".txt", ".yml", ".yaml", ".md", ".json")


def scan_text(name: str, text: str, patterns) -> list[str]:
    learner_file = name.endswith(LEARNER_FILES) or "." not in Path(name).name
    return [f"{name}: {label}" for label, pat in patterns
            if (learner_file or not label.endswith("(in a learner file)")) and pat.search(text)]


def scan_tree(root: Path, patterns, suffixes=(".py", ".js", ".ipynb", ".yml", ".yaml", ".json", ".md", ".txt",
                                             ".html")) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and path.suffix in suffixes:
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            hits += scan_text(str(path.relative_to(root)), text, patterns)
    return hits


def scan_wheel(wheel: Path, patterns) -> tuple[list[str], list[str]]:
    hits, names = [], []
    with zipfile.ZipFile(wheel) as zf:
        for name in zf.namelist():
            names.append(name)
            data = zf.read(name)
            try:
                hits += scan_text(name, data.decode("utf-8"), patterns)
            except UnicodeDecodeError:
                continue
    return hits, names
