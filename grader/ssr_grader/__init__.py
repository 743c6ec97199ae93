"""Trainer and grader tooling for the SSR course: the quiz item bank, quiz building, nbgrader hooks.

Everything here runs on the trainer's side. The item bank (``grader/item_bank.yml``) holds the
answer key; it never ships in the learner package, the released quiz or the Binder image.
"""

__all__ = ["GRADER_DIR"]

from pathlib import Path

#: The nbgrader course directory of a source checkout (``grader/``), when run from one.
GRADER_DIR = Path(__file__).resolve().parents[1]
