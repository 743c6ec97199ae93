"""Every exercise kind as a keyboard-only and screen-reader learner meets it, in JupyterLab (headless Chromium).

For each kind (one answer, several answers, classify, written work, match, order, actor map, scenario) a learner
reaches the exercise, answers it and presses Check with Tab, arrow keys, Space and Enter alone (the written work of
every section, so each section's production exercise is shown working in the browser); the
notebook keeps every cell (keys pressed in an exercise, "d d" and "a" included, never reach
JupyterLab's shortcuts), the answer is saved, and the feedback appears in the live region that was
on the page before the key press. axe-core (npm, pinned in tests/browsers/) then checks every
notebook's output, and each kind is measured at 1280 px and 320 px wide: no two boxes overlap and
nothing is cut off (the actor map's picture keeps a readable size and scrolls sideways instead).

Section 2 is taken in the French edition (``fr/02_context.ipynb``), end to end: every exercise of the section
answered by keyboard alone and checked, each marked lang="fr", its feedback the French the course's catalogue gives
(issue 16). The English Section 2 is checked by axe-core with the other notebooks.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from ssr_widgets.checking import check_choice, check_classify
from ssr_widgets.loader import load_exercise
from ssr_widgets.model import ChoiceExercise, ClassifyExercise, WriteExercise
from ssr_widgets.translation import _ as course_text
from ssr_widgets.translation import set_language
from ssr_widgets.written_work import check_write

from .conftest import ROOT
from .lab_harness import copy_notebooks, exercise, jupyterlab, open_notebook, require_chromium, run_all

pytestmark = pytest.mark.browser

#: Screenshots of each kind at each width, kept for a person to look at after a run.
SHOTS = Path(tempfile.gettempdir()) / "ssr-a11y-screenshots"
AXE = ROOT / "tests" / "browsers" / "node_modules" / "axe-core" / "axe.min.js"
SINGLE, MULTIPLE = "01_concept.yml#ssr-definition", "01_concept.yml#human-security"
CLASSIFY = "01_concept.yml#security-sector-sort"
MATCH, ACTORMAP = "03_actors.yml#coordination-problems", "03_actors.yml#solenna-actor-map"
ORDER, SCENARIO = "04_support.yml#programme-cycle", "04_support.yml#solenna-entry-points"
#: Each section's written work (issue 12: every section has one, and it works in the browser).
WRITES = ("01_concept.yml#note-ssr-is-political", "02_context.yml#context-note-solenna",
          "03_actors.yml#coordination-memo", "04_support.yml#entry-point-plan")
#: The section taken in the French edition, every exercise of it (its written work measured like the others').
FRENCH_SECTION = "fr/02_context.ipynb"
NOTEBOOK_KINDS = {
    "01_concept.ipynb": (SINGLE, MULTIPLE, CLASSIFY, WRITES[0]),
    FRENCH_SECTION: (WRITES[1],),
    "03_actors.ipynb": (MATCH, ACTORMAP, WRITES[2]),
    "04_support.ipynb": (ORDER, SCENARIO, WRITES[3]),
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require_chromium()
    SHOTS.mkdir(exist_ok=True)
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing in CI: run-tests.sh installs it with npm ci")
        pytest.skip("axe-core is not installed (run-tests.sh installs it with npm ci in tests/browsers)")
    work = tmp_path_factory.mktemp("lab-a11y")
    root = copy_notebooks(ROOT / "notebooks", work / "learner")
    with jupyterlab(root, work) as server:
        yield server


# -- the keyboard --------------------------------------------------------------------------------

def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, type: e.type || '', label: e.getAttribute('aria-label') || '',
                text: (e.labels && e.labels[0] ? e.labels[0].textContent : e.textContent || '').trim(),
                value: e.value || ''}; }""")


