"""The course evaluation form: its content model, reading answers from a notebook file, and ``ask()``.

The course promises a certificate only after the learner "filled out the course evaluation
form". The answers must therefore reach the trainer *with the submission*, like the quiz's: each
click writes ``eval_<field> = "<value>"`` into the notebook file (the same browser code as the
quiz), and the trainer tools read that file with :func:`read_answers`, which parses and never runs
learner code. The form itself is data (``content/evaluation.yml``); the confidence question is
asked once per learning objective of ``course.yml``, before and after the course.

Its last questions, marked ``profile: true``, describe the participant (military, police or
civilian; gender; earlier SSR training). They are optional and self-declared, and the cohort
report shows results by them only in groups large enough that nobody can be picked out
(:mod:`ssr_grader.reports.groups`).
"""

from __future__ import annotations

import ast
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field as PydanticField
from pydantic import ValidationError, model_validator

from .loader import CONTENT_DIR, EVALUATION_FILE, _localised, _read_yaml, describe_errors, item_locator, load_course
from .model import ContentError, Text, _Frozen, _unique
from .translation import N_, SOURCE_LANGUAGE, UI_DOMAIN, _, get_language, translations

__all__ = ["EVALUATION_NOTEBOOK", "EvaluationForm", "FormField", "ask", "load_evaluation", "missing", "read_answers",
           "show_status", "validate_answers"]

#: The learner's notebook file name; it travels in the quiz's assignment folder.
EVALUATION_NOTEBOOK = "course_evaluation.ipynb"
#: Every answer variable starts with this, so the form's cells never clash with the quiz's.
PREFIX = "eval_"
MAX_TEXT = 5000


class Choice(_Frozen):
    letter: Annotated[str, PydanticField(pattern=r"^[A-Z0-9]$")]
    text: Text


