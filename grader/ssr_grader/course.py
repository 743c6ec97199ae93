"""The nbgrader course directory and nbgrader's own Python API, configured from ``nbgrader_config.py``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import GRADER_DIR
from .quiz.bank import ItemBank, QuizSettings, load_bank, load_quiz

__all__ = ["Course", "open_course"]

BANK_FILE = "item_bank.yml"
QUIZ_FILE = "quiz.yml"


@dataclass
class Course:
    """A course directory (``grader/`` or a copy of it) with its bank, quiz settings and nbgrader API."""

    root: Path
    bank: ItemBank
    quiz: QuizSettings
    exchange: Path | None = None
    _api: object = field(default=None, repr=False, compare=False)

    def config(self):
        from traitlets.config.loader import PyFileConfigLoader

        cfg = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
        cfg.CourseDirectory.root = str(self.root)
        cfg.ExplainInFeedback.course_root = str(self.root)
        cfg.TrustedQuizOnly.course_root = str(self.root)
        if self.exchange is not None:
            cfg.Exchange.root = str(self.exchange)
        return cfg

    def api(self):
        """nbgrader's ``NbGraderAPI`` for this course (the same code its command line uses), made once."""
        if self._api is not None:
            return self._api
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory


        cfg = self.config()
        self._api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
        return self._api

    @property
    def released_notebook(self) -> Path:
        return self.root / "release" / self.quiz.assignment / self.quiz.notebook


def _check_config(root: Path) -> None:
    """Refuse a course folder whose nbgrader_config.py lacks this version's grading hooks (e.g. an old copy)."""
    from ssr_widgets.model import ContentError

    path = root / "nbgrader_config.py"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise ContentError(f"{path} is missing: this is not a course folder (copy grader/ of the course)") from None
    if "ssr_grader.grading.hooks.TrustedQuizOnly" not in text:
        raise ContentError(f"{path} is from an older version of this course (its grading hooks have moved, and "
                           "grading now keeps only the answers): copy grader/nbgrader_config.py of this version over it")


def _check_secret(root: Path) -> None:
    """Refuse a built course whose secret is gone: no learner's paper could be rebuilt, so none graded right."""
    from ssr_widgets.model import ContentError

    from .quiz.variants import SECRET_FILE

    if (root / "source").is_dir() and not (root / SECRET_FILE).exists():
        raise ContentError(f"{root / SECRET_FILE} is missing, but this course's quiz was built with it: restore it "
                           "from your backup. Without it, learners' papers cannot be rebuilt, so they cannot be "
                           "collected or graded. (For a new cohort, start a new folder: ssr-trainer init-course.)")


def open_course(root: Path | None = None, exchange: Path | None = None) -> Course:
    """Open the course directory (default: ``$SSR_COURSE_DIR`` or the checkout's ``grader/``)."""
    root = Path(root or os.environ.get("SSR_COURSE_DIR") or GRADER_DIR).resolve()
    _check_config(root)
    _check_secret(root)
    bank = load_bank(root / BANK_FILE)
    return Course(root=root, bank=bank, quiz=load_quiz(root / QUIZ_FILE, bank), exchange=exchange)
