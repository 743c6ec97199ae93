"""nbgrader hooks: run only plain answers at autograde, and explain answers in feedback.

nbgrader executes a submitted notebook with the grader's privileges, including any cell the
learner added (nbgrader issue #483), and its feedback shows hidden tests (#917, #1363). These
preprocessors plug into nbgrader's own configurable lists (see ``nbgrader_config.py``):

* :class:`NeutraliseLearnerCode` (``Autograde.sanitize_preprocessors``, after ``OverwriteCells``):
  removes code cells that are not part of the quiz, and turns every answer cell into exactly
  ``answer_qNN = "<letters>"`` — or an empty answer when it held anything else. Nothing the
  learner wrote is executed as code.
* :class:`ExplainInFeedback` (``GenerateFeedback.preprocessors``): replaces each hidden test and
  its output with the learner's answer, right or wrong in words, and the rationale for every
  option, read from the trainer's item bank.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from nbformat.notebooknode import NotebookNode
from nbformat.v4 import new_markdown_cell
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

__all__ = ["ExplainInFeedback", "NeutraliseLearnerCode", "parse_answer"]

_ANSWER_ID = re.compile(r"^answer_q\d{2,3}$")


def parse_answer(source: str, answer_id: str, letters: str = "ABCDEFGH") -> str | None:
    """The canonical answer (sorted capital letters) if ``source`` is only an answer line, else None.

    Accepted: blank lines, comments, and one assignment ``answer_qNN = "<letters>"`` where the
    letters may be lower case and separated by spaces, commas or semicolons. Anything else —
    another statement, a call, a different variable — is not a plain answer.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
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


def _meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


class NeutraliseLearnerCode(NbGraderPreprocessor):
    """Keep only the quiz's own cells, and only plain answers in the answer cells."""

    note = Unicode(
        "Grader note: {what}",
        help="Prefix of the Markdown note left where something was removed or cleared.",
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            try:
                source_nb = gb.find_notebook(info["notebook"], info["assignment"])
            except MissingEntry:
                return nb, resources  # not a notebook of the assignment: nbgrader reports it
            known = {c.name for c in source_nb.source_cells}
        kept, problems = [], []
        for cell in nb.cells:
            meta = _meta(cell)
            grade_id = meta.get("grade_id")
            if cell.cell_type == "code" and grade_id not in known:
                problems.append("a code cell that is not part of the quiz was removed before grading.")
                continue
            if cell.cell_type == "code" and grade_id and _ANSWER_ID.match(grade_id) and meta.get("solution"):
                answer = parse_answer(cell.source, grade_id)
                if answer is None:
                    problems.append(f"the answer cell {grade_id} held more than a plain answer; it was cleared.")
                    answer = ""
                cell.source = f'{grade_id} = "{answer}"'
            kept.append(cell)
        if problems:
            self.log.warning("%s: %s", info.get("student", "?"), " ".join(problems))
            text = "\n".join(f"- {self.note.format(what=p)}" for p in problems)
            kept.insert(0, new_markdown_cell(text, metadata={"ssr_grader_note": True}))
        nb.cells = kept
        resources.setdefault("ssr_grader", {})["problems"] = problems
        return nb, resources


class ExplainInFeedback(NbGraderPreprocessor):
    """Replace hidden tests in feedback by the learner's answer and the rationale of every option."""

    item_bank = Unicode("", help="Path of the item bank YAML; default: item_bank.yml in the course root.").tag(
        config=True
    )

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        from ..quiz.bank import load_bank

        path = Path(self.item_bank) if self.item_bank else Path.cwd() / "item_bank.yml"
        bank = {it.id: it for it in load_bank(path).items}
        answers: dict[str, str] = {}
        for cell in nb.cells:
            gid = _meta(cell).get("grade_id", "")
            if cell.cell_type == "code" and _ANSWER_ID.match(gid):
                answers[gid] = parse_answer(cell.source, gid) or ""
        cells = []
        for cell in nb.cells:
            cells.append(cell)
            gid = _meta(cell).get("grade_id", "")
            if cell.cell_type == "code" and gid.startswith("test_") and gid[5:] in bank:
                item = bank[gid[5:]]
                cell.source = "# The hidden test compared your recorded answer with the answer key."
                cell.outputs = []
                cell.execution_count = None
                cells.append(new_markdown_cell(_explanation(item, answers.get(item.answer_id, ""))))
        nb.cells = cells
        return nb, resources


def _explanation(item, given: str) -> str:
    ok = given == item.key
    verdict = "✔ Right." if ok else "✘ Not right."
    shown = ", ".join(given) if given else "no answer"
    lines = [f"**Your answer: {shown}. {verdict}** The right answer: {', '.join(item.key)}.", ""]
    for o in item.options:
        mark = "✔ right option" if o.correct else "✘ not right"
        lines.append(f"- **{o.id}** ({mark}{', you chose it' if o.id in given else ''}): {o.why}")
    return "\n".join(lines)
