"""A learner's paper: the trusted quiz they were given, and the notebook rebuilt from it with their answers.

This is the trust boundary of grading. The notebook that nbgrader runs is never the file a
learner handed in: it is the trainer's released quiz (from the course folder) with each answer
cell set to the learner's literal letters and the open answer set to their text, in a fenced
plain-text block so that formgrader and the feedback show it as text (no HTML, links or maths).
Metadata, tags, cell types, outputs, the kernelspec, extra cells and extra files of the
submission never reach the kernel or a trainer's browser.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass

import nbformat

from ..course import Course
from .answers import Question, QuizAnswers, read_quiz_answers

__all__ = ["KEYS_HEADER", "NOTE_KEY", "Paper", "as_text_block", "from_text_block", "is_keys_cell", "keys_source",
           "notes_in", "paper_for", "rebuild", "with_keys"]

NOTE_KEY = "ssr_grader_note"

@dataclass(frozen=True)
class Paper:
    """The trusted quiz a learner answered: their own paper and what each question accepts."""

    notebook: nbformat.NotebookNode
    code: str  # the paper's code, as printed on it
    questions: tuple[Question, ...]
    open_id: str
    open_stub: str
    open_prompt: str | None  # source of the cell before the open answer (to find it without metadata)
    open_end: str | None  # source of the cell after it

    def read(self, nb: dict) -> QuizAnswers:
        """The answers in a submission's parsed JSON (see :func:`read_quiz_answers`)."""
        return read_quiz_answers(nb, self.questions, self.open_id, self.open_stub, self.open_prompt, self.open_end)


def _gid(cell) -> str:
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id", "")


def paper_for(course: Course, student: str) -> Paper:
    """The trusted paper of ``student``: rebuilt from the generic release, the item bank and the course secret."""
    from ..quiz.papers import learner_draw, learner_notebook

    draw = learner_draw(course, student)
    nb = learner_notebook(course, student, draw)
    questions = tuple(Question(s.answer_id, s.number, s.letters) for s in draw.slots)
    sources = [c.source for c in nb.cells]
    open_id = course.quiz.open_question.id
    idx = next((i for i, c in enumerate(nb.cells) if _gid(c) == open_id), None)
    stub = nb.cells[idx].source if idx is not None else ""
    before = sources[idx - 1] if idx else None
    after = sources[idx + 1] if idx is not None and idx + 1 < len(sources) else None
    return Paper(nb, draw.code, questions, open_id, stub, before, after)


_FENCED = re.compile(r"\A(~{3,})text\n(.*)\n\1\Z", re.DOTALL)
WRAP = 100  # columns: a grader reads the answer without scrolling sideways


def as_text_block(text: str) -> str:
    """Markdown that shows ``text`` as typed and nothing else: a fenced block of plain text.

    Inside a fenced code block, Markdown renders no HTML, links, images, entities or formatting,
    and MathJax (loaded by formgrader and the feedback HTML) leaves ``<pre>`` alone, so ``$...$``
    and ``\\href`` stay text. The fence is longer than any run of ``~`` in the text, control
    characters and lone surrogates are dropped, and long lines are wrapped at word boundaries.
    """
    import textwrap

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or (ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF))
    lines = []
    for line in text.expandtabs(4).split("\n"):
        lines.extend(textwrap.wrap(line, WRAP, break_long_words=True, break_on_hyphens=False,
                                   drop_whitespace=True) or [""])
    body = "\n".join(lines).strip("\n")
    longest = max((len(m) for m in re.findall(r"~+", body)), default=0)
    fence = "~" * max(3, longest + 1)
    return f"{fence}text\n{body}\n{fence}"


def from_text_block(source: str) -> str:
    """The text inside a block made by :func:`as_text_block`; any other source is returned as it is."""
    m = _FENCED.match(source)
    return m.group(2) if m else source


def rebuild(paper: Paper, answers: QuizAnswers, notes: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    """The trusted quiz with these answers in it: the only notebook of a learner that nbgrader ever runs.

    ``notes`` say what was cleared or chosen at intake; they go into a Markdown cell at the top,
    as text, so a grader in formgrader sees them.
    """
    nb = copy.deepcopy(paper.notebook)
    for cell in nb.cells:
        gid = _gid(cell)
        if gid in answers.choices:
            cell.source = f'{gid} = "{answers.choices[gid]}"'
        elif gid == paper.open_id and answers.open_answer:
            cell.source = as_text_block(from_text_block(answers.open_answer))
    if notes:
        text = "**Grader notes** (from taking the submission in):\n\n" + as_text_block("\n".join(f"- {n}" for n in notes))
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(text, metadata={NOTE_KEY: True}))
    return nb


#: First line of the cell that defines the learner's keys at grading (found again by this line).
KEYS_HEADER = "# ssr-grader: this learner's answer key, added at grading only (never released)"


def keys_source(keys: dict[str, str], code: str) -> str:
    """The code of the keys cell: the hidden tests call ``_ssr_key("sNN")``."""
    table = json.dumps(dict(sorted(keys.items())))
    return f"{KEYS_HEADER}\n# paper {code}\n_SSR_KEYS = {table}\n_ssr_key = _SSR_KEYS.__getitem__"


def with_keys(nb: nbformat.NotebookNode, keys: dict[str, str], code: str) -> nbformat.NotebookNode:
    """Put the keys cell right after the quiz's setup cell (before any hidden test runs)."""
    at = next((i + 1 for i, c in enumerate(nb.cells) if _gid(c) == "quiz_setup"), 0)
    nb.cells.insert(at, nbformat.v4.new_code_cell(keys_source(keys, code)))
    return nb


def is_keys_cell(cell: dict) -> bool:
    source = cell.get("source")
    source = "".join(source) if isinstance(source, list) else source
    return cell.get("cell_type") == "code" and isinstance(source, str) and source.startswith(KEYS_HEADER)


def notes_in(nb: dict) -> tuple[str, ...]:
    """The grader notes that :func:`rebuild` put at the top of a notebook (as their Markdown lines)."""
    cells = nb.get("cells") or []
    first = cells[0] if cells and isinstance(cells[0], dict) else {}
    meta = first.get("metadata")
    if not (isinstance(meta, dict) and meta.get(NOTE_KEY)):
        return ()
    from ..intake.notebook import cell_text

    text = from_text_block((cell_text(first) or "").split("\n\n", 1)[-1])
    notes: list[str] = []
    for line in text.splitlines():  # a note wrapped over several lines is one note
        if line.startswith("- ") or not notes:
            notes.append(line[2:] if line.startswith("- ") else line)
        else:
            notes[-1] += " " + line
    return tuple(notes)
