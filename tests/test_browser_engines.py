"""Smoke test in the other browser engines learners use: Firefox (Gecko) and WebKit (Safari's engine).

The other browser tests drive Chromium (the engine of Chrome and Edge). Here the same learner's path runs in
Debian's firefox-esr (WebDriver BiDi) and in WebKitGTK (Selenium and WebKitWebDriver), see
``tests/engine_drivers.py``: Section 1 opens and runs by itself, as it does for a learner (trusted notebook, the
course's autorun extension); one exercise of each kind there is answered and its feedback read; the learner's
own quiz paper is run from the Run menu and answered once by clicking and once by keyboard, and the file on
disk holds both answers; one field of the course evaluation is answered and saved into its file.
"""

from __future__ import annotations

import contextlib
import json
import time

import nbformat
import pytest
from nbformat.sign import NotebookNotary

from ssr_grader.quiz.papers import learner_draw
from ssr_widgets.checking import check_choice, check_classify
from ssr_widgets.evaluation import EVALUATION_NOTEBOOK, load_evaluation, read_answers
from ssr_widgets.loader import load_section

from .conftest import ROOT
from .engine_drivers import (
    browser,
    check_and_read,
    current_tab,
    exercise_scope,
    labelled,
    menu,
    require,
    save,
    wait_for,
)
from .lab_harness import copy_notebooks, jupyterlab, start_session
from .quiz_helpers import answer_cells, make_course, paper

pytestmark = pytest.mark.browser

ENGINES = ["firefox", "webkit"]
SECTION = "01_concept"
ANSWERED_KINDS = {"choice", "classify", "write"}  # the kinds this smoke knows how to answer


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("course"))


# -- JupyterLab, engine-neutral ----------------------------------------------------------------------

# Connected to its kernel and idle: JupyterLab shows "idle" beside "No Kernel" for a few seconds before it
# connects, and "Run All" pressed then opens the "Select Kernel" dialog (see lab_harness.open_notebook).
IDLE = """const kernel = document.querySelector('.jp-NotebookPanel-toolbar [data-jp-item-name=kernelName]');
          const named = kernel ? norm(kernel.textContent) : '';
          return named !== '' && named !== 'No Kernel'
                 && !!document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]');"""
# Every code cell with code in it shows its execution number (an empty cell is not run), and the kernel is idle.
ALL_RAN = """const cells = [...document.querySelectorAll('.jp-CodeCell')]
                 .filter(c => norm((c.querySelector('.cm-content') || {}).textContent) !== '');
             return cells.length > 0
                    && cells.every(c => /\\[\\d+\\]/.test((c.querySelector('.jp-InputPrompt') || {}).textContent))
                    && !!document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]');"""


def open_notebook(b, lab, name: str) -> None:
    start_session(lab, name)  # as the Chromium tests do: the page connects to a running kernel
    b.goto(lab.url(f"lab/tree/{name}"))
    wait_for(b, IDLE, f"{name} open with an idle kernel", timeout=90)
    assert b.js("return document.hasFocus();"), "the browser window does not have the focus"
    current_tab(b, name)


def run_all_from_menu(b, name: str) -> None:
    """Run → Run All Cells, as a learner does where a notebook does not run by itself; wait until every cell ran."""
    current_tab(b, name)
    menu(b, "Run", "runmenu:run-all")
    wait_for(b, ALL_RAN, f"every cell of {name} to have run", timeout=120)


# -- the three parts of the learner's path --------------------------------------------------------------

