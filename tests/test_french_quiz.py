"""The French end-of-course quiz (issue 16): a French learner's paper, controls, grading and feedback.

The trainer's roster gives each learner a language (``learner-languages.csv``); nothing in a learner's file does. A
French learner's paper is their English paper (same draw, slots, option order, letters and keys) with every text in
French: the items from the bank's French (``item_bank.fr.yml``), the fixed texts from the ``trainer`` catalogue.
Grading reads only answers, so the same answers score the same in both languages with nbgrader's own autograde, and
a file handed in in the other language (the roster changed after release) is read as fully. A French learner's
feedback explains every option in French, under nbgrader's own headings in French ("Student's answer", "Score",
"Comments", "No response.": a French copy of nbgrader's feedback template, chosen per learner); an English learner's
is exactly what it was, nbgrader's own template byte for byte.
"""

from __future__ import annotations

import ast
import dataclasses
import html as html_lib
import re

import nbformat
import pytest
import yaml

from ssr_grader.course import open_course
from ssr_grader.grading.autograde import autograde_all
from ssr_grader.grading.batch import grade_cohort
from ssr_grader.grading.hooks import _explanation
from ssr_grader.grading.paper import paper_for
from ssr_grader.quiz.bank_translation import load_translation, translation_path
from ssr_grader.quiz.papers import (
    PaperTranslationError,
    learner_draw,
    learner_notebook,
    paper_folder,
    translated_draw,
    write_papers,
)
from ssr_grader.quiz.release import release_to_exchange
from ssr_widgets.evaluation import EVALUATION_NOTEBOOK
from ssr_widgets.pretest import PRETEST_NOTEBOOK
from ssr_widgets.quiz import TEXTS, choose, quiz_texts
from ssr_widgets.translation import set_language

from .conftest import ROOT
from .quiz_helpers import add_languages, copy_course, fill, known_mix, make_course, submit_files
from .test_translation import english_sentences

