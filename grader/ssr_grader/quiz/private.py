"""The trainer's private course folder: where a real certification bank and the course secret live.

Why: the repository is public, so its item bank is only a sample (anyone can read its keys). A
training centre runs each cohort from a folder of its own, outside the repository: its own
certification bank, the course secret that draws learners' papers, the gradebook, and learners'
files. :func:`init_course` makes that folder from the repository's course definition, and
:func:`public_items` finds items that are still the public sample's, which a certification bank
must not keep.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import GRADER_DIR
from .bank import ItemBank, load_bank
from .variants import course_secret

__all__ = ["COURSE_FILES", "init_course", "public_items"]

COURSE_FILES = ("nbgrader_config.py", "quiz.yml", "rubric.md", "issuer.yml")


def _stem(text: str) -> str:
    return " ".join(text.lower().split())


def public_items(bank: ItemBank, sample: Path = GRADER_DIR / "item_bank.yml") -> list[str]:
    """Ids of ``bank``'s items whose question is word for word one of the public sample's."""
    if not sample.exists():
        return []
    public = {_stem(it.stem) for it in load_bank(sample).items}
    return [it.id for it in bank.items if _stem(it.stem) in public]


def init_course(target: Path) -> list[str]:
    """Make a private course folder at ``target``; returns what the trainer must do next.

    The course files are copied; the sample bank is copied as ``item_bank.yml`` *still marked as a
    sample*, as a model of the format: ``build-quiz`` refuses it until the trainer has written their
    own items and marked the bank ``kind: certification``.
    """
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} exists and is not empty: choose a new folder for the course")
    target.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        shutil.copy(GRADER_DIR / name, target / name)
    shutil.copy(GRADER_DIR / "item_bank.yml", target / "item_bank.yml")
    (target / ".gitignore").write_text("*\n", encoding="utf-8")  # never pushed by accident
    course_secret(target)
    return [
        f"Write your certification items in {target / 'item_bank.yml'} (it holds the public sample as a model: "
        "replace its items), then change 'kind: sample' to 'kind: certification'.",
        f"Keep {target / 'course_secret.key'} with your backups: it rebuilds every learner's paper.",
        f"Then: ssr-trainer build-quiz --course-dir {target}",
    ]