def tab_until(page, wanted, what: str, limit: int = 80) -> dict:
    """Press Tab until the focused element is ``wanted`` (a predicate on :func:`focused`); its focus must show."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if wanted(now):
            ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
                                           return [s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
            assert ring[0] != "none" and ring[1] >= 2, f"{what}: focus is hard to see (outline {ring})"
            return now
    raise AssertionError(f"Tab never reached {what}; focus is on {focused(page)}")


def choose_in_list(page, label: str, option: str) -> None:
    """Tab to the list labelled ``label`` and choose ``option`` with arrow keys (a closed list changes in place)."""
    label, option = label.replace("\xa0", " "), option.replace("\xa0", " ")  # French: no-break spaces before : ;
    tab_until(page, lambda f: f["tag"] == "SELECT" and f["text"].replace("\xa0", " ") == label, f"the list {label!r}")
    options = page.evaluate("() => [...document.activeElement.options].map(o => o.text.replace(/\\u00a0/g, ' '))")
    target = options.index(option)
    for key in ("d", "d", "a"):  # notebook shortcuts in command mode (on a list they only jump to an option)
        page.keyboard.press(key)
    page.keyboard.press("Home")
    for _ in range(target):
        page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.selectedIndex") == target, f"{label!r}: {option!r} not chosen"


def press_check(page, widget, title: str, summary: str, button: str = "Check") -> None:
    """Tab to "<button>: <title>" and press Enter; the summary must appear in the live region that was already there."""
    live = widget.locator(".ssr-feedback-area [role=status][aria-live=polite]")
    assert live.count() == 1
    live.evaluate("e => { e.dataset.probe = 'there-before'; }")
    tab_until(page, lambda f: f["tag"] == "BUTTON" and f["label"] == f"{button}: {title}", f"{button}: {title}")
    page.keyboard.press("Enter")
    try:
        widget.locator("[data-probe=there-before]").get_by_text(summary).first.wait_for(timeout=30_000)
    except Exception:
        shown = widget.locator(".ssr-feedback-area").inner_text()
        raise AssertionError(
            f"{title}: {summary!r} not announced in the live region; it shows: {shown[:600]}") from None


def cell_count(page) -> int:
    return page.locator(".jp-Notebook .jp-Cell").count()


def start_at(widget) -> None:
    """The learner arrives at the exercise: focus on its heading's first control, as after reading down to it."""
    widget.scroll_into_view_if_needed()
    widget.locator("h3.ssr-title").evaluate("h => { h.tabIndex = -1; h.focus(); }")


def saved(lab, ref: str):
    data = json.loads((lab.root / "ssr-progress.json").read_text(encoding="utf-8"))
    return data["exercises"][ref]["answer"]


def keyboard_single(page, lab, widget, ex) -> None:
    wrong_first = next(o for o in ex.options if not o.correct)
    right = next(o for o in ex.options if o.correct)
    first = tab_until(page, lambda f: f["type"] == "radio", "the first option")
    assert first["text"] == ex.options[0].text
    for key in ("d", "d", "a", "b", "m"):  # notebook shortcuts in command mode; must stay in the exercise
        page.keyboard.press(key)
    index = [o.id for o in ex.options].index(wrong_first.id)
    page.keyboard.press("Space") if index == 0 else [page.keyboard.press("ArrowDown") for _ in range(index)]
    assert focused(page)["text"] == wrong_first.text
    press_check(page, widget, ex.title, "Not quite.")
    assert saved(lab, SINGLE) == [wrong_first.id]
    # back into the group (Shift+Tab from Check reaches the chosen option): arrow keys move the choice
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if focused(page)["type"] == "radio":
            break
    assert focused(page)["text"] == wrong_first.text
    ids = [o.id for o in ex.options]
    step = ids.index(right.id) - ids.index(wrong_first.id)
    for _ in range(abs(step)):
        page.keyboard.press("ArrowDown" if step > 0 else "ArrowUp")
    press_check(page, widget, ex.title, "Correct.")
    assert saved(lab, SINGLE) == [right.id]