def section_one(b, lab) -> None:
    name = f"{SECTION}.ipynb"
    section = load_section(f"{SECTION}.yml")
    exercises = list(section.exercises.values())
    kinds = {ex.kind for ex in exercises}
    assert kinds <= ANSWERED_KINDS, f"Section 1 has kinds this smoke does not answer yet: {kinds - ANSWERED_KINDS}"

    open_notebook(b, lab, name)
    # Trusted and marked: the course's extension runs it on opening, nothing is run by hand.
    wait_for(b, "return !!document.querySelector('.jp-NotebookPanel[data-ssr-autorun=\"done\"]');",
             "Section 1 to run by itself", timeout=120)
    wait_for(b, ALL_RAN, "every cell of Section 1 to have run", timeout=60)
    wait_for(b, "return document.querySelectorAll('.ssr-exercise').length === arguments[0];",
             f"the {len(exercises)} exercises of Section 1 to show", len(exercises))

    choices = [ex for ex in exercises if ex.kind == "choice"]
    many = next((ex for ex in choices if ex.multiple), None)
    one = next((ex for ex in choices if not ex.multiple), None)
    answered = {}
    if many is not None:  # tick boxes: every right answer
        for opt in many.options:
            if opt.correct:
                b.click(labelled(b, exercise_scope(many.title), opt.text))
        right = next(o for o in many.options if o.correct)
        check_and_read(b, many.title, check_choice(many, many.correct_ids).summary, " ".join(right.why.split()))
        answered[many.id] = True
    if one is not None:  # radio buttons: a wrong answer, explained
        wrong = next(o for o in one.options if not o.correct)
        b.click(labelled(b, exercise_scope(one.title), wrong.text))
        check_and_read(b, one.title, check_choice(one, wrong.id).summary, " ".join(wrong.why.split()))
        answered[one.id] = False
    for ex in exercises:
        if ex.kind == "classify":  # drop-down lists: all right but the first item
            labels = {c.id: c.label for c in ex.categories}
            first = ex.items[0]
            wrong_box = next(c.id for c in ex.categories if c.id != first.category)
            placed = {it.id: (wrong_box if n == 0 else it.category) for n, it in enumerate(ex.items)}
            for item in ex.items:
                b.select(labelled(b, exercise_scope(ex.title), item.text), labels[placed[item.id]])
            check_and_read(b, ex.title, check_classify(ex, placed).summary.split(" Read")[0],
                           f"Not right: you chose {labels[wrong_box]}. It belongs in: {labels[first.category]}.")
            answered[ex.id] = placed
            break

    for ex in exercises:
        if ex.kind == "write":  # text boxes: a line typed in each, then saved
            for field in ex.fields:
                b.click(labelled(b, exercise_scope(ex.title), field.label))
                b.type(f"My {field.label.lower()}.")
            b.press("Tab")  # leaving the box sends its text
            check_and_read(b, ex.title, "Saved. Every part is written.", "compare your work with the model answer",
                           button="Save my work")
            answered[ex.id] = {"fields": {f.id: f"My {f.label.lower()}." for f in ex.fields}, "ticked": []}
            break

    saved = json.loads((lab.root / "ssr-progress.json").read_text(encoding="utf-8"))["exercises"]
    for ex_id, outcome in answered.items():
        entry = saved[f"{SECTION}.yml#{ex_id}"]
        if isinstance(outcome, bool):
            assert entry["completed"] is outcome, ex_id
        else:
            assert entry["answer"] == outcome, ex_id
    save(b, name)


def quiz_box(number: int) -> str:
    """A finder for the click-to-answer control of question ``number``."""
    return ("return [...document.querySelectorAll('fieldset.ssr-quiz-answer')].find(f => "
            f"norm((f.querySelector('legend') || {{}}).textContent).startsWith('Question {number}:'));")


def wait_saved(b, scope: str, value: str, what: str) -> None:
    """The control says it saved the notebook file with ``value`` (``data-saved`` on its widget)."""
    wait_for(b, f"const f = (function() {{ {scope} }})(); "
                "return !!f && f.parentElement.dataset.saved === arguments[0];", f"{what} saved as {value!r}", value)


