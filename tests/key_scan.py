"""Look for the quiz's answer key in files a learner can get: solution lines and the items' rationales."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ssr_grader.quiz.bank import ItemBank

_MIN_RATIONALE = 40  # shorter "why" texts are too generic to identify an item


def key_patterns(bank: ItemBank) -> list[tuple[str, re.Pattern[str]]]:
    pats = []
    for item in bank.items:
        pats.append((f"{item.id} solution line",
                     re.compile(rf"answer_{item.id}\s*=\s*\\?[\"']{item.key}\\?[\"']")))
        pats.append((f"{item.id} hidden test", re.compile(rf"==\s*\\?[\"']{item.key}\\?[\"'],\s*\\?[\"']Question")))
        for o in item.options:
            # The right option's whole rationale would tell a learner which letter is right.
            if o.correct and len(o.why) >= _MIN_RATIONALE:
                pats.append((f"{item.id} option {o.id} rationale", re.compile(re.escape(o.why))))
    pats.append(("item bank file marker", re.compile(r"Trainer side only: the quiz answer key")))
    return pats


def scan_text(name: str, text: str, patterns) -> list[str]:
    return [f"{name}: {label}" for label, pat in patterns if pat.search(text)]


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