def keyboard_multiple(page, lab, widget, ex) -> None:
    for opt in ex.options:
        now = tab_until(page, lambda f: f["type"] == "checkbox", f"the option {opt.text!r}")
        assert now["text"] == opt.text
        if opt.correct:
            page.keyboard.press("Space")
    press_check(page, widget, ex.title, "Correct.")
    assert sorted(saved(lab, MULTIPLE)) == sorted(o.id for o in ex.options if o.correct)


def keyboard_rows(page, lab, ref, widget, ex, rows: list[tuple[str, str]], summary: str,
                  button: str = "Check") -> None:
    for label, option in rows:
        choose_in_list(page, label, option)
    press_check(page, widget, ex.title, summary, button=button)


#: What the keyboard learner writes in each part of a written work (keys that are notebook shortcuts included).
WRITTEN = {"en": "My {label}: a, d, d and m are letters here, not shortcuts.",
           "fr": "Ma partie « {label} » : a, d, d et m sont ici des lettres, pas des raccourcis."}


def keyboard_write(page, lab, ref, widget, ex, language: str = "en") -> None:
    texts = {}
    for field in ex.fields:
        tab_until(page, lambda f, label=field.label: f["tag"] == "TEXTAREA" and f["text"] == label, field.label)
        texts[field.id] = WRITTEN[language].format(label=field.label.lower())
        page.keyboard.type(texts[field.id])
    first = ex.checklist[0]
    with course_language(language):  # the feedback as the course's catalogue words it in this language
        button, written, ticked = (course_text("Save my work"), check_write(ex, texts).summary,
                                   check_write(ex, texts, [first.id]).summary)
    press_check(page, widget, ex.title, written, button=button)
    # the checklist appears once every part is written; Space ticks a point, and the tick is saved
    tab_until(page, lambda f: f["type"] == "checkbox" and f["text"] == first.text, "the first checklist point")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.activeElement.checked")
    widget.locator("[data-probe=there-before]").get_by_text(ticked).first.wait_for()
    assert saved(lab, ref) == {"fields": texts, "ticked": [first.id]}
    # the model answer is shown beside the learner's own work, once every part is written
    first_words = " ".join(ex.model_answer[ex.fields[0].id].lstrip("- ").split()[:5])
    assert first_words in " ".join(widget.locator(".ssr-write-model").first.inner_text().split()), ref


def keyboard_actormap(page, lab, widget, ex) -> None:
    for actor in ex.actors:
        choose_in_list(page, f"{actor.name}: Level", ex.level(actor.level).label)
        choose_in_list(page, f"{actor.name}: Role", ex.role(actor.role).label)
    press_check(page, widget, ex.title, "Correct.")
    assert saved(lab, ACTORMAP) == {a.id: {"level": a.level, "role": a.role} for a in ex.actors}
    # the picture's scroll region is reached with Tab, so it can be scrolled with arrow keys
    tab_until(page, lambda f: f["label"] == "The actor map (scrolls sideways)", "the map's scroll region")


def keyboard_scenario(page, lab, widget, ex) -> None:
    node = ex.nodes[0]
    path = []
    live = widget.locator(".ssr-feedback-area [role=status][aria-live=polite]")
    live.evaluate("e => { e.dataset.probe = 'there-before'; }")
    first = tab_until(page, lambda f: f["tag"] == "BUTTON" and f["text"] == node.choices[0].text, "the first choice")
    assert first
    while True:
        choice = node.choices[0]
        page.keyboard.press("Enter")
        path.append(choice.id)
        node = ex.node(choice.next)
        if node.end:
            # focus lands on "Play again", named after the story
            page.wait_for_function("() => (document.activeElement.getAttribute('aria-label') || '')"
                                   ".startsWith('Play again: ')")
            break
        page.wait_for_function("t => document.activeElement.textContent.trim() === t", arg=node.choices[0].text)
    widget.locator("[data-probe=there-before]").get_by_text("Your path").first.wait_for(state="attached")
    assert saved(lab, SCENARIO) == path


