"""Trainer and grader tooling for the SSR course: the quiz item bank, quiz building, nbgrader hooks.

Everything here runs on the trainer's side. The item bank (``grader/item_bank.yml``) holds the
answer key; it never ships in the learner package, the released quiz or the Binder image.
"""

__all__ = ["GRADER_DIR"]

import os
import sys
from pathlib import Path

# nbgrader runs ``alembic`` by name when it creates a gradebook: make this environment's tools
# findable even when ``ssr-trainer`` is started by its full path without activating the environment.
_bindir = str(Path(sys.executable).parent)
if _bindir not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bindir + os.pathsep + os.environ.get("PATH", "")

#: The nbgrader course directory of a source checkout (``grader/``), when run from one.
GRADER_DIR = Path(__file__).resolve().parents[1]
