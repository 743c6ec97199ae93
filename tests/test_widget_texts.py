"""The answer widgets' own texts come from Python, in the course language; their JavaScript holds no English.

The quiz control, the comment box and the evaluation's "still missing" list used to write their buttons, legends
and live-region messages in JavaScript, so a French learner read "Save comment" or "Still missing: …" in English.
Each widget now sends them in a synced ``texts`` trait, translated with gettext when the widget is made, and the
browser code (``say()`` in ``static/answer_cells.js``) only fills their {placeholders}. Headless and fast: the
browser side is exercised by tests/test_browser_evaluation.py and tests/test_browser_quiz.py.
"""

from __future__ import annotations

import re

import pytest

from ssr_widgets._static import STATIC
from ssr_widgets.comment_box import comment
from ssr_widgets.evaluation import ask, load_evaluation, show_status
from ssr_widgets.evaluation_status import evaluation_status
from ssr_widgets.quiz import choose
from ssr_widgets.translation import set_language

from .test_translation import english_sentences

REQUIRED = [{"var": f"eval_q{i}", "label": f"Question {i}", "letters": ["1", "2", "3"]} for i in range(12)]


def widgets():
    """One of each widget, as a learner's notebook makes them, in the kernel's current language."""
    return {
        "quiz_answer.js": choose("answer_s07", ["Police", "Parliament"], label="Question 7"),
        "comment_box.js": comment("eval_improve", "What would you improve?", label="Improve (optional)"),
        "evaluation_status.js": evaluation_status(REQUIRED),
    }