@contextmanager
def course_language(language: str):
    """The course's texts (exercises, feedback) in ``language`` inside the block, English again after it."""
    set_language(language)
    try:
        yield
    finally:
        set_language("en")


def language_of(notebook: str) -> str:
    return "fr" if notebook.startswith("fr/") else "en"


def load(ref: str, language: str = "en"):
    with course_language(language):
        return load_exercise(ref)


def exercises_of(notebook: str) -> list[str]:
    """Every exercise the notebook shows, in its order (its ``show("...")`` cells)."""
    nb = nbformat.read(ROOT / "notebooks" / notebook, as_version=4)
    return [ref for c in nb.cells if c.cell_type == "code" for ref in re.findall(r'show\("([^"]+)"\)', c.source)]


def keyboard_right_choice(page, ex) -> list[str]:
    """The right option(s) chosen with Tab, arrow keys and Space alone; the ids chosen."""
    if ex.multiple:
        for opt in ex.options:
            now = tab_until(page, lambda f: f["type"] == "checkbox", f"the option {opt.text!r}")
            assert now["text"] == opt.text
            if opt.correct:
                page.keyboard.press("Space")
        return sorted(o.id for o in ex.options if o.correct)
    first = tab_until(page, lambda f: f["type"] == "radio", "the first option")
    assert first["text"] == ex.options[0].text
    (index,) = [n for n, o in enumerate(ex.options) if o.correct]
    page.keyboard.press("Space") if index == 0 else [page.keyboard.press("ArrowDown") for _ in range(index)]
    assert focused(page)["text"] == ex.options[index].text
    return [ex.options[index].id]


def keyboard_section(page, lab, notebook: str) -> None:
    """Every exercise of a section's notebook answered right by keyboard alone and checked, in the notebook's
    language: each exercise says its language, and its feedback is the course's own in that language (not the
    other's)."""
    language = language_of(notebook)
    refs = exercises_of(notebook)
    assert len(refs) > 5, refs
    with course_language(language):
        check = course_text("Check")
    for ref in refs:
        ex = load(ref, language)
        widget = exercise(page, ex.title)
        start_at(widget)
        assert widget.get_attribute("lang") == language, ref
        if isinstance(ex, ChoiceExercise):
            answer = keyboard_right_choice(page, ex)
            with course_language(language):
                feedback = check_choice(ex, set(answer))
            press_check(page, widget, ex.title, feedback.summary, button=check)
            assert sorted(saved(lab, ref)) == answer
        elif isinstance(ex, ClassifyExercise):
            labels = {c.id: c.label for c in ex.categories}
            answer = {it.id: it.category for it in ex.items}
            with course_language(language):
                feedback = check_classify(ex, answer)
            keyboard_rows(page, lab, ref, widget, ex, [(it.text, labels[it.category]) for it in ex.items],
                          feedback.summary, button=check)
            assert saved(lab, ref) == answer
        elif isinstance(ex, WriteExercise):
            keyboard_write(page, lab, ref, widget, ex, language)
            continue
        else:
            raise AssertionError(f"{ref}: no keyboard path for {type(ex).__name__} yet")
        shown = " ".join(widget.locator(".ssr-feedback").inner_text().split())
        # the explanations in the notebook's language: every remark's verdict and why, and no English summary
        for remark in feedback.remarks:
            assert " ".join(f"{remark.verdict} {remark.why}".split()) in shown, (ref, remark)
        english = {"Correct.", "Not quite.", "Right: you chose it", "It belongs in:"} if language != "en" else set()
        assert [e for e in english if e in shown] == [], ref