FRENCH_STUB = "Écrivez votre réponse ici."
ENGLISH_STUB = "Write your answer here."


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A course built once: amina is French on the roster, ben English."""
    course = make_course(tmp_path_factory.mktemp("french-quiz") / "course")
    add_languages(course, {"amina": "fr", "ben": "en"})
    return course


@pytest.fixture
def course(built, tmp_path):
    return copy_course(built, tmp_path / "course")


def _gid(cell) -> str:
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id", "")


def _part(cell) -> tuple[str | None, str | None]:
    marker = cell.get("metadata", {}).get("ssr_quiz") or {}
    return marker.get("part"), marker.get("slot")


def _french(course):
    return load_translation(translation_path(course.root / "item_bank.yml", "fr"))


def _open_cell(nb, course):
    return next(c for c in nb.cells if _gid(c) == course.quiz.open_question.id)


# -- the paper ----------------------------------------------------------------------------------------------------

def test_a_french_learners_paper_is_their_english_paper_with_french_texts(built):
    fr, en = learner_notebook(built, "amina"), learner_notebook(built, "amina", language="en")
    assert [(c.cell_type, _part(c), _gid(c)) for c in fr.cells] == [(c.cell_type, _part(c), _gid(c)) for c in en.cells]
    assert fr.metadata["ssr_quiz"] == en.metadata["ssr_quiz"]  # the same paper code
    for a, b in zip(en.cells, fr.cells, strict=True):
        if _gid(a).startswith(("answer_", "test_")) or _gid(a) == "quiz_setup":
            assert a.source == b.source  # answer cells, (empty) hidden tests and the setup cell: as released
    english_draw = learner_draw(built, "amina")
    draw = translated_draw(english_draw, _french(built))
    assert draw.keys == english_draw.keys and [(s.slot, s.item.id, s.order, s.letters) for s in draw.slots] == [
        (s.slot, s.item.id, s.order, s.letters) for s in english_draw.slots]
    questions = {_part(c)[1]: c.source for c in fr.cells if _part(c)[0] == "question"}
    controls = {_part(c)[1]: c.source for c in fr.cells if _part(c)[0] == "control"}
    for s in draw.slots:
        assert s.item.stem in questions[s.slot] and s.item.stem != english_draw.slot(s.slot).item.stem
        assert all(f"- **{letter}.** {o.text}" in questions[s.slot] for letter, o in s.options())
        call = ast.parse(controls[s.slot]).body[0].value
        assert call.args[0].value == s.answer_id
        assert ast.literal_eval(call.args[1]) == [o.text for _, o in s.options()]  # same order, French texts
        keywords = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        assert keywords["language"] == "fr" and keywords.get("multiple", False) == s.item.multiple
    # not one English text of the English paper, and no English sentence in any text the learner reads
    english = [t for s in english_draw.slots for t in (s.item.stem, *(o.text for o in s.item.options))]
    english += [c.source for c in en.cells if c.cell_type == "markdown" and _part(c)[0] != "question"]
    shown = "\n".join(c.source for c in fr.cells)
    assert [t for t in english if t in shown] == []
    read = [c.source for c in fr.cells if c.cell_type == "markdown"] + [
        o.text for s in draw.slots for o in s.item.options]
    assert [s for text in read for s in english_sentences(text)] == []
    assert _open_cell(fr, built).source == FRENCH_STUB
    # its locked cells carry the checksum of their French text: nbgrader's validate does not call them changed
    from nbgrader.utils import compute_checksum, is_locked

    assert all(c.metadata.nbgrader["checksum"] == compute_checksum(c) for c in fr.cells if _gid(c) and is_locked(c))
    assert fr.cells[0].source.startswith("# Introduction à la réforme du secteur de la sécurité\u00a0: quiz de fin de cours")
    # an English learner's paper says nothing of French
    assert "language=" not in "".join(c.source for c in learner_notebook(built, "ben").cells)


def test_the_french_papers_controls_speak_french_whatever_cells_ran_first(built, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    control = next(c.source for c in learner_notebook(built, "amina").cells if _part(c)[0] == "control")
    set_language("en")  # the kernel's own language: no French cell has run
    widget = eval(control, {"choose": choose})  # noqa: S307 - the paper's own control cell, as the kernel runs it
    assert widget.texts == quiz_texts("fr") and widget.texts["saving"] == "Enregistrement…"
    assert all(widget.texts[k] != TEXTS[k] for k in TEXTS if k != "labelled")
    assert choose("answer_s01", ["a", "b"]).texts["saving"] == "Saving…"  # other controls keep the kernel's
    with pytest.raises(ValueError, match="unknown course language"):
        choose("answer_s01", ["a", "b"], language="de")


# -- grading and feedback -----------------------------------------------------------------------------------------

def _rows(course, student) -> tuple:
    """What autograde decided for ``student``: score, and every grade and comment (not the time)."""
    from nbgrader.api import Gradebook

    api = course.api()
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        sub = gb.find_submission(course.quiz.assignment, student)
        (snb,) = sub.notebooks
        return (sub.score, sorted((g.cell.name, g.auto_score, g.needs_manual_grade) for g in snb.grades),
                sorted((c.cell.name, c.auto_comment) for c in snb.comments))


def _feedback(course, student) -> str:
    result = course.api().generate_feedback(course.quiz.assignment, student, force=True)
    assert result["success"], result["log"][-2000:]
    return (course.root / "feedback" / student / course.quiz.assignment / "end_of_course_quiz.html").read_text()


def _has(html: str, text: str) -> bool:
    return html_lib.escape(text, quote=False) in html or text in html


def test_graded_the_same_in_both_languages_with_french_feedback(course):
    answers, expected = known_mix(course, "amina")
    submit_files(course, "amina", fill(learner_notebook(course, "amina"), answers))
    submit_files(course, "ben", fill(learner_notebook(course, "ben"), known_mix(course, "ben")[0]))
    outcomes = {o.student: o for o in autograde_all(course)}  # nbgrader's own autograde, a kernel per learner
    assert outcomes["amina"].score == expected < course.quiz.total_points
    french = _rows(course, "amina")
    assert ("reflection", 0.0, False) in french[1]  # the open question left blank: nbgrader's "No response."

    html = _feedback(course, "amina")
    draw = translated_draw(learner_draw(course, "amina"), _french(course))
    wrong = draw.slots[2]  # known_mix: every third question wrong
    assert "Votre réponse\u00a0: " in html and "✔ Juste." in html and "✘ Faux." in html
    assert f"La bonne réponse\u00a0: {', '.join(wrong.key)}." in html
    for slot in draw.slots:  # every option's French rationale, under the learner's own letter
        assert all(_has(html, o.why) for _, o in slot.options()), slot.slot
    english = learner_draw(course, "amina")
    assert [o.why for s in english.slots for o in s.item.options if _has(html, o.why)] == []
    assert "Your answer:" not in html and "The hidden test compared" not in html
    # the locked cells nbgrader restored to English are French again, and so is the open answer's placeholder
    assert "Ce quiz comporte" in html and "This quiz has" not in html and "Finished?" not in html
    assert _has(html, _french(course).quiz.open_question.split(". ")[0]) and _has(html, FRENCH_STUB)
    # nbgrader's own headings in French too, and the page says it is French
    assert '<html lang="fr">' in html and "<title>end_of_course_quiz\u00a0: vos résultats commentés</title>" in html
    assert "Note\u00a0: " in html and "Commentaires\u00a0:" in html
    assert "Aucune réponse." in html and "(Haut de page)" in html
    for english_label in ("Student's answer", "Score:", "Comments:", "No response.", "(Top)", "Written response"):
        assert english_label not in html, english_label
    english_html = _feedback(course, "ben")
    assert "✔ Right." in english_html and "Votre réponse" not in english_html and "This quiz has" in english_html
    assert "<html>" in english_html and "Student's answer" in english_html and "Score: " in english_html
    # an English learner's page is byte for byte what nbgrader's own template makes (without the course's choice)
    config = course.root / "nbgrader_config.py"
    ours = config.read_text()
    config.write_text(ours.split("c.GenerateFeedback.HTMLExporter.extra_template_basedirs")[0]
                      + ours.split('c.GenerateFeedback.HTMLExporter.template_file = "ssr_feedback.html.j2"\n')[1])
    assert "ssr_feedback" not in config.read_text()
    assert _feedback(dataclasses.replace(course, _api=None), "ben") == english_html  # the config read again
    config.write_text(ours)

    # kernel-less grading (the course's default) decides exactly what nbgrader decided
    assert {o.student: o.score for o in grade_cohort(course, progress=False, force=True)}["amina"] == expected
    assert _rows(course, "amina") == french

    # the roster now says English: the English paper with the same answers scores the same
    add_languages(course, {"amina": "en"}, french_bank=False)
    submit_files(course, "amina", fill(learner_notebook(course, "amina"), answers))
    assert autograde_all(course, ["amina"])[0].score == expected
    assert _rows(course, "amina") == french


@pytest.mark.parametrize("roster", ["fr", "en"])
def test_a_file_in_the_other_language_is_read_fully(course, roster):
    """The roster changed after release: the learner hands in the paper they were given, in the other language."""
    add_languages(course, {"amina": roster}, french_bank=False)
    answers, _ = known_mix(course, "amina")
    nb = fill(learner_notebook(course, "amina", language="en" if roster == "fr" else "fr"), answers)
    paper = paper_for(course, "amina")
    expected = {f"answer_{slot}": letters for slot, letters in answers.items()}
    read = paper.read(nb)
    assert read.choices == expected and read.open_answer == "" and read.notes == ()
    for stub in (ENGLISH_STUB, FRENCH_STUB):  # either placeholder is no answer
        _open_cell(nb, course).source = stub
        assert paper.read(nb).open_answer == ""
    _open_cell(nb, course).source = "Mon analyse : deux risques."
    assert paper.read(nb).open_answer == "Mon analyse : deux risques."
    for cell in nb.cells:  # metadata gone: the open answer is found by the other language's cells around it
        cell.metadata = {}
    read = paper.read(nb)
    assert read.choices == expected and read.open_answer == "Mon analyse : deux risques."


def test_a_learners_file_claiming_another_language_changes_nothing(course):
    for student, claimed in (("ben", "fr"), ("amina", "en")):
        nb = fill(learner_notebook(course, student), known_mix(course, student)[0])
        nb.metadata["ssr_course"] = {"language": claimed}
        submitted = nbformat.read(submit_files(course, student, nb), as_version=4)
        cells = {_gid(c): c.source for c in submitted.cells if _gid(c)}
        if student == "ben":
            assert cells["quiz_intro"].startswith(f"# {course.quiz.title}") and "ssr_course" not in submitted.metadata
        else:
            assert "Ce quiz comporte" in cells["quiz_intro"] and submitted.metadata["ssr_course"]["language"] == "fr"
    assert learner_notebook(course, "ben").cells[0].source.startswith(f"# {course.quiz.title}")


def _explanation_before(slot, given: str) -> str:
    """The English explanation as the course wrote it before the French feedback (verbatim)."""
    ok = given == slot.key
    verdict = "✔ Right." if ok else "✘ Not right."
    shown = ", ".join(given) if given else "no answer"
    lines = [f"**Your answer: {shown}. {verdict}** The right answer: {', '.join(slot.key)}.", ""]
    for letter, o in slot.options():
        mark = "✔ right option" if o.correct else "✘ not right"
        lines.append(f"- **{letter}** ({mark}{', you chose it' if letter in given else ''}): {o.why}")
    return "\n".join(lines)


def test_an_english_learners_explanation_is_exactly_as_before(built):
    for slot in learner_draw(built, "ben").slots:
        for given in ("", slot.key, slot.letters[0], slot.letters):
            assert _explanation(slot, given) == _explanation_before(slot, given)


# -- a French bank that is not ready --------------------------------------------------------------------------------

def test_a_missing_or_stale_french_bank_is_named_and_english_learners_still_get_their_papers(course):
    path = course.root / "item_bank.fr.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.unlink()
    with pytest.raises(PaperTranslationError, match=r"item_bank\.fr\.yml is missing"):
        write_papers(course, ["amina", "ben"])
    written = nbformat.read(paper_folder(course, "ben") / course.quiz.notebook, as_version=4)
    assert written == learner_notebook(course, "ben") and not paper_folder(course, "amina").exists()

    first, second = course.bank.items[0].id, course.bank.items[1].id
    data["items"][first]["english"] = "0" * 12
    del data["items"][second]
    data["quiz"]["english"] = "0" * 12
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(PaperTranslationError) as err:
        learner_notebook(course, "amina")
    message = str(err.value)
    assert str(path) in message and f"{first}: stale" in message and f"{second}: not translated" in message
    assert "quiz: stale" in message and "3 problem(s)" in message
    assert paper_for(course, "ben").code == learner_draw(course, "ben").code  # English learners are graded as ever
    # and a French learner's file is still taken in and graded: answers only, read against the same draw in English
    amina = paper_for(course, "amina")
    assert amina.code == learner_draw(course, "amina").code and amina.notebook.cells[0].source.startswith(
        f"# {course.quiz.title}")


# -- release ---------------------------------------------------------------------------------------------------------

def test_each_learner_gets_the_evaluation_and_pre_test_in_their_language(course, tmp_path):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    release = release_to_exchange(open_course(course.root, exchange=exchange), ["amina", "ben"])
    for student, edition in (("amina", ROOT / "notebooks" / "fr" / "quiz"), ("ben", ROOT / "notebooks" / "quiz")):
        for folder in (paper_folder(course, student), release / "papers" / student):
            for name in (EVALUATION_NOTEBOOK, PRETEST_NOTEBOOK):  # the forms as the course's edition has them
                assert (folder / name).read_text(encoding="utf-8") == (edition / name).read_text(encoding="utf-8")
            quiz = nbformat.read(folder / course.quiz.notebook, as_version=4)
            assert quiz.metadata.get("ssr_course", {}).get("language", "en") == ("fr" if student == "amina" else "en")


def test_the_trainer_catalogue_holds_the_papers_texts_in_french():
    from ssr_grader.credentials.language import translator
    from ssr_grader.grading import hooks
    from ssr_grader.quiz import papers, source
    from ssr_widgets.translation.catalogue import Project, extract

    ids = {m.id for m in extract(Project.here(), "trainer") if m.id}
    texts = [*source.INTRO_POINTS, *source.END_PARAGRAPHS, source.INTRO_LEAD, source.OPEN_HEADING, source.OPEN_STUB,
             source.OPEN_INSTRUCTION, source.END_HEADING, papers.YOUR_PAPER, papers.SAMPLE_PAPER, papers.CHOOSE_ONE,
             papers.CHOOSE_ALL, hooks.ANSWER_LINE, hooks.RIGHT, hooks.NOT_RIGHT, hooks.OPTION_LINE, hooks.CHOSEN]
    assert set(texts) <= ids
    french = translator("fr").gettext
    for text in texts:
        fr = french(text)
        assert fr != text and not english_sentences(fr), text
        assert not re.search(r"[^\s\u202f\u00a0][:;?!]", re.sub(r"`[^`]*`|\{\w+\}|\*\*", "", fr)) and "'" not in fr, fr


def test_the_lms_package_gives_a_french_learner_the_instructions_in_french(course, tmp_path):
    import zipfile

    from ssr_grader.quiz.package import learner_note, lms_package

    (package, *_) = lms_package(course, tmp_path / "quiz.zip", ["amina", "ben"])
    with zipfile.ZipFile(package) as zf:
        names = set(zf.namelist())
        english = zf.read("HOW-TO-TAKE-THE-QUIZ.txt").decode()
        french = zf.read("amina/COMMENT-PASSER-LE-QUIZ.txt").decode()
    # the zip's own note and ben's folder as before: English, no French note for him
    assert english == learner_note(course)[1] and english.startswith("How to take the quiz\n")
    assert {n for n in names if n.startswith("ben/")} == {
        f"ben/{n}" for n in (course.quiz.notebook, EVALUATION_NOTEBOOK, PRETEST_NOTEBOOK)}
    assert "amina/HOW-TO-TAKE-THE-QUIZ.txt" not in names
    # amina's: French (the trainer catalogue), the same files named, French typography
    assert french.startswith("Comment passer le quiz\n") and "VOTRE PROPRE copie\u00a0: " in french
    assert all(name in french for name in (course.quiz.notebook, EVALUATION_NOTEBOOK, PRETEST_NOTEBOOK))
    assert "Your trainer" not in french and "At the end of the course" not in french
