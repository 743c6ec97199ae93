"""A learner's paper: the trusted quiz they were given, and the notebook rebuilt from it with their answers.

This is the trust boundary of grading. The notebook that nbgrader runs is never the file a
learner handed in: it is the trainer's released quiz (from the course folder) with each answer
cell set to the learner's literal letters and the open answer set to their text, in a fenced
plain-text block so that formgrader and the feedback show it as text (no HTML, links or maths).
Metadata, tags, cell types, outputs, the kernelspec, extra cells and extra files of the
submission never reach the kernel or a trainer's browser.

The trusted paper is in the learner's language (the trainer's roster), but what is graded is not: the answers are
letters, and an unanswered open question holds nbgrader's own (English) placeholder, so nbgrader calls it "No
response." for a French learner too. A file handed in in the other language (the roster changed after release) is
read as fully: its open answer is found by that language's cells, and its placeholder is no answer either.
"""

from __future__ import annotations

import copy
import dataclasses
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
    #: nbgrader's own placeholder of the open answer (the release's, English): what the graded notebook holds when
    #: the learner wrote nothing, whatever the paper's language.
    graded_stub: str = ""
    #: ``(stub, prompt, end)`` of the open question in the course's other languages: a file handed in in another
    #: language than the roster's now is read as fully.
    other_editions: tuple[tuple[str, str | None, str | None], ...] = ()

    def read(self, nb: dict) -> QuizAnswers:
        """The answers in a submission's parsed JSON (see :func:`read_quiz_answers`), in any of the course's
        languages: the placeholder of every language counts as no answer."""
        answers = read_quiz_answers(nb, self.questions, self.open_id, self.open_stub, self.open_prompt,
                                    self.open_end)
        if not answers.open_answer:  # not found by this paper's cells: maybe the file is in another language
            for stub, prompt, end in self.other_editions:
                other = read_quiz_answers(nb, self.questions, self.open_id, stub, prompt, end)
                if other.open_answer:
                    answers = other
                    break
        stubs = {self.open_stub.strip(), self.graded_stub.strip(), *(e[0].strip() for e in self.other_editions)}
        if answers.open_answer and answers.open_answer.strip() in stubs - {""}:
            answers = dataclasses.replace(answers, open_answer="")
        return answers


def _gid(cell) -> str:
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id", "")


def _open_cells(nb, open_id: str) -> tuple[str, str | None, str | None]:
    """The open answer's source and the sources of the cells before and after it."""
    sources = [c.source for c in nb.cells]
    idx = next((i for i, c in enumerate(nb.cells) if _gid(c) == open_id), None)
    stub = nb.cells[idx].source if idx is not None else ""
    before = sources[idx - 1] if idx else None
    after = sources[idx + 1] if idx is not None and idx + 1 < len(sources) else None
    return stub, before, after


def _other_editions(course: Course, language: str) -> tuple[tuple[str, str | None, str | None], ...]:
    """The open question's placeholder, prompt and following cell in the course's other languages, as far as they can
    be made: an English learner's paper never waits for the French bank (without it, the French prompt is not known,
    and the open answer is found by its cell's mark alone)."""
    from ..course import BANK_FILE
    from ..credentials.language import DEFAULT_LANGUAGE, LANGUAGES, translator
    from ..quiz.bank_translation import translation_path
    from ..quiz.papers import _load_texts
    from ..quiz.source import fixed_texts

    out = []
    for other in LANGUAGES:
        if other == language:
            continue
        if other == DEFAULT_LANGUAGE:
            out.append(_edition(fixed_texts(course.quiz)))
            continue
        try:
            tr = translator(other).gettext
        except FileNotFoundError:  # no compiled catalogue: no paper was made in this language
            continue
        try:
            path = translation_path(course.root / BANK_FILE, other)
            quiz = _load_texts(str(path), path.stat().st_mtime_ns).quiz  # read once per change, not per learner
        except Exception:
            quiz = None
        out.append(_edition(fixed_texts(course.quiz, tr, title=quiz.title if quiz else None,
                                        prompt=quiz.open_question if quiz else None)))
    return tuple(out)


def _edition(texts: dict[str, str]) -> tuple[str, str | None, str | None]:
    return texts["open_stub"], texts["open_prompt"], texts["quiz_end"]


def paper_for(course: Course, student: str) -> Paper:
    """The trusted paper of ``student``: rebuilt from the generic release, the item bank and the course secret, in
    the learner's language (the trainer's roster)."""
    from ..credentials.language import DEFAULT_LANGUAGE
    from ..quiz.papers import PaperTranslationError, generic_notebook, learner_draw, learner_language, learner_notebook

    draw = learner_draw(course, student)
    language = learner_language(course, student)
    try:
        nb = learner_notebook(course, student, draw, language)
    except PaperTranslationError:
        # No paper in this language can be made now (the bank's translation is missing or not current; the release
        # said so). Grading reads only answers, the same in every language: the English paper of the same draw
        # grades the file exactly, and a learner who was given a French paper is still read fully (other_editions).
        language = DEFAULT_LANGUAGE
        nb = learner_notebook(course, student, draw, language)
    questions = tuple(Question(s.answer_id, s.number, s.letters) for s in draw.slots)
    open_id = course.quiz.open_question.id
    stub, before, after = _open_cells(nb, open_id)
    graded_stub = _open_cells(generic_notebook(course), open_id)[0]
    return Paper(nb, draw.code, questions, open_id, stub, before, after, graded_stub,
                 _other_editions(course, language))


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
        elif gid == paper.open_id and paper.graded_stub:
            cell.source = paper.graded_stub  # nbgrader's own placeholder: "No response." in every language
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
