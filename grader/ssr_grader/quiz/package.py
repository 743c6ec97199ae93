"""The quiz for an LMS: each learner's own paper, in a zip the trainer can hand out.

Every learner answers their own paper (:mod:`ssr_grader.quiz.papers`), so an LMS must give each
learner their own file, not one file for all. The package holds a folder per learner
(``<learner id>/end_of_course_quiz.ipynb``, the course evaluation and the pre-test) and a note (in English; a
French learner's folder has it in French too, ``COMMENT-PASSER-LE-QUIZ.txt``); when the roster
came from Moodle, a second zip delivers the papers through Moodle's own per-learner channel
(Assignment → "Upload multiple feedback files in a zip", which puts each file on its participant),
so no learner sees another learner's paper.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ssr_widgets.evaluation import EVALUATION_NOTEBOOK
from ssr_widgets.pretest import PRETEST_NOTEBOOK

from ..course import Course
from ..credentials.language import DEFAULT_LANGUAGE, N_, translator
from ..files import atomic_write_bytes
from .papers import learner_language, paper_folder, write_papers

__all__ = ["learner_note", "lms_package", "roster_students"]

#: The note's file name and text (the ``trainer`` catalogue). The zip's own note is English; a learner whose language
#: (the roster's) is another also gets it in their language in their folder, under its name in that language.
NOTE_NAME = N_("HOW-TO-TAKE-THE-QUIZ.txt")
_LEARNER_NOTE = N_("""How to take the quiz
====================

Your trainer gives you YOUR OWN paper: other learners have other questions.
Its first lines show your paper code and your learner id.

At the start of the course: open {pretest}, the pre-test, and answer it the
same way (steps 2 and 3 below). It is not graded and does not count for your
certificate. Upload it to the course page at once, and keep its name.

At the end of the course:

1. Open {notebook} in JupyterLab (or Jupyter Notebook).
2. Run all cells: menu Run -> Run All Cells.
3. Answer by clicking. Each click is saved in the notebook.
   If you cannot click, type the letter between the quotes in the answer cell.
4. Write your answer to the open question.
5. Save the notebook (File -> Save).
6. Open {evaluation} and answer the course evaluation the same way.
   You get your certificate when you pass the quiz AND the evaluation is complete.
7. Download both notebooks and upload both to the course page. Keep their names:
   your trainer's tools find the quiz and the evaluation by name. If the course
   page asks for all your files again, upload the pre-test with them, unchanged.
""")


def learner_note(course: Course, language: str = DEFAULT_LANGUAGE) -> tuple[str, str]:
    """The note on taking the quiz in ``language``: its file name and its text."""
    tr = translator(language).gettext
    text = tr(_LEARNER_NOTE).format(notebook=course.quiz.notebook, evaluation=EVALUATION_NOTEBOOK,
                                    pretest=PRETEST_NOTEBOOK)
    return tr(NOTE_NAME), text


def roster_students(course: Course) -> list[str]:
    """The learner ids in the course's gradebook (the roster), sorted."""
    from nbgrader.api import Gradebook

    coursedir = course.api().coursedir
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        return sorted(s.id for s in gb.students)


def lms_package(course: Course, out: Path, students: list[str] | None = None) -> list[Path]:
    """Write the papers of ``students`` (default: the roster) and the zip(s) for the LMS; returns the zips written."""
    students = roster_students(course) if students is None else students
    if not students:
        raise ValueError("the roster is empty: import it first (ssr-trainer roster <file>), so that each learner "
                         "gets their own paper")
    write_papers(course, students)
    note = learner_note(course)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(note[0], note[1])
        for student in students:
            folder = paper_folder(course, student)
            for name in (course.quiz.notebook, EVALUATION_NOTEBOOK, PRETEST_NOTEBOOK):
                zf.write(folder / name, f"{student}/{name}")
            language = learner_language(course, student)
            if language != DEFAULT_LANGUAGE:  # the note in their language too, beside their paper
                name, text = learner_note(course, language)
                zf.writestr(f"{student}/{name}", text)
    written = [atomic_write_bytes(out, buf.getvalue())]
    moodle = _moodle_papers(course, students)
    if moodle is not None:
        written.append(atomic_write_bytes(out.with_name(f"{out.stem}-moodle-feedback-files.zip"), moodle))
    return written


def _moodle_papers(course: Course, students: list[str]) -> bytes | None:
    """Each paper as a Moodle feedback file of its participant, when the roster is Moodle's grading worksheet; the
    note in the participant's language (the roster's)."""
    from ..intake.lms import moodle
    from ..reports.lms_gradebook import _read, lms_roster

    found = lms_roster(course)
    if found is None or found[0] != "moodle":
        return None
    table = _read(found[1])[0]
    col = {h: i for i, h in enumerate(table[0])}
    members: dict[str, bytes] = {}
    for line in table[1:]:
        key = moodle.participant(line[col["Identifier"]]) if len(line) > col["Identifier"] else None
        if key is None or f"moodle-{key}" not in students:
            continue
        folder = paper_folder(course, f"moodle-{key}")
        name = line[col["Full name"]] if "Full name" in col and len(line) > col["Full name"] else ""
        for file in (course.quiz.notebook, EVALUATION_NOTEBOOK, PRETEST_NOTEBOOK):
            members[moodle.feedback_member(name, key, file)] = (folder / file).read_bytes()
        note_name, note = learner_note(course, learner_language(course, f"moodle-{key}"))
        members[moodle.feedback_member(name, key, note_name)] = note.encode("utf-8")
    if not members:
        return None
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in sorted(members.items()):
            zf.writestr(member, data)
    return buf.getvalue()