def quiz(b, lab, course, student: str) -> None:
    draw = learner_draw(course, student)
    name = course.quiz.notebook
    path = lab.root / name
    nbformat.write(paper(course, student), path)
    blank = {k: c.source for k, c in answer_cells(nbformat.read(path, 4)).items()}

    open_notebook(b, lab, name)
    run_all_from_menu(b, name)
    wait_for(b, """const boxes = [...document.querySelectorAll('fieldset.ssr-quiz-answer')];
                   return boxes.length === arguments[0]
                          && boxes.every(f => norm(f.textContent).includes('No answer recorded yet.'));""",
             f"the {len(draw.slots)} questions of the paper to show, unanswered", len(draw.slots))

    # By clicking: the right answer to the first question (every right letter where several are right).
    clicked = draw.slots[0]
    for letter, option in clicked.options():
        if letter in clicked.key:
            b.click(labelled(b, quiz_box(clicked.number), f"{letter}. {option.text}"))
    wait_saved(b, quiz_box(clicked.number), clicked.key, f"question {clicked.number}")

    # By keyboard only: focus the first option of a one-answer question, Space, then an arrow to the next one.
    keyed = next(s for s in draw.slots[1:] if not s.item.multiple)
    first = labelled(b, quiz_box(keyed.number), f"A. {keyed.options()[0][1].text}")
    b.js("document.querySelector(arguments[0]).focus();", first)
    b.press("Space")
    wait_saved(b, quiz_box(keyed.number), "A", f"question {keyed.number}")
    b.press("ArrowDown")
    wait_saved(b, quiz_box(keyed.number), "B", f"question {keyed.number}")

    on_disk = {k: c.source for k, c in answer_cells(nbformat.read(path, 4)).items()}
    assert on_disk == {**blank, clicked.answer_id: f'{clicked.answer_id} = "{clicked.key}"',
                       keyed.answer_id: f'{keyed.answer_id} = "B"'}
    save(b, name)


def evaluation(b, lab, course) -> None:
    ev = load_evaluation()
    required = [f for f in ev.fields if f.required]
    path = lab.root / EVALUATION_NOTEBOOK
    path.write_bytes((course.released_notebook.parent / EVALUATION_NOTEBOOK).read_bytes())

    open_notebook(b, lab, EVALUATION_NOTEBOOK)
    run_all_from_menu(b, EVALUATION_NOTEBOOK)
    field = required[0]
    letter = field.letters[-1]
    legend = f"{field.label[:-1]}, required): choose one answer"
    scope = ("return [...document.querySelectorAll('fieldset.ssr-quiz-answer')].find(f => "
             f"norm((f.querySelector('legend') || {{}}).textContent).includes({json.dumps(legend)}));")
    b.click(labelled(b, scope, f"{letter}. {field.options[field.letters.index(letter)]}"))
    wait_saved(b, scope, letter, field.label)
    wait_for(b, "return norm((document.querySelector('.ssr-evaluation-status') || {}).textContent).includes(arguments[0]);",
             "the status list to count the answer", f"Still missing: {len(required) - 1} of {len(required)}")
    assert read_answers(nbformat.read(path, 4))[field.var] == letter


# -- the test --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_section_quiz_and_evaluation_in(engine, course, tmp_path):
    require(engine)
    work = tmp_path / "lab"
    work.mkdir()
    root = copy_notebooks(ROOT / "notebooks", tmp_path / "learner")
    # As start-course.sh: the learner's settings, the course's autorun extension, and Section 1 signed with
    # the learner's own Jupyter key (here a key of this test only).
    data = work / "data"
    data.mkdir()
    notary = NotebookNotary(data_dir=str(data))
    notary.sign(nbformat.read(root / f"{SECTION}.ipynb", 4))
    notary.close()
    (work / "jupyter-config").mkdir()
    (work / "jupyter-config" / "jupyter_server_config.json").write_text(json.dumps(
        {"LabApp": {"extra_labextensions_path": [str(ROOT / "jupyter-config" / "labextensions")]}}))
    env = {"JUPYTER_DATA_DIR": str(data), "JUPYTER_CONFIG_PATH": str(ROOT / "jupyter-config" / "learner")}

    times = {}
    with jupyterlab(root, work, env=env) as lab, browser(engine, work) as b:
        print(f"\n{engine} {b.version}")
        for part, run in (("section 1", lambda: section_one(b, lab)),
                          ("quiz", lambda: quiz(b, lab, course, f"{engine}-learner")),
                          ("evaluation", lambda: evaluation(b, lab, course))):
            started = time.monotonic()
            try:
                run()
            except BaseException:
                with contextlib.suppress(Exception):  # a picture of the page, for the failure's report
                    b.screenshot(work / f"{engine}-{part.replace(' ', '-')}-failed.png")
                raise
            times[part] = time.monotonic() - started
    print(f"{engine}: " + ", ".join(f"{part} {s:.1f} s" for part, s in times.items()))