class Item(_Frozen):
    """One question of the form. ``confidence`` becomes a before/now pair per learning objective."""

    id: Annotated[str, PydanticField(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]  # part of a variable name
    label: Annotated[str, PydanticField(min_length=1, max_length=30)]  # short name in lists: "pace"
    kind: Literal["rating", "choice", "confidence", "text"]
    required: bool
    prompt: Text
    options: tuple[Text, ...] | tuple[Choice, ...] = ()
    #: A participant-profile question: the report breaks results down by it, in groups only.
    profile: bool = False

    @model_validator(mode="after")
    def _options_fit_kind(self) -> Item:
        if self.profile and (self.kind != "choice" or self.required):
            # free text could name a person, and a required profile question would make declaring one's
            # gender or service the price of a certificate
            raise ValueError("a profile question must be a choice (kind: choice) and optional (required: false)")
        if self.kind == "text" and self.options:
            raise ValueError("a text question has no options")
        if self.kind in ("rating", "confidence") and not (3 <= len(self.options) <= 9
                                                         and all(isinstance(o, str) for o in self.options)):
            raise ValueError("a rating scale needs 3 to 9 option texts, lowest first")
        if self.kind == "choice":
            if len(self.options) < 2 or not all(isinstance(o, Choice) for o in self.options):
                raise ValueError("a choice question needs at least 2 options, each with 'letter' and 'text'")
            _unique([o.letter for o in self.options], "option letters")
        return self


class EvaluationForm(_Frozen):
    title: Text
    minutes: Annotated[int, PydanticField(gt=0, le=60)]
    intro: Text
    #: Shown once above the profile questions: that they are optional, why they are asked, how they are reported.
    profile_intro: Text | None = None
    items: Annotated[tuple[Item, ...], PydanticField(min_length=1)]

    @model_validator(mode="after")
    def _unique_ids(self) -> EvaluationForm:
        _unique([i.id for i in self.items], "items")
        at = [n for n, i in enumerate(self.items) if i.profile]
        if at and self.profile_intro is None:
            raise ValueError("the form has profile questions, so it needs 'profile_intro' (why they are asked, "
                             "that they are optional, and that results are shown only for groups)")
        if at and at != list(range(at[0], at[-1] + 1)):
            raise ValueError("the profile questions (profile: true) must come one after the other, under one heading")
        return self


@dataclass(frozen=True)
class FormField:
    """One recorded answer: one answer cell, one variable (``eval_pace``, ``eval_confidence_now_lo3``)."""

    var: str
    item: str
    number: int  # the question's number in the notebook
    label: str  # short, for "still missing" lists and reports: "Question 4 (pace)" (in the form's language)
    prompt: str
    kind: str  # rating, choice or text
    letters: tuple[str, ...]
    options: tuple[str, ...]
    required: bool
    objective: str | None = None
    when: str | None = None  # "before" or "now" for confidence
    profile: bool = False  # a participant-profile question (optional; reported in groups only)

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(letter, text) pairs, in order."""
        return list(zip(self.letters, self.options, strict=True))

    @property
    def group(self) -> str:
        """The notebook call that shows this field: ``ask("<group>")``."""
        return f"{self.item}_{self.objective}" if self.objective else self.item


#: The words of the labels, in the form's language: "Question 4 (pace)", "Question 5 (confidence, LO1, now)".
LABEL = N_("Question {n} ({label})")
CONFIDENCE_LABEL = N_("Question {n} ({label}, {objective}, {when})")
WHEN = {"before": N_("before the course"), "now": N_("now")}


def fields(form: EvaluationForm, objectives: dict[str, str], language: str = SOURCE_LANGUAGE) -> list[FormField]:
    """Every answer field of the form, in notebook order; the labels in ``language`` (the form's own)."""
    tr = translations(UI_DOMAIN, language).gettext
    out = []
    for n, item in enumerate(form.items, 1):
        label = tr(LABEL).format(n=n, label=item.label)
        if item.kind == "text":
            out.append(FormField(f"{PREFIX}{item.id}", item.id, n, label, item.prompt, "text", (), (), item.required))
        elif item.kind == "choice":
            out.append(FormField(f"{PREFIX}{item.id}", item.id, n, label, item.prompt, "choice",
                                 tuple(o.letter for o in item.options), tuple(o.text for o in item.options),
                                 item.required, profile=item.profile))
        else:
            letters = tuple(str(k) for k in range(1, len(item.options) + 1))
            if item.kind == "rating":
                out.append(FormField(f"{PREFIX}{item.id}", item.id, n, label, item.prompt, "rating", letters,
                                     tuple(item.options), item.required))
                continue
            for lo, text in objectives.items():
                for when, words in WHEN.items():
                    out.append(FormField(f"{PREFIX}{item.id}_{when}_{lo.lower()}", item.id, n,
                                         tr(CONFIDENCE_LABEL).format(n=n, label=item.label, objective=lo,
                                                                     when=tr(words)), text, "rating", letters,
                                         tuple(item.options), item.required, objective=lo, when=when))
    return out


@dataclass(frozen=True)
class Evaluation:
    """The loaded form with its fields expanded against the course's learning objectives."""

    form: EvaluationForm
    objectives: dict[str, str]
    fields: tuple[FormField, ...]
    language: str = SOURCE_LANGUAGE  # of its texts and labels

    def field(self, var: str) -> FormField:
        for f in self.fields:
            if f.var == var:
                return f
        raise KeyError(var)

    @property
    def profile_fields(self) -> tuple[FormField, ...]:
        """The participant-profile questions, in form order."""
        return tuple(f for f in self.fields if f.profile)

    def group(self, name: str) -> list[FormField]:
        found = [f for f in self.fields if f.group == name]
        if not found:
            groups = sorted({f.group for f in self.fields})
            raise KeyError(f"no evaluation question {name!r}; the form has: {', '.join(groups)}")
        return found


@functools.lru_cache(maxsize=4)
def _load_cached(path: Path, mtime_ns: int, content_dir: Path, language: str = SOURCE_LANGUAGE) -> Evaluation:
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ContentError(f"{path.name}: expected a mapping with 'title', 'minutes', 'intro' and 'items'")
    try:
        form = EvaluationForm.model_validate(_localised(data, path.name, language))
    except ValidationError as exc:
        raise describe_errors(exc, path.name, item_locator("items", data, "item")) from None
    objectives = {o.id: o.text for o in load_course(content_dir, language=language).objectives}
    return Evaluation(form, objectives, tuple(fields(form, objectives, language)), language)


def load_evaluation(content_dir: Path | None = None, *, language: str = SOURCE_LANGUAGE) -> Evaluation:
    """Load and validate ``evaluation.yml``; a :class:`ContentError` names the file, item and field.

    ``language`` is that of its texts and labels. English by default: the trainer's tools (intake, reports, the
    "still missing" lists) read it in English whatever language the learner answered in; the learner's kernel
    (:func:`ask`, :func:`show_status`) and the French notebook's builder ask for theirs.
    """
    content_dir = content_dir or CONTENT_DIR
    path = content_dir / EVALUATION_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ContentError(f"{path.name}: content file not found (looked in {content_dir})") from None
    return _load_cached(path, mtime, content_dir, language)


# ------------------------------------------------------------------------ reading the file
def read_answers(nb: Any, prefix: str = PREFIX) -> dict[str, str]:
    """``{variable: text}`` for every ``eval_* = "..."`` line in the notebook's code cells.

    The notebook is parsed, never run. The first assignment of a variable counts (the browser
    writes into the first cell that holds it). Cells that are not valid Python are skipped.
    ``prefix`` selects another form's variables (the pre-test's ``pre_``).
    """
    answers: dict[str, str] = {}
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str) or len(source) > 4 * MAX_TEXT + 200:
            continue  # not an answer cell: an answer is one line of at most MAX_TEXT characters
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in tree.body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id.startswith(prefix) and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str)):
                text = "".join(ch for ch in node.value.value if not 0xD800 <= ord(ch) <= 0xDFFF)
                answers.setdefault(node.targets[0].id, text)
    return answers


