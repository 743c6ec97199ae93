"""The course evaluation and the pre-test in French (issue 16): made by the trainer's tool, shown in French, and
collected and reported exactly as the English ones.

``ssr-trainer build-quiz --learner-copy notebooks/quiz/end_of_course_quiz.ipynb`` writes the French copies into the
French edition (``notebooks/fr/quiz/``). They have the English copies' cells, cell ids, answer variables and
metadata; only the texts and the first code cell (``set_language("fr")``) differ. The trainer's tools read them in
English: the "still missing" lists and the reports do not change with the learner's language.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from ssr_grader.course import open_course
from ssr_grader.intake.submission import Accepted, Incoming, accept
from ssr_grader.quiz.evaluation import fill_evaluation
from ssr_grader.quiz.pretest import key
from ssr_grader.quiz.release import build_quiz, learner_editions
from ssr_grader.reports.evaluation_section import summarise
from ssr_grader.reports.evaluations import read_all
from ssr_grader.reports.pretests import read_pretests
from ssr_widgets.evaluation import EVALUATION_NOTEBOOK, load_evaluation, read_answers
from ssr_widgets.pretest import PRETEST_NOTEBOOK, load_pretest
from ssr_widgets.translation import set_language

from .conftest import ROOT
from .quiz_helpers import COURSE_FILES, complete_evaluation, copy_course
from .test_translation import english_sentences

ENGLISH = ROOT / "notebooks" / "quiz"
FRENCH = ROOT / "notebooks" / "fr" / "quiz"
FORMS = (EVALUATION_NOTEBOOK, PRETEST_NOTEBOOK)
REBUILD = "run: ssr-trainer build-quiz --sample-bank --learner-copy notebooks/quiz/end_of_course_quiz.ipynb"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A course built as the committed copies are: build-quiz with a learner copy (here in a scratch folder)."""
    tmp = tmp_path_factory.mktemp("french-forms")
    root = tmp / "course"
    root.mkdir()
    for name in COURSE_FILES:
        shutil.copy(ROOT / "grader" / name, root / name)
    course = open_course(root)
    copy = tmp / "notebooks" / "quiz" / "end_of_course_quiz.ipynb"
    build_quiz(course, copy, sample_bank=True)
    return course, copy.parent, tmp / "notebooks" / "fr" / "quiz"


# -- made by the tool, and the same form as the English -----------------------------------------------------------

def test_build_quiz_writes_the_french_copies_into_the_french_edition_and_the_committed_ones_are_current(built):
    _course, english, french = built
    assert learner_editions(ENGLISH / "end_of_course_quiz.ipynb") == {"fr": FRENCH}
    assert sorted(p.name for p in french.iterdir()) == sorted(FORMS)  # the quiz itself stays English
    for name in FORMS:
        assert (FRENCH / name).exists(), REBUILD
        assert (FRENCH / name).read_text(encoding="utf-8") == (french / name).read_text(encoding="utf-8"), \
            f"notebooks/fr/quiz/{name} is out of date: {REBUILD}"
        # the English copies too, byte for byte: the cell ids are the cells' places, not random
        assert filecmp.cmp(ENGLISH / name, english / name, shallow=False), f"notebooks/quiz/{name}: {REBUILD}"


@pytest.mark.parametrize("name", FORMS)
def test_the_french_form_has_the_english_cells_ids_variables_and_metadata(name):
    en = nbformat.read(ENGLISH / name, as_version=4)
    fr = nbformat.read(FRENCH / name, as_version=4)
    assert [(c.id, c.cell_type, c.metadata) for c in fr.cells] == [(c.id, c.cell_type, c.metadata) for c in en.cells]
    codes = [(e.source, f.source) for e, f in zip(en.cells, fr.cells, strict=True) if e.cell_type == "code"]
    first_en, first_fr = codes[0]
    assert first_fr == f'from ssr_widgets import set_language\n{first_en}\n\nset_language("fr")'
    assert all(e == f for e, f in codes[1:])  # the ask() calls and the answer lines: the same variables
    prefix = "eval_" if name == EVALUATION_NOTEBOOK else "pre_"
    assert read_answers(fr, prefix) == read_answers(en, prefix) != {}
    assert fr.metadata["ssr_course"] == {"language": "fr"} and "ssr_course" not in en.metadata
    assert fr.metadata.kernelspec == en.metadata.kernelspec
    markdown = [(e.source, f.source) for e, f in zip(en.cells, fr.cells, strict=True) if e.cell_type == "markdown"]
    assert all(e != f for e, f in markdown if not e.startswith("**LO"))  # an objective's own cell: "**LO1.** ..."


@pytest.mark.parametrize("name", FORMS)
def test_the_french_form_shows_no_english_sentence(name):
    nb = nbformat.read(FRENCH / name, as_version=4)
    found = [s for c in nb.cells if c.cell_type == "markdown" for s in english_sentences(c.source)]
    assert found == []
    text = nbformat.writes(nb)
    assert ("Évaluation du cours" if name == EVALUATION_NOTEBOOK else "Test de départ") in text
    assert "Comment répondre" in text and "How to answer" not in text


# -- in the learner's kernel -----------------------------------------------------------------------------------------

