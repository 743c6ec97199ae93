"""The pre-test: a short knowledge check at the start of the course, so that the cohort report can show learning gain.

Without a measure at the start, the end-of-course quiz shows what learners know, not what the
course taught them. The pre-test asks one question per learning objective, taken by reference
from the public practice quiz (``content/pre_test.yml``), and is answered like the course
evaluation: each click writes ``pre_<item> = "<letter>"`` into the notebook file, which the
trainer collects and reads with :func:`read_answers` (parsed, never run). Learners get no
feedback and no score here: it counts for nothing, and the right answers would teach the
questions before the course does.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field as PydanticField
from pydantic import ValidationError

from .evaluation import read_answers as _read_prefixed
from .loader import CONTENT_DIR, PRETEST_FILE, _localised, _read_yaml, describe_errors, load_course, load_exercise
from .model import ChoiceExercise, ContentError, Text, _Frozen, _unique
from .translation import N_, SOURCE_LANGUAGE, _, get_language

__all__ = ["PRETEST_FILE", "PRETEST_NOTEBOOK", "Pretest", "PretestField", "ask", "load_pretest", "read_answers"]

#: The learner's notebook, which travels in the quiz's assignment folder.
PRETEST_NOTEBOOK = "pre_test.ipynb"
#: Every answer variable starts with this, so the pre-test's cells never clash with the quiz's or the evaluation's.
PREFIX = "pre_"

Reference = Annotated[str, PydanticField(pattern=r"^[A-Za-z0-9_.-]+\.ya?ml#[a-z0-9][a-z0-9_-]*$")]


class PretestForm(_Frozen):
    title: Text
    minutes: Annotated[int, PydanticField(gt=0, le=30)]
    intro: Text
    questions: Annotated[tuple[Reference, ...], PydanticField(min_length=1, max_length=20)]


@dataclass(frozen=True)
class PretestField:
    """One question: its answer variable, the item it shows and the objective it measures."""

    var: str  # pre_p01
    item: str  # the exercise reference, "practice_quiz.yml#p01"
    number: int
    objective: str
    prompt: str
    options: tuple[str, ...]
    letters: tuple[str, ...]

    @property
    def item_id(self) -> str:
        return self.item.partition("#")[2]

    @property
    def label(self) -> str:
        """The trainer's name for it, in reports and intake messages (always English)."""
        return f"Question {self.number} ({self.objective})"


@dataclass(frozen=True)
class Pretest:
    form: PretestForm
    objectives: dict[str, str]
    fields: tuple[PretestField, ...]
    content_dir: Path  # where the items it names live
    language: str = SOURCE_LANGUAGE  # of its texts

    def field(self, name: str) -> PretestField:
        """A question by its variable (``pre_p01``) or its item id (``p01``)."""
        for f in self.fields:
            if name in (f.var, f.item_id):
                return f
        raise KeyError(f"no pre-test question {name!r}; the pre-test has: {', '.join(f.item_id for f in self.fields)}")


def _var(item_id: str) -> str:
    return PREFIX + re.sub(r"[^a-z0-9_]", "_", item_id)


@functools.lru_cache(maxsize=4)
def _load_cached(path: Path, mtime_ns: int, content_dir: Path, language: str = SOURCE_LANGUAGE) -> Pretest:
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ContentError(f"{path.name}: expected a mapping with 'title', 'minutes', 'intro' and 'questions'")
    try:
        form = PretestForm.model_validate(_localised(data, path.name, language))
    except ValidationError as exc:
        raise describe_errors(exc, path.name, lambda loc: ("", list(loc))) from None
    try:
        _unique(list(form.questions), "questions")
    except ValueError as exc:
        raise ContentError(f"{path.name}: field 'questions': {exc}") from None
    objectives = {o.id: o.text for o in load_course(content_dir, language=language).objectives}
    fields = []
    for n, ref in enumerate(form.questions, 1):
        try:
            ex = load_exercise(ref, content_dir, language=language)
        except ContentError as exc:
            raise ContentError(f"{path.name}: question {n} ({ref}): {exc}") from None
        if not isinstance(ex, ChoiceExercise) or ex.multiple:
            raise ContentError(f"{path.name}: question {n} ({ref}): a pre-test question must be a single-answer "
                               "choice exercise (kind: choice, multiple: false)")
        letters = tuple(chr(ord("A") + i) for i in range(len(ex.options)))
        fields.append(PretestField(_var(ex.id), ref, n, ex.objective, ex.prompt, tuple(o.text for o in ex.options),
                                   letters))
    try:
        _unique([f.var for f in fields], "question variables")
    except ValueError as exc:
        raise ContentError(f"{path.name}: field 'questions': {exc}") from None
    untested = [lo for lo in objectives if lo not in {f.objective for f in fields}]
    if untested:
        raise ContentError(f"{path.name}: field 'questions': no question on {', '.join(untested)}; the pre-test needs "
                           "at least one per learning objective, or the report cannot show gain on it")
    return Pretest(form, objectives, tuple(fields), content_dir, language)


def load_pretest(content_dir: Path | None = None, *, language: str = SOURCE_LANGUAGE) -> Pretest:
    """Load and validate ``pre_test.yml`` and the items it names; a :class:`ContentError` says what is wrong.

    ``language`` is that of its texts: English by default, as the trainer's tools read it; the learner's kernel
    (:func:`ask`) and the French notebook's builder ask for theirs. Variables, letters and keys are the same.
    """
    content_dir = content_dir or CONTENT_DIR
    path = content_dir / PRETEST_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ContentError(f"{path.name}: content file not found (looked in {content_dir})") from None
    return _load_cached(path, mtime, content_dir, language)


def read_answers(nb: Any) -> dict[str, str]:
    """``{variable: text}`` for every ``pre_* = "..."`` line of the notebook: parsed, never run."""
    return _read_prefixed(nb, PREFIX)


def ask(name: str):
    """Show one pre-test question as click-to-answer buttons (``ask("p01")``); None while grading."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return None
    f = load_pretest(language=get_language()).field(name)
    from .quiz import choose

    return choose(f.var, list(f.options), letters=list(f.letters), label=_(QUESTION).format(n=f.number),
                  prompt=f.prompt)


#: The label above a question's answer buttons.
QUESTION = N_("Question {n}")
#: The fixed texts of the pre-test notebook around the form's own (``ssr_grader.quiz.pretest`` writes it, in English
#: or French); the instructions it shares with the evaluation are the evaluation's (``NOTEBOOK_TEXTS`` there).
NOTEBOOK_TEXTS = {
    "count": N_("There are {n} questions, one for each learning objective."),
    "click": N_("Click the answer you think is right. Each click is saved in this notebook at once."),
    "no_feedback": N_("You do not see whether an answer is right. You meet these questions again, with the reasons, "
                      "in the practice quiz after Section 4."),
    "type": N_('If you cannot click, type the letter of your answer between the quotes in the cell under the '
               'question. For example, for "B" the cell reads `pre_p01 = "B"`.'),
    "save": N_("When you have finished, save the notebook (**File → Save**). "
               "Then hand it in now, in the same way as your quiz at the end (your trainer explains how)."),
    "question": N_("Question {n} ({objective})"),
    "thanks": N_("Thank you"),
    "end": N_("Save the notebook (**File → Save**, or Ctrl+S) and hand it in as your trainer explains. "
              "Then go on with the course."),
}
