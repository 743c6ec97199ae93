"""Build the nbgrader *source* quiz (instructor version: solutions and hidden tests) from the bank.

Each item becomes four locked or answer cells that nbgrader understands:

1. the question (read-only Markdown),
2. the click-to-answer control (read-only code: ``choose("answer_q07", [...])``),
3. the answer cell (an autograded answer: ``answer_q07 = ""`` plus the solution block, which
   ``nbgrader generate_assignment`` removes from the learner's copy),
4. a hidden test worth ``points_per_item`` (released empty, restored from the gradebook at autograde).

Multiple-answer items are all-or-nothing: the recorded letters must equal the key exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .bank import ItemBank, QuizSettings

__all__ = ["build_source_notebook", "write_source"]


def _nbgrader(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
              points: int = 0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def build_source_notebook(bank: ItemBank, quiz: QuizSettings) -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(
            f"# {quiz.title}\n\n"
            f"This quiz has **{len(quiz.items)} multiple-choice questions** and **one open question**. "
            f"It takes about {quiz.minutes} minutes.\n\n"
            f"- You pass with **{round(quiz.pass_mark * 100)} %** of the points or more "
            f"({quiz.total_points} points in all).\n"
            "- **To answer, click** the round button (one answer) or tick the boxes (several answers). "
            "Your click is saved in this notebook at once.\n"
            "- First run all cells: menu **Run → Run All Cells**. The answer buttons appear after this step.\n"
            "- If you cannot click, type the letter of your answer between the quotes in the answer cell "
            'under the question. For several answers, type all their letters, for example `"AC"`.\n'
            "- Do not add, delete or change other cells: only answers and the open question are graded.\n"
            "- When you have finished, save the notebook (**File → Save**) and submit it as your trainer explains.",
            metadata=_nbgrader("quiz_intro", locked=True),
        ),
        new_code_cell("from ssr_widgets.quiz import choose", metadata=_nbgrader("quiz_setup", locked=True)),
    ]
    for n, item_id in enumerate(quiz.items, 1):
        item = bank.item(item_id)
        how = "Choose **all** answers that apply." if item.multiple else "Choose **one** answer."
        options = "\n".join(f"- **{o.id}.** {o.text}" for o in item.options)
        cells.append(new_markdown_cell(f"### Question {n}\n\n{item.stem}\n\n{options}\n\n*{how}*",
                                       metadata=_nbgrader(f"{item.id}_question", locked=True)))
        texts = json.dumps([o.text for o in item.options], ensure_ascii=False)
        multiple = ", multiple=True" if item.multiple else ""
        cells.append(new_code_cell(f'choose("{item.answer_id}", {texts}{multiple}, label="Question {n}")',
                                   metadata=_nbgrader(f"{item.id}_control", locked=True)))
        cells.append(new_code_cell(
            f'{item.answer_id} = ""\n### BEGIN SOLUTION\n{item.answer_id} = "{item.key}"\n### END SOLUTION',
            metadata=_nbgrader(item.answer_id, solution=True),
        ))
        cells.append(new_code_cell(
            f'### BEGIN HIDDEN TESTS\nassert {item.answer_id} == "{item.key}", "Question {n}"\n### END HIDDEN TESTS',
            metadata=_nbgrader(f"test_{item.id}", grade=True, locked=True, points=quiz.points_per_item),
        ))
    oq = quiz.open_question
    cells.append(new_markdown_cell(
        f"### Open question ({oq.points} points, marked by your trainer)\n\n{oq.prompt}\n\n"
        "Write your answer in the next cell (double-click it to edit). About 100–200 words.",
        metadata=_nbgrader(f"{oq.id}_question", locked=True),
    ))
    # The rubric stays in the trainer's rubric file; the learner's copy gets ClearSolutions.text_stub.
    cells.append(new_markdown_cell(
        "Write your answer here.", metadata=_nbgrader(oq.id, grade=True, solution=True, points=oq.points)
    ))
    cells.append(new_markdown_cell(
        "## Finished?\n\nSave the notebook (**File → Save**, or Ctrl+S).\n\n"
        "Then fill in the **course evaluation** (`course_evaluation.ipynb`, in the same folder as this quiz). "
        "You get your certificate when you pass this quiz *and* the evaluation is complete.\n\n"
        "Submit both notebooks as your trainer explains.",
        metadata=_nbgrader("quiz_end", locked=True),
    ))
    return new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })


def write_source(grader_dir: Path, bank: ItemBank, quiz: QuizSettings, rubric_dir: Path | None = None) -> Path:
    """Write ``source/<assignment>/<assignment>.ipynb`` in the course directory; returns its path."""
    rubric_dir = rubric_dir or grader_dir
    if not (rubric_dir / quiz.open_question.rubric).exists():
        raise FileNotFoundError(f"the rubric {quiz.open_question.rubric} is missing from {rubric_dir}")
    nb = build_source_notebook(bank, quiz)
    nbformat.validate(nb)
    out = grader_dir / "source" / quiz.assignment / quiz.notebook
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return out
