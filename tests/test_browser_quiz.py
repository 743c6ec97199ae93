"""The graded quiz as learners take it: each their own paper in JupyterLab in headless Chromium, answers by
clicking (and by keyboard), graded by nbgrader against each learner's own keys, explained in their own feedback.
One of the two learners is French on the trainer's roster: his paper, its controls and his feedback are French."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest

from ssr_grader.credentials.language import translator
from ssr_grader.grading.autograde import autograde_all
from ssr_grader.grading.batch import grade_cohort
from ssr_grader.grading.hooks import ANSWER_LINE, NOT_RIGHT, RIGHT
from ssr_grader.quiz.bank_translation import load_translation, translation_path
from ssr_grader.quiz.papers import QUESTION, YOUR_PAPER, learner_draw, translated_draw
from ssr_widgets.quiz import quiz_texts

from .lab_harness import (
    chromium_page,
    jupyterlab,
    open_notebook,
    require_chromium,
    restart_kernel,
    run_all,
    save_notebook,
)
from .lms_fixtures import Person, collect_from_moodle
from .quiz_helpers import add_languages, answer_cells, fill, known_mix, make_course, paper, submit_files

AMINA = Person("Amina", "Diallo", "amina@example.org", 501, 0, "amina")
TYPIST = Person("Tariq", "Typist", "tariq@example.org", 502, 0, "tariq")

pytestmark = pytest.mark.browser


def legend(number: int, language: str = "en", multiple: bool | None = None) -> str:
    """The legend of question ``number``'s control ("Question 7: choose one answer"), or its start ("Question 7:")
    when ``multiple`` is not given, in the paper's ``language``."""
    texts = quiz_texts(language)
    label = translator(language).gettext(QUESTION).format(number=number)
    if multiple is None:
        return texts["labelled"].split("{text}")[0].format(label=label).rstrip()
    return texts["labelled"].format(label=label, text=texts["choose_all" if multiple else "choose_one"])


def question_box(page, number: int, language: str = "en"):
    """The click-to-answer control of question ``number`` (its legend: "Question 7: choose one answer")."""
    return page.locator("fieldset.ssr-quiz-answer", has=page.locator("legend", has_text=legend(number, language)))


def wait_saved(box, letters: str, language: str = "en") -> None:
    """The control reports when the notebook file has been saved with this answer, and says so in its language."""
    box.locator("xpath=..").and_(box.page.locator(f'[data-saved="{letters}"]')).wait_for()
    said = quiz_texts(language)["saved"].format(letters=", ".join(letters))
    assert box.locator(".ssr-quiz-status").inner_text().strip() == said


def answer_by_clicking(page, draw, answers: dict[str, str], language: str = "en") -> None:
    """Click ``answers`` (``{slot: letters}``) on the learner's own paper: options labelled in their own order (and
    language: ``draw`` is the paper's, its texts in ``language``)."""
    for slot_id, letters in answers.items():
        slot = draw.slot(slot_id)
        box = question_box(page, slot.number, language)
        box.scroll_into_view_if_needed()
        for letter, option in slot.options():
            control = box.get_by_label(f"{letter}. {option.text}", exact=True)
            if slot.item.multiple:
                control.set_checked(letter in letters)
            elif letter == letters:
                control.check()
        wait_saved(box, letters, language)


def answer_by_keyboard(page, slot, letter: str, language: str = "en") -> None:
    """A one-answer question answered with the keyboard only: Space on the first option, arrows to ``letter``."""
    assert not slot.item.multiple
    box = question_box(page, slot.number, language)
    box.scroll_into_view_if_needed()
    box.locator("input").first.focus()
    page.keyboard.press("Space")
    wait_saved(box, "A", language)
    for k in range(1, slot.letters.index(letter) + 1):
        page.keyboard.press("ArrowDown")
        wait_saved(box, slot.letters[k], language)


def recorded(path: Path) -> dict[str, str]:
    """``{slot: answer cell source}`` of a notebook file as it is on disk."""
    return {k.removeprefix("answer_"): c.source for k, c in answer_cells(nbformat.read(path, 4)).items()}