@pytest.mark.parametrize("notebook", sorted(NOTEBOOK_KINDS))
def test_each_kind_by_keyboard_alone(lab, page, notebook):
    open_notebook(page, lab, notebook)
    run_all(page)
    cells = cell_count(page)
    if notebook == FRENCH_SECTION:  # the whole section, in French
        keyboard_section(page, lab, notebook)
    for ref in NOTEBOOK_KINDS[notebook] if notebook != FRENCH_SECTION else ():
        ex = load_exercise(ref)
        widget = exercise(page, ex.title)
        start_at(widget)
        if ref == SINGLE:
            keyboard_single(page, lab, widget, ex)
        elif ref == MULTIPLE:
            keyboard_multiple(page, lab, widget, ex)
        elif ref == CLASSIFY:
            labels = {c.id: c.label for c in ex.categories}
            keyboard_rows(page, lab, ref, widget, ex, [(it.text, labels[it.category]) for it in ex.items], "Correct.")
            assert saved(lab, ref) == {it.id: it.category for it in ex.items}
        elif ref == MATCH:
            labels = {a.id: a.label for a in ex.answers}
            keyboard_rows(page, lab, ref, widget, ex, [(p.text, labels[p.answer]) for p in ex.prompts], "Correct.")
            assert saved(lab, ref) == {p.id: p.answer for p in ex.prompts}
        elif ref == ORDER:
            keyboard_rows(page, lab, ref, widget, ex,
                          [(f"Step {n}", s.text) for n, s in enumerate(ex.steps, start=1)], "Correct.")
            assert saved(lab, ref) == [s.id for s in ex.steps]
        elif ref in WRITES:
            keyboard_write(page, lab, ref, widget, ex)
        elif ref == ACTORMAP:
            keyboard_actormap(page, lab, widget, ex)
        elif ref == SCENARIO:
            keyboard_scenario(page, lab, widget, ex)
        assert cell_count(page) == cells, f"{ref}: a key pressed in the exercise changed the notebook's cells"
    check_layout(page, notebook)
    violations = axe(page)
    assert violations == [], f"{notebook}: axe-core found {json.dumps(violations, indent=1)}"


# -- axe-core ------------------------------------------------------------------------------------

def axe(page) -> list[dict]:
    """axe-core's violations (every impact, best practices included) in what the course puts on the page.

    That is the notebook's outputs (the widgets) and its rendered Markdown (the course text), not
    JupyterLab's own interface around them.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const ours = [...document.querySelectorAll('.jp-OutputArea-output, .jp-MarkdownOutput')];
        const result = await axe.run({include: ours}, {resultTypes: ['violations']});
        const checked = ours.reduce((n, e) => n + e.querySelectorAll('*').length, 0);
        return {checked, violations: result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))};
    }""")
    assert found["checked"] > 20, f"axe-core was given only {found['checked']} elements: did the notebook render?"
    return found["violations"]


OTHER_NOTEBOOKS = sorted(
    str(p.relative_to(ROOT / "notebooks")) for p in (ROOT / "notebooks").rglob("*.ipynb")
    if str(p.relative_to(ROOT / "notebooks")) not in NOTEBOOK_KINDS and ".ipynb_checkpoints" not in p.parts
)  # the French sections (fr/) are here too


@pytest.mark.parametrize("notebook", OTHER_NOTEBOOKS)
def test_axe_finds_nothing_in_our_output(lab, page, notebook):
    nb = nbformat.read(ROOT / "notebooks" / notebook, as_version=4)
    open_notebook(page, lab, notebook)
    if any(c.cell_type == "code" and c.source.strip() for c in nb.cells):
        run_all(page)
        assert page.locator(".jp-OutputArea-output").count() > 0
    assert page.locator(".jp-MarkdownOutput").count() > 0
    # each exercise says its language, so a screen reader reads French exercises with a French voice
    language = "fr" if notebook.startswith("fr/") else "en"
    page.wait_for_function("() => [...document.querySelectorAll('.ssr-exercise')].every(e => e.lang)")
    langs = page.locator(".ssr-exercise").evaluate_all("es => es.map(e => e.lang)")
    assert set(langs) <= {language}
    if any("show(" in c.source for c in nb.cells if c.cell_type == "code"):
        assert langs, f"{notebook}: no exercise was shown"
    violations = axe(page)
    assert violations == [], f"{notebook}: axe-core found {json.dumps(violations, indent=1)}"