def validate_answers(evaluation: Evaluation, answers: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The usable answers (blank ones dropped) and plain-language problems with the others."""
    values: dict[str, str] = {}
    problems: list[str] = []
    for f in evaluation.fields:
        raw = answers.get(f.var, "").strip()
        if not raw:
            continue
        if f.kind == "text":
            values[f.var] = raw[:MAX_TEXT]
        elif raw.upper() in f.letters:
            values[f.var] = raw.upper()
        else:
            problems.append(f"{f.label}: {raw[:20]!r} is not one of {', '.join(f.letters)}")
    return values, problems


def missing(evaluation: Evaluation, values: dict[str, str]) -> list[FormField]:
    """The required fields without a usable answer."""
    return [f for f in evaluation.fields if f.required and f.var not in values]


# ------------------------------------------------------------------------------ in the notebook
def ask(name: str):
    """Show one question of the form (``ask("pace")``, ``ask("confidence_LO3")``); None while grading."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return None
    group = load_evaluation(language=get_language()).group(name)
    first = group[0]
    if first.kind == "text":
        from .comment_box import comment

        return comment(first.var, first.prompt, label=_required(first))
    from .quiz import choose

    controls = [choose(f.var, list(f.options), letters=list(f.letters), label=_required(f), prompt=f.prompt)
                for f in group]
    if len(controls) == 1:
        return controls[0]
    import ipywidgets as W

    return W.VBox(controls)


#: Whether an answer is needed for the certificate, as the form says it beside each question.
NEED = {True: N_("required"), False: N_("optional")}
#: The fixed texts of the evaluation notebook around the form's own (``ssr_grader.quiz.evaluation`` writes it, in
#: English or French): marked here so that they are in the widgets' catalogue with the labels the form shows.
NOTEBOOK_TEXTS = {
    "minutes": N_("It takes about {minutes} minutes."),
    "how": N_("How to answer"),
    "run": N_("First run all cells: menu **Run → Run All Cells**. The answer buttons appear after this step."),
    "click": N_("Click your answer. Each click is saved in this notebook at once."),
    "comment": N_("For a comment, type it in the box and press **Save comment**."),
    "required": N_("{count} questions are marked **(required)**."),
    "pairs": N_("Question {n} has two answers for each of the {objectives} learning objectives, so there are "
                "{answers} required answers in all."),
    "certificate": N_("You get your certificate only when you pass the quiz *and* answer every required question."),
    "list": N_("The list at the end shows what is still missing."),
    "type": N_('If you cannot click, type the number or letter of your answer between the quotes in the cell under '
               'the question. For example, for "3" the cell reads `eval_pace = "3"`.'),
    "save": N_("When you have finished, save the notebook (**File → Save**) to be safe. "
               "Then submit it together with your quiz, in the same way."),
    "confidence": N_("Question {n}: your confidence, objective by objective ({need})"),
    "scale": N_("Scale: {scale}."),
    "about_you": N_("About you (optional)"),
    "question": N_("Question {n} ({need})"),
    "before_submit": N_("Before you submit"),
    "status": N_("This list shows the required answers that are still missing."),
    "thanks": N_("Thank you. Save the notebook (**File → Save**, or Ctrl+S). "
                 "Then submit it with your quiz, as your trainer explains."),
}


def _required(f: FormField) -> str:
    return f"{f.label[:-1]}, {_(NEED[f.required])})"


def show_status():
    """Show which required answers are still missing; it updates live as the learner clicks."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return None
    from .evaluation_status import evaluation_status

    ev = load_evaluation(language=get_language())
    return evaluation_status([{"var": f.var, "label": f.label, "letters": list(f.letters)}
                              for f in ev.fields if f.required])