@pytest.fixture(autouse=True)
def _english_afterwards(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    set_language("en")
    yield
    set_language("en")


def fill(template: str, **values) -> str:
    """What say() in static/answer_cells.js does with a text: {name} filled when given, else left as it is."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m[1]]) if m[1] in values else m[0], template)


def js_keys(module: str) -> set[str]:
    """The text keys a widget's browser code asks for: say(model, "key"...) and say(model, cond ? "a" : "b")."""
    source = (STATIC / module).read_text(encoding="utf-8")
    keys = set()
    for call in re.finditer(r"say\(model,\s*([^,)]*)", source):
        keys |= set(re.findall(r'"([a-z_]+)"', call[1]))
    return keys


# -- every text the browser asks for is sent, and in English it reads as before ----------------------------------

@pytest.mark.parametrize("module", ["quiz_answer.js", "comment_box.js", "evaluation_status.js"])
def test_python_sends_every_text_the_browser_code_asks_for(module):
    asked = js_keys(module)
    assert asked, f"{module} asks for no text: the say() calls were not found"
    assert asked == set(widgets()[module].texts), f"{module}: asked for {sorted(asked)}"
    assert "function say(model" in widgets()[module]._esm  # the helper travels with each widget


def test_the_english_texts_are_the_ones_the_javascript_had():
    quiz, box, status = widgets().values()
    q = quiz.texts
    assert fill(q["labelled"], label="Question 7", text=q["choose_one"]) == "Question 7: choose one answer"
    assert fill(q["labelled"], label="Question 7", text=q["choose_all"]) == "Question 7: choose all answers that apply"
    assert fill(q["cannot_save"], letter="A", example='answer_s07 = "A"') == (
        "This screen cannot save clicks. Type your answer in the answer cell below, between the quotes. "
        'For example, if your answer is A, the cell reads: answer_s07 = "A"')
    assert fill(q["no_cell"], question="Question 7") == (
        "The answer cell for Question 7 is missing. Ask your trainer for a fresh copy of the quiz.")
    assert fill(q["recorded"], letters="A, C") == "Recorded answer: A, C."
    assert (q["none_recorded"], q["saving"], q["saved_none"]) == (
        "No answer recorded yet.", "Saving…", "Saved. No answer recorded.")
    assert fill(q["saved"], letters="B") == "Saved. Recorded answer: B."
    assert fill(q["not_saved"], error="Error: disk full") == (
        "Your answer is in the notebook but could not be saved to disk: Error: disk full. "
        "Save the notebook with Ctrl+S (Cmd+S on a Mac).")

    c = box.texts
    assert fill(c["labelled"], label="Improve (optional)", text="Why?") == "Improve (optional): Why?"
    assert c["save"] == "Save comment"
    assert fill(c["unsaved"], button=c["save"]) == "Not saved yet: press Save comment."
    assert fill(c["cannot_save"], example='eval_improve = "..."') == (
        'This screen cannot save text from here. Type your comment between the quotes in the cell below: '
        'eval_improve = "..." . Do not use the " sign inside your comment.')
    assert (c["no_cell"], c["is_saved"], c["none_saved"], c["saving"], c["saved"], c["saved_empty"]) == (
        "The answer cell for this comment is missing. Ask your trainer for a fresh copy.", "Your comment is saved.",
        "No comment saved yet.", "Saving…", "Saved. Your comment is in the notebook.",
        "Saved. The comment is now empty.")
    assert fill(c["not_saved"], error="Error: x") == (
        "Your comment could not be saved to disk: Error: x. Save the notebook with Ctrl+S (Cmd+S on a Mac).")

    s = status.texts
    assert s["cannot_check"] == (
        "This screen cannot check your answers. Make sure every required question has an answer.")
    assert fill(s["labelled"], label="Question 4", text=fill(s["invalid"], value="7", letters="1, 2, 3")) == (
        'Question 4: "7" is not a valid answer: use one of 1, 2, 3')
    assert fill(s["still_missing"], missing=3, required=12) == "Still missing: 3 of 12 required answers."
    assert fill(s["complete"], required=12) == (
        "Complete: all 12 required answers are recorded. Save the notebook and submit it with your quiz.")


# -- in a French kernel, every one of them is French -------------------------------------------------------------

def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{\w+\}", text))


def test_in_a_french_kernel_every_widget_text_is_french():
    english = {name: dict(w.texts) for name, w in widgets().items()}
    set_language("fr")
    french = {name: dict(w.texts) for name, w in widgets().items()}
    # as a French notebook makes them: the evaluation's questions, its comment box and its list
    french["ask"] = dict(ask("pace").texts)
    french["ask_comment"] = dict(ask("improve").texts)
    french["show_status"] = dict(show_status().texts)
    english["ask"], english["ask_comment"] = english["quiz_answer.js"], english["comment_box.js"]
    english["show_status"] = english["evaluation_status.js"]
    problems = []
    for name, texts in french.items():
        assert texts.keys() == english[name].keys()
        for key, text in texts.items():
            en = english[name][key]
            if text == en:
                problems.append((name, key, "still English", text))
            if english_sentences(fill(text)):
                problems.append((name, key, "English sentence", text))
            if _placeholders(text) != _placeholders(en):
                problems.append((name, key, "placeholders differ", text))
            if re.search(r"[^\s\u202f\u00a0][:;?!]", fill(text)) or "'" in text:
                problems.append((name, key, "French typography (a no-break space before : ; ? !, typographic ’)", text))
    assert problems == []
    assert french["comment_box.js"]["save"] == "Enregistrer le commentaire"
    assert fill(french["evaluation_status.js"]["still_missing"], missing=3, required=12) == (
        "Réponses obligatoires encore manquantes\u00a0: 3 sur 12.")


def test_the_counts_take_the_form_of_the_number_of_required_answers():
    one = [REQUIRED[0]]
    assert evaluation_status(one).texts["still_missing"] == "Still missing: {missing} of {required} required answer."
    set_language("fr")
    assert evaluation_status(one).texts["complete"].startswith("Terminé\u00a0: {required} réponse obligatoire est")
    assert len(show_status().required) == sum(f.required for f in load_evaluation(language="fr").fields)


def test_the_language_is_the_one_when_the_widget_is_made():
    set_language("fr")
    french = choose("answer_s01", ["a", "b"])
    set_language("en")
    assert french.texts["saving"] == "Enregistrement…" and choose("answer_s01", ["a", "b"]).texts["saving"] == "Saving…"


# -- no English left in the browser code -------------------------------------------------------------------------

#: Literals of the browser code that are code, not text: key names compared with event.key.
NOT_TEXT = frozenset({"Tab", "Escape"})
#: Where a literal would reach the learner: a text content, or an attribute a screen reader reads.
SHOWN = re.compile(r"(?:textContent|innerText|innerHTML|placeholder|title|ariaLabel|value)\s*[+]?=\s*(?:[^;]*?[?:]\s*)?$"
                   r"|setAttribute\(\s*[\"'](?:aria-label|aria-description|title|placeholder|alt)[\"']\s*,\s*$")


def string_literals(source: str, code_line: str = ""):
    """Each string literal of JavaScript source with the code before it on its line, comments left out.

    A small scanner, enough for the course's modules: strings in ' " and `, the ${...} of a template literal
    scanned as code (its own literals are yielded too) and replaced by a space, line and block comments skipped.
    A regular-expression literal with a quote in it would confuse it; the course's have none.
    """
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            i = source.find("\n", i)
            i = n if i < 0 else i
        elif source.startswith("/*", i):
            i = source.index("*/", i) + 2
        elif c in "'\"`":
            j, text = i + 1, []
            while j < n and source[j] != c:
                if source[j] == "\\":
                    text.append(source[j:j + 2])
                    j += 2
                elif c == "`" and source.startswith("${", j):
                    k, depth = j + 2, 1
                    while depth:
                        depth += {"{": 1, "}": -1}.get(source[k], 0)
                        k += 1
                    yield from string_literals(source[j + 2:k - 1], code_line + c + "".join(text))
                    text.append(" ")
                    j = k
                else:
                    text.append(source[j])
                    j += 1
            yield code_line, "".join(text)
            code_line += c + "".join(text) + c
            i = j + 1
        else:
            code_line = "" if c == "\n" else code_line + c
            i += 1


def english_literals(source: str) -> list[str]:
    """The literals a learner would see or hear in English: words of a sentence, or any literal put on screen."""
    found = []
    for before, literal in string_literals(source):
        if literal in NOT_TEXT:
            continue
        words = re.findall(r"\b[A-Za-z]{2,}\b", literal)
        sentence = re.search(r"\b[A-Za-z]{2,}\b[ \t]+\b[A-Za-z]+\b", literal) and not re.fullmatch(
            r"[\w .%#-]*\d[\w .%#-]*", literal)  # "1px solid #888" is a style, not a sentence
        capitalised = re.search(r"(?:^|\s)[A-Z][a-z]+", literal)
        if words and (sentence or capitalised or "…" in literal or SHOWN.search(before)):
            found.append(literal)
    return found


def test_the_scanner_finds_english_put_on_screen():
    sample = """
    // "Comments like this one" are not shown.
    button.textContent = "Save";
    status.textContent = ok ? "Saving…" : say(model, "saving");
    el.setAttribute("aria-label", 'close');
    legend.textContent = `${question}: ${multiple ? "choose all" : say(model, "choose_one")}`;
    const css = "1px solid #888"; el.className = "ssr-comment-box"; if (event.key === "Tab") return;
    li.textContent = why === "no answer yet" ? a : b;
    """
    assert english_literals(sample) == ["Save", "Saving…", "close", "choose all", "no answer yet"]


@pytest.mark.parametrize("module", sorted(p.name for p in STATIC.glob("*.js")))
def test_no_learner_visible_english_in_the_browser_code(module):
    assert english_literals((STATIC / module).read_text(encoding="utf-8")) == []