def test_quiz_answered_by_clicking_is_graded_exactly(tmp_path):
    require_chromium()
    course = make_course(tmp_path / "course")
    learner, typist = f"moodle-{AMINA.moodle}", f"moodle-{TYPIST.moodle}"
    draw = learner_draw(course, learner)
    answers, expected = known_mix(course, learner)
    workspace = tmp_path / "learner"
    workspace.mkdir()
    quiz = workspace / course.quiz.notebook
    nbformat.write(paper(course, learner), quiz)

    with jupyterlab(workspace, tmp_path) as lab, chromium_page() as page:
        open_notebook(page, lab, course.quiz.notebook)
        run_all(page)
        answer_by_clicking(page, draw, answers)
        assert recorded(quiz) == {s: f'answer_{s} = "{a}"' for s, a in answers.items()}

        # The answers survive a kernel restart and re-opening: the controls show what the file holds.
        restart_kernel(page)
        open_notebook(page, lab, course.quiz.notebook)
        run_all(page)
        for slot in draw.slots:
            box = question_box(page, slot.number)
            checked = box.locator("input:checked")
            assert sorted(checked.evaluate_all("els => els.map(e => e.value)")) == sorted(answers[slot.slot])
            assert f"Recorded answer: {', '.join(answers[slot.slot])}." in box.inner_text()
    # saving in JupyterLab kept the learner's paper code, which the intake compares with their own
    assert nbformat.read(quiz, 4).metadata["ssr_quiz"]["paper"] == draw.code

    # Submit the LMS way: the learner uploads the saved file to Moodle; the trainer collects the download.
    # The typist types (rather than clicks) answers of the same known score into his own paper.
    typed_answers, typed_expected = known_mix(course, typist)
    typed = fill(paper(course, typist), typed_answers, typed=True)
    report = collect_from_moodle(course, tmp_path / "moodle", {
        AMINA: [(course.quiz.notebook, quiz.read_bytes())],
        TYPIST: [(course.quiz.notebook, nbformat.writes(typed).encode())],
    })
    assert len(report.accepted) == 2 and not report.problems
    outcomes = {o.student: o for o in autograde_all(course)}
    assert outcomes[learner].score == expected
    assert typed_expected == expected
    assert outcomes[typist].score == typed_expected  # typing answers gives the same score as clicking them


def _page_text(raw: str) -> str:
    """The words of an HTML page: tags dropped, entities decoded, white space collapsed."""
    no_code = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", no_code)).split())


def _words(text: str) -> str:
    """``text`` with its white space collapsed, as :func:`_page_text` leaves a page's (Markdown emphasis dropped)."""
    return " ".join(text.replace("**", "").split())