def test_the_labels_are_french_for_the_learner_and_english_for_the_trainer():
    en, fr = load_evaluation(), load_evaluation(language="fr")
    assert [(f.var, f.letters, f.required) for f in fr.fields] == [(f.var, f.letters, f.required) for f in en.fields]
    pair = en.field("eval_confidence_before_lo1")
    assert pair.label == "Question 5 (confidence, LO1, before the course)"  # what the trainer's lists say
    assert fr.field("eval_confidence_before_lo1").label == "Question 5 (confiance, LO1, avant le cours)"
    assert fr.field("eval_confidence_now_lo1").label == "Question 5 (confiance, LO1, maintenant)"
    set_language("fr")
    assert load_evaluation().field("eval_pace").label == en.field("eval_pace").label  # the default stays English
    from ssr_widgets.evaluation import ask
    from ssr_widgets.pretest import ask as ask_pretest

    assert ask("pace").question_label == f"Question 4 ({fr.field('eval_pace').label[12:-1]}, obligatoire)"
    assert ask("improve").label.endswith(", facultative)")
    pretest = ask_pretest("p01")
    assert pretest.prompt == load_pretest(language="fr").field("p01").prompt != load_pretest().field("p01").prompt
    assert list(pretest.options) == list(load_pretest(language="fr").field("p01").options)


def _widget_texts(nb) -> list[str]:
    """The synced texts of every widget the notebook showed (labels, prompts, options), not their code."""
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    out: list[str] = []

    def strings(value):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            for v in value:
                strings(v)
        elif isinstance(value, dict):
            for k, v in value.items():
                if not k.startswith("_") and k not in ("var", "letters"):
                    strings(v)

    for model in state.values():
        strings({k: v for k, v in model.get("state", {}).items() if not k.startswith("_")})
    return out


@pytest.mark.parametrize("name", FORMS)
def test_the_french_form_executes_headless_and_shows_french(name, tmp_path, monkeypatch):
    monkeypatch.setenv("SSR_PROGRESS_FILE", str(tmp_path / "progress.json"))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    path = FRENCH / name
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    assert [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"] == []
    asks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(("ask(", "show_status("))]
    assert asks and all(any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in c.outputs)
                        for c in asks)
    texts = _widget_texts(nb)
    assert texts, "the widgets' state was not kept"
    assert [s for t in texts for s in english_sentences(t)] == []
    if name == EVALUATION_NOTEBOOK:  # the labels of the answer buttons and of the "still missing" list
        assert any("obligatoire)" in t for t in texts) and any("avant le cours" in t for t in texts)
        assert not any("required)" in t or "before the course" in t for t in texts)
    else:
        french = load_pretest(language="fr")
        assert french.fields[0].prompt in texts and load_pretest().fields[0].prompt not in texts


# -- handed in: collected and reported as the English ---------------------------------------------------------------

def _evaluation_answers(n: int) -> dict[str, str]:
    answers = complete_evaluation(n)
    answers.update({"eval_category": "PMC"[n % 3], "eval_gender": "WM"[n % 2]})
    answers["eval_improve"] = f"Plus d’exemples, s’il vous plaît ({n})"
    if n == 2:  # an incomplete one: the "still missing" list is the trainer's, in English, whatever the form's language
        del answers["eval_confidence_now_lo3"]
    return answers


def _pretest_answers(n: int) -> dict[str, str]:
    pt = load_pretest()
    return {f.var: key(pt, f) if (i + n) % 3 else "" for i, f in enumerate(pt.fields)}


def _hand_in(course, folder: Path, learners: int) -> None:
    for n in range(learners):
        evaluation = fill_evaluation(nbformat.read(folder / EVALUATION_NOTEBOOK, as_version=4), _evaluation_answers(n))
        pretest = fill_evaluation(nbformat.read(folder / PRETEST_NOTEBOOK, as_version=4), _pretest_answers(n))
        result = accept(course, Incoming(f"learner-{n}", "test", evaluation=nbformat.writes(evaluation).encode(),
                                         pretest=nbformat.writes(pretest).encode()))
        assert isinstance(result, Accepted), result


def test_a_french_evaluation_and_pre_test_are_collected_and_reported_as_english_ones(built, tmp_path):
    """The same answers in the French forms and in the English: the same records, the same report section and CSV."""
    from ssr_grader.reports import evaluation_section as section
    from ssr_grader.reports.cohort import _png, _write_csv

    course, _english, _french = built
    en_course, fr_course = copy_course(course, tmp_path / "en"), copy_course(course, tmp_path / "fr")
    _hand_in(en_course, en_course.released_notebook.parent, 6)  # the released English forms
    _hand_in(fr_course, FRENCH, 6)  # the committed French copies, as a French learner opens them

    en_records, fr_records = read_all(en_course), read_all(fr_course)
    assert fr_records == en_records and len(en_records) == 6
    assert fr_records["learner-2"].missing == ("Question 5 (confidence, LO3, now)",)  # English for the trainer
    assert fr_records["learner-0"].values["eval_improve"] == "Plus d’exemples, s’il vous plaît (0)"
    en_pre, fr_pre = read_pretests(en_course), read_pretests(fr_course)
    assert fr_pre == en_pre and len(en_pre) == 6
    assert {lo for r in en_pre.values() for lo, score in r.scores.items() if score} != set()
    ev = load_evaluation()
    assert summarise(ev, list(fr_records.values())) == summarise(ev, list(en_records.values()))
    pages = {}
    for lang, records in (("en", en_records), ("fr", fr_records)):
        (tmp_path / f"report-{lang}").mkdir()
        pages[lang] = section.evaluation_section(list(records.values()), tmp_path / f"report-{lang}", _png, _write_csv)
    assert pages["fr"] == pages["en"] and "Question 8 (what to improve)" in pages["en"]
    csvs = sorted(p.name for p in (tmp_path / "report-en").glob("*.csv"))
    assert csvs and csvs == sorted(p.name for p in (tmp_path / "report-fr").glob("*.csv"))
    for name in csvs:
        assert (tmp_path / "report-fr" / name).read_bytes() == (tmp_path / "report-en" / name).read_bytes(), name