# -- layout at 1280 px and 320 px ---------------------------------------------------------------------

BOXES = """(root) => {
    const name = (e) => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined
        ? '.' + String(e.className).trim().split(/\\s+/).slice(0, 2).join('.') : '') + ' "'
        + (e.textContent || '').trim().slice(0, 40) + '"';
    const shown = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; };
    const scrollers = [...root.querySelectorAll('.ssr-map-scroll')];
    const scrolled = (e) => scrollers.some(s => s !== e && s.contains(e));
    const atoms = [...root.querySelectorAll(
        'h3, legend, .ssr-choice-option span, .ssr-prompt, .widget-label, .ssr-choice-list-label, select, button, '
        + 'input, textarea, .ssr-remark, .ssr-map-scroll, th, td')].filter(shown);
    const box = root.getBoundingClientRect();
    const problems = [];
    for (const e of atoms) {
        const r = e.getBoundingClientRect();
        if (!scrolled(e) && (r.left < box.left - 1 || r.right > box.right + 1))
            problems.push(`sticks out of the exercise (${Math.round(r.left)}..${Math.round(r.right)} vs `
                          + `${Math.round(box.left)}..${Math.round(box.right)}): ${name(e)}`);
        const s = getComputedStyle(e);
        const hides = s.overflowX !== 'visible' || s.overflowY !== 'visible' || s.textOverflow === 'ellipsis';
        if (!['SELECT', 'INPUT', 'TEXTAREA'].includes(e.tagName) && !e.classList.contains('ssr-map-scroll') && hides
            && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1))
            problems.push(`text cut off (${e.scrollWidth}x${e.scrollHeight} in ${e.clientWidth}x${e.clientHeight}): `
                          + name(e));
    }
    if (box.right > document.documentElement.clientWidth + 1)
        problems.push(`the exercise is wider than the screen: ${Math.round(box.right)}px`);
    const leaves = atoms.filter(a => !atoms.some(b => b !== a && a.contains(b)));
    for (let i = 0; i < leaves.length; i++) {
        for (let j = i + 1; j < leaves.length; j++) {
            const a = leaves[i].getBoundingClientRect(), b = leaves[j].getBoundingClientRect();
            const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (w > 1 && h > 1) problems.push(`overlap ${Math.round(w)}x${Math.round(h)}: ${name(leaves[i])} / `
                                              + name(leaves[j]));
        }
    }
    const svg = root.querySelector('.ssr-map-scroll svg');
    return {problems, checked: atoms.length, svgWidth: svg ? svg.getBoundingClientRect().width : null};
}"""


def check_layout(page, notebook: str) -> None:
    """Every kind in the notebook, measured at 1280 px and at 320 px wide (a screenshot of each is kept)."""
    for width in (1280, 320):
        if width < 760 and page.locator("#jp-left-stack").is_visible():
            # as on a phone, where JupyterLab opens with its side panel closed
            page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
            page.locator("#jp-left-stack").wait_for(state="hidden")
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(400)  # JupyterLab relayouts on resize
        for ref in NOTEBOOK_KINDS[notebook]:
            ex = load(ref, language_of(notebook))
            widget = exercise(page, ex.title)
            widget.scroll_into_view_if_needed()
            found = widget.evaluate(BOXES)
            assert found["checked"] > 5, f"{ref} at {width}px: nothing measured"
            assert found["problems"] == [], f"{ref} at {width}px:\n" + "\n".join(found["problems"])
            if ref == ACTORMAP:
                assert found["svgWidth"] >= 440, f"the actor map shrank to {found['svgWidth']}px at {width}px"
            widget.screenshot(path=str(SHOTS / f"{ref.replace('#', '_').replace('.yml', '')}-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 1600})