def test_two_learners_answer_their_own_papers_and_are_graded_against_their_own_keys(tmp_path):
    """amina is English, bo French on the roster: his paper is his draw with the bank's French texts, clicked by
    their French labels, its controls and his feedback French (the French rationales, not one English one)."""
    require_chromium()
    course = make_course(tmp_path / "course")
    add_languages(course, {"bo": "fr"})  # and the bank's French beside the course's bank
    people = ("amina", "bo")
    language = {"amina": "en", "bo": "fr"}
    english = {s: learner_draw(course, s) for s in people}
    french_bank = load_translation(translation_path(course.root / "item_bank.yml", "fr"))
    # each learner's draw as their paper shows it: bo's is his English draw (same slots, letters, keys) in French
    draws = {"amina": english["amina"], "bo": translated_draw(english["bo"], french_bank)}
    assert draws["bo"].keys == english["bo"].keys and draws["bo"].code == english["bo"].code
    a, b = draws["amina"], draws["bo"]
    assert a.code != b.code
    assert [(s.item.id, s.order) for s in a.slots] != [(s.item.id, s.order) for s in b.slots]
    # A slot where their items differ, and neither item is anywhere on the other's paper.
    items = {s: {d.item.id for d in draws[s].slots} for s in people}
    differ = next((s.slot for s in a.slots if s.item.id not in items["bo"] and b.slot(s.slot).item.id
                   not in items["amina"]), None)
    assert differ is not None, "the two papers share every item: draw from a larger sample bank"

    plan: dict[str, dict] = {}
    for n, student in enumerate(people):
        draw = draws[student]
        others = [s for s in draw.slots if s.slot != differ]
        second = next((s for s in others if s.item.multiple), others[0])  # a multiple-answer one if there is one
        right = n == 0  # amina answers her keyboard question right, bo his wrong
        by_key = next(s for s in others if s is not second and not s.item.multiple and not (right and s.key == "A"))
        key_letter = by_key.key if right else next(x for x in reversed(by_key.letters) if x not in by_key.key)
        clicks = {differ: draw.slot(differ).key if right else next(x for x in draw.slot(differ).letters
                                                                    if x not in draw.slot(differ).key),
                  second.slot: second.key}
        points = sum(course.quiz.points_per_item for slot, given in {**clicks, by_key.slot: key_letter}.items()
                     if given == draw.keys[slot])
        plan[student] = {"clicks": clicks, "keyboard": (by_key, key_letter), "points": points}
    assert plan["amina"]["points"] == 3 and plan["bo"]["points"] == 1

    files = {}
    for student in people:
        workspace = tmp_path / "learners" / student
        workspace.mkdir(parents=True)
        files[student] = quiz = workspace / course.quiz.notebook
        nbformat.write(paper(course, student), quiz)
        lang = language[student]
        with jupyterlab(workspace, tmp_path / f"lab-{student}") as lab, chromium_page() as page:
            open_notebook(page, lab, course.quiz.notebook)
            run_all(page)
            # the learner sees their own paper in their language: their code, and at the slot their own item
            shown = " ".join(page.inner_text(".jp-Notebook").split())
            head = translator(lang).gettext(YOUR_PAPER).split("**")[1].format(code=draws[student].code)
            assert " ".join(head.split()) in shown, (student, head)
            mine = draws[student].slot(differ)
            assert " ".join(mine.item.stem.split()) in shown
            box = question_box(page, mine.number, lang)
            assert box.locator("legend").inner_text().strip() == legend(mine.number, lang, mine.item.multiple)
            assert [x.strip() for x in box.locator("label").all_inner_texts()] == [
                f"{letter}. {o.text}" for letter, o in mine.options()]
            assert box.locator(".ssr-quiz-status").inner_text().strip() == quiz_texts(lang)["none_recorded"]
            answer_by_clicking(page, draws[student], plan[student]["clicks"], lang)
            answer_by_keyboard(page, *plan[student]["keyboard"], lang)
            save_notebook(page)
            if lang == "fr":  # not one English text of his English paper on the page (stems, options, controls)
                shown = " ".join(page.inner_text(".jp-Notebook").split())
                mine_en = english[student]
                texts = [t for sl in mine_en.slots for t in (sl.item.stem, *(o.text for o in sl.item.options))]
                texts += [legend(1), quiz_texts("en")["none_recorded"], "Saved.", "Recorded answer"]
                assert [t for t in texts if " ".join(t.split()) in shown] == []
        by_key, key_letter = plan[student]["keyboard"]
        given = {**plan[student]["clicks"], by_key.slot: key_letter}
        blank = {k.removeprefix("answer_"): c.source for k, c in answer_cells(paper(course, student)).items()}
        assert recorded(quiz) == {**blank, **{slot: f'answer_{slot} = "{x}"' for slot, x in given.items()}}
        submit_files(course, student, quiz.read_bytes())

    api = course.api()
    for how in ({}, {"reference": True, "force": True}):  # without a kernel, then the plain nbgrader way
        outcomes = {o.student: o for o in grade_cohort(course, workers=1, progress=False, **how)}
        for student in people:
            assert outcomes[student].graded, (how, outcomes[student])
            assert outcomes[student].score == plan[student]["points"], (how, student)
        for student in people:
            assert api.generate_feedback(course.quiz.assignment, student, force=True)["success"], how
        for student in people:
            other = "bo" if student == "amina" else "amina"
            raw = (course.root / "feedback" / student / course.quiz.assignment /
                   course.quiz.notebook.replace(".ipynb", ".html")).read_text(encoding="utf-8")
            text = _page_text(raw)
            mine, theirs = draws[student].slot(differ), draws[other].slot(differ)
            assert _words(mine.item.stem) in text, (how, student)
            assert _words(theirs.item.stem) not in text, (how, student)
            assert draws[other].code not in text, (how, student)
            assert "_ssr_key" not in raw.lower() and "answer key, added at grading" not in raw, (how, student)
            # their own answer explained in their own letters and language
            tr = translator(language[student]).gettext
            given = plan[student]["clicks"][differ]
            verdict = tr(RIGHT) if given == mine.key else tr(NOT_RIGHT)
            line = tr(ANSWER_LINE).replace("**", "").format(given=", ".join(given), verdict=verdict,
                                                            key=", ".join(mine.key))
            assert _words(line) in text, (how, student, line)
            # every option of every question explained, in the learner's language, and none in the other
            assert all(_words(o.why) in text for sl in draws[student].slots for _, o in sl.options()), (how, student)
            if language[student] == "fr":
                assert "Votre réponse" in text and "Your answer:" not in text, how
                assert [o.why for sl in english[student].slots for o in sl.item.options
                        if _words(o.why) in text] == [], (how, "an English rationale in bo's feedback")
            else:
                assert "Votre réponse" not in text and "Your answer:" in text, how
