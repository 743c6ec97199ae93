"""The answers in a submitted quiz, taken as literals: parsed, never run, checked against the learner's paper.

Nothing about the submitted file is believed except the text of its cells: not its nbgrader
metadata, tags, cell types, outputs or kernelspec. A multiple-choice answer is a code cell that
holds only ``answer_qNN = "<letters>"`` (comments and blank lines allowed, letters in any case,
separated or not); the letters must be options of that question. A cell that assigns the answer
together with anything else is left out (and noted); cells that give different plain answers make
the question unanswered. The open answer is plain text.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ..intake.notebook import cell_text

__all__ = ["MAX_OPEN_ANSWER", "QuizAnswers", "parse_answer", "read_quiz_answers"]

#: Longest open answer kept (characters); the question asks for 100-200 words.
MAX_OPEN_ANSWER = 20_000


def parse_answer(source: str, answer_id: str, letters: str = "ABCDEFGH") -> str | None:
    """The canonical answer (sorted capital letters) if ``source`` is only an answer line, else None.

    Accepted: blank lines, comments, and one assignment ``answer_qNN = "<letters>"`` where the
    letters may be lower case and separated by spaces, commas or semicolons. Anything else —
    another statement, a call, a different variable, a letter that is not an option — is not a
    plain answer.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assign):
        return None
    node = tree.body[0]
    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) or node.targets[0].id != answer_id:
        return None
    if not isinstance(node.value, ast.Constant) or not isinstance(node.value.value, str):
        return None
    raw = re.sub(r"[\s,;]", "", node.value.value.upper())
    if any(ch not in letters for ch in raw) or len(set(raw)) != len(raw):
        return None
    return "".join(sorted(raw))


@dataclass(frozen=True)
class Question:
    """One multiple-choice question of a learner's paper: its answer variable, number and option letters."""

    answer_id: str
    number: int
    letters: str


@dataclass(frozen=True)
class QuizAnswers:
    """What a submission answered: ``choices`` maps each answer id to its letters ("" = no answer)."""

    choices: dict[str, str]
    open_answer: str
    notes: tuple[str, ...]


#: Longest code cell read as an answer cell (characters); the real one is one short line.
MAX_ANSWER_CELL = 2_000


def _assigns(source: str, name: str) -> bool:
    """Whether a line of ``source`` starts by assigning ``name`` (anchored: linear time on any input)."""
    return re.search(rf"(?m)^[ \t]*{name}[ \t]*(?::[^=\n]{{0,200}})?=(?!=)", source) is not None


def read_quiz_answers(nb: dict, questions: tuple[Question, ...], open_id: str,
                      open_stub: str = "", open_after: str | None = None, open_before: str | None = None
                      ) -> QuizAnswers:
    """Take the answers out of a submitted notebook's parsed JSON.

    ``open_id`` is the open question's answer cell id; when no cell carries it, the text between
    the trusted cells ``open_after`` and ``open_before`` (their exact sources) is used.
    ``open_stub`` is the released placeholder text, which counts as no answer.
    """
    cells = [c for c in nb.get("cells", []) if isinstance(c, dict)]
    code = [text for c in cells if c.get("cell_type") == "code" and (text := cell_text(c)) is not None]
    choices: dict[str, str] = {}
    notes: list[str] = []
    long = [src for src in code if len(src) > MAX_ANSWER_CELL]
    if long:
        code = [src for src in code if len(src) <= MAX_ANSWER_CELL]
        if any(q.answer_id in src for src in long for q in questions):
            notes.append(f"a code cell longer than {MAX_ANSWER_CELL:,} characters was left out (an answer cell "
                         "holds one short line).")
    for q in questions:
        given = [parse_answer(src, q.answer_id, q.letters) for src in code if _assigns(src, q.answer_id)]
        plain = {g for g in given if g is not None}
        if len(plain) > 1:
            choices[q.answer_id] = ""
            notes.append(f"Question {q.number}: cells gave different answers, so it counts as not answered.")
            continue
        choices[q.answer_id] = plain.pop() if plain else ""
        if None in given:
            then = "" if choices[q.answer_id] else ", so the question counts as not answered"
            notes.append(f"Question {q.number}: a cell held more than a plain answer (one or more of the letters "
                         f"{', '.join(q.letters)}); it was left out{then}.")
    open_answer = _open_answer(cells, open_id, open_after, open_before)
    if open_answer.strip() == open_stub.strip():
        open_answer = ""
    if len(open_answer) > MAX_OPEN_ANSWER:
        open_answer = open_answer[:MAX_OPEN_ANSWER]
        notes.append(f"Open question: the answer was cut to its first {MAX_OPEN_ANSWER:,} characters.")
    return QuizAnswers(choices, open_answer.strip(), tuple(notes))


def _grade_id(cell: dict) -> object:
    meta = cell.get("metadata")
    nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbg.get("grade_id") if isinstance(nbg, dict) else None


def _open_answer(cells: list[dict], open_id: str, after: str | None, before: str | None) -> str:
    """The learner's open answer: the cell(s) marked as the open question's answer, else the cells after its prompt.

    The mark is only used to find the learner's own text; whatever is found is kept as text.
    """
    marked = [t for c in cells if _grade_id(c) == open_id and (t := cell_text(c)) is not None]
    if marked:
        return "\n\n".join(marked)
    texts = [cell_text(c) for c in cells]
    if after is None or after not in texts:
        return ""
    start = texts.index(after) + 1
    end = texts.index(before, start) if before is not None and before in texts[start:] else len(texts)
    return "\n\n".join(t for c, t in zip(cells[start:end], texts[start:end], strict=True)
                       if t and c.get("cell_type") in ("markdown", "raw"))
