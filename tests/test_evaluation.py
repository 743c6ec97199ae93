"""The course evaluation: its form, reading answers from the file, and the trainer's view of it."""

from __future__ import annotations

import shutil

import nbformat
import pytest

from ssr_grader.quiz.evaluation import build_evaluation_notebook
from ssr_grader.reports.evaluation_section import summarise
from ssr_grader.reports.evaluations import read_all, read_evaluation
from ssr_widgets.evaluation import PREFIX, load_evaluation, missing, read_answers, validate_answers
from ssr_widgets.loader import CONTENT_DIR
from ssr_widgets.model import ContentError

from .quiz_helpers import complete_evaluation, copy_course, make_course, submit_evaluation


@pytest.fixture(scope="module")
def built_course(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("course"))


@pytest.fixture
def course(built_course, tmp_path):
    """Each test its own copy: the learners one test hands in are not in another's course."""
    return copy_course(built_course, tmp_path / "course")


def test_form_asks_what_the_issue_lists_with_confidence_per_objective():
    ev = load_evaluation()
    items = {f.item for f in ev.fields}
    assert {"relevance", "content", "exercises", "pace", "confidence", "recommend"} <= items
    assert any(f.kind == "text" for f in ev.fields)
    # before and now for every learning objective of course.yml
    assert sorted((f.objective, f.when) for f in ev.fields if f.objective) == sorted(
        (lo, w) for lo in ev.objectives for w in ("before", "now"))
    assert len(ev.objectives) == 9
    assert all(f.var.startswith(PREFIX) and f.var.isidentifier() for f in ev.fields)


def test_answers_are_parsed_never_run():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('eval_pace = "3"'),
        nbformat.v4.new_code_cell('eval_pace = "5"'),  # a later copy does not override the first
        nbformat.v4.new_code_cell("eval_relevance = __import__('os').system('touch /tmp/pwned')"),
        nbformat.v4.new_code_cell('eval_content = "4'),  # a syntax error: skipped, nothing else lost
        nbformat.v4.new_code_cell('x = 1\neval_improve = "Più esempi, s\'il vous plaît\\nline 2"  # typed'),
        nbformat.v4.new_markdown_cell('eval_exercises = "5"'),
    ])
    assert read_answers(nb) == {"eval_pace": "3", "eval_improve": "Più esempi, s'il vous plaît\nline 2"}
    assert read_answers({"cells": "not a list"}) == {} and read_answers([]) == {}


def test_validation_keeps_good_answers_and_names_bad_ones():
    ev = load_evaluation()
    values, problems = validate_answers(ev, {"eval_pace": "3", "eval_relevance": "7", "eval_recommend": "y",
                                             "eval_improve": "  ", "eval_other": "Good."})
    assert values == {"eval_pace": "3", "eval_recommend": "Y", "eval_other": "Good."}
    assert problems == ["Question 1 (usefulness): '7' is not one of 1, 2, 3, 4, 5"]
    labels = [f.label for f in missing(ev, values)]
    assert "Question 1 (usefulness)" in labels and "Question 4 (pace)" not in labels
    assert not any("improve" in label for label in labels)  # comments are optional
    assert len(labels) == sum(f.required for f in ev.fields) - 2


def test_a_broken_form_is_reported_by_file_item_and_field(tmp_path):
    for name in ("course.yml", "evaluation.yml"):
        shutil.copy(CONTENT_DIR / name, tmp_path / name)
    text = (tmp_path / "evaluation.yml").read_text().replace(
        "options: [Much too slow, A little too slow, About right, A little too fast, Much too fast]",
        "options: [Slow, Fast]")
    (tmp_path / "evaluation.yml").write_text(text)
    with pytest.raises(ContentError) as err:
        load_evaluation(tmp_path)
    assert "evaluation.yml" in str(err.value) and "'pace'" in str(err.value) and "3 to 9" in str(err.value)


def test_notebook_has_a_call_and_an_answer_cell_for_every_field():
    ev = load_evaluation()
    nb = build_evaluation_notebook(ev)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    for f in ev.fields:
        assert f'{f.var} = ""' in sources, f.var
        assert f'ask("{f.group}")' in sources
    assert "show_status()" in sources
    assert read_answers(nb) == {f.var: "" for f in ev.fields}
    fixed = [c for c in nb.cells if c.source.startswith(("ask(", "#", "from "))]
    assert all(c.metadata.get("editable") is False and c.metadata.get("deletable") is False for c in fixed)


def test_trainer_reads_complete_incomplete_missing_and_damaged(course):
    answers = complete_evaluation(1)
    submit_evaluation(course, "amina", answers)
    partial = {k: v for k, v in answers.items() if not k.startswith("eval_confidence_now")}
    submit_evaluation(course, "bo", partial)
    (course.root / "submitted" / "chen" / course.quiz.assignment).mkdir(parents=True)
    broken = submit_evaluation(course, "dora", answers)
    broken.write_text('{"cells": [')

    amina = read_evaluation(course, "amina")
    assert amina.complete and amina.values["eval_pace"] == answers["eval_pace"] and amina.summary() == \
        "evaluation complete"
    bo = read_evaluation(course, "bo")
    assert not bo.complete and len(bo.missing) == 9 and "Question 5 (confidence, LO1, now)" in bo.missing
    assert bo.summary().startswith("evaluation incomplete: 9 required answers missing or not valid "
                                   "(Question 5 (confidence, LO1, now); Question 5 (confidence, LO2, now)")
    assert bo.summary().endswith("; and 4 more)")
    chen = read_evaluation(course, "chen")
    assert not chen.submitted and chen.summary() == "evaluation not submitted"
    dora = read_evaluation(course, "dora")
    assert not dora.complete and "damaged" in dora.summary()
    assert set(read_all(course)) == {"amina", "bo", "dora"}


def test_summary_counts_confidence_and_anonymous_sorted_comments(course):
    ev = load_evaluation()
    a, b = complete_evaluation(0), complete_evaluation(2)
    a["eval_improve"], b["eval_improve"] = "Zebra crossing examples", "Add a map"
    a["eval_confidence_before_lo1"], a["eval_confidence_now_lo1"] = "1", "4"
    b["eval_confidence_before_lo1"], b["eval_confidence_now_lo1"] = "2", "5"
    submit_evaluation(course, "x1", a)
    submit_evaluation(course, "x2", b)
    s = summarise(ev, [read_evaluation(course, "x1"), read_evaluation(course, "x2")])
    assert s.responses == 2 and s.complete == 2
    assert s.counts["eval_pace"][a["eval_pace"]] + s.counts["eval_pace"].get(b["eval_pace"], 0) >= 1
    assert sum(s.counts["eval_pace"].values()) == 2
    lo1 = next(row for row in s.confidence if row[0] == "LO1")
    assert lo1 == ("LO1", 1.5, 4.5, 2)
    assert s.comments["Question 8 (what to improve)"] == ["Add a map", "Zebra crossing examples"]


def test_an_answer_outside_the_scale_is_named_for_the_trainer(course):
    answers = complete_evaluation(4)
    answers["eval_recommend"] = "Yes"  # typed: not the letter Y
    submit_evaluation(course, "typist", answers)
    record = read_evaluation(course, "typist")
    assert not record.complete
    assert record.summary() == ("evaluation incomplete: 1 required answer missing or not valid "
                                "(Question 6 (recommend): 'Yes' is not one of Y, M, N)")


def test_report_section_without_a_confidence_question(course, tmp_path):
    """A form without the before/now question (the schema allows it) still gives a report section."""
    import matplotlib

    matplotlib.use("Agg")
    from ssr_grader.reports import evaluation_section as evalreport
    from ssr_grader.reports.cohort import _png, _write_csv

    form_dir = tmp_path / "content"
    form_dir.mkdir()
    shutil.copy(CONTENT_DIR / "course.yml", form_dir / "course.yml")
    text = (CONTENT_DIR / "evaluation.yml").read_text(encoding="utf-8")
    start = text.index("  - id: confidence")
    (form_dir / "evaluation.yml").write_text(text[:start] + text[text.index("  - id: recommend"):], encoding="utf-8")
    ev = load_evaluation(form_dir)
    assert not any(f.objective for f in ev.fields)
    submit_evaluation(course, "amina", complete_evaluation(1))  # answers to the confidence question too
    records = [read_evaluation(course, "amina", ev)]
    original = evalreport.load_evaluation
    evalreport.load_evaluation = lambda: ev
    try:
        page = evalreport.evaluation_section(records, tmp_path, _png, _write_csv)
    finally:
        evalreport.load_evaluation = original
    assert "Course evaluation" in page


def test_profile_questions_are_optional_choices_last_and_explained():
    ev = load_evaluation()
    profile = ev.profile_fields
    assert [f.item for f in profile] == ["category", "gender", "prior_training"]
    assert all(f.kind == "choice" and not f.required for f in profile)
    assert dict(ev.field("eval_category").choices) == {"M": "Military", "P": "Police", "C": "Civilian", "O": "Other"}
    assert set(ev.field("eval_gender").options) == {"Woman", "Man", "I prefer not to say"}
    assert list(ev.fields[-len(profile):]) == list(profile)  # last, after every opinion question
    assert "optional" in ev.form.profile_intro and "groups of 5" in ev.form.profile_intro
    # not among what a certificate needs, and not counted like opinions in the report
    assert not any(f.profile for f in missing(ev, {}))
    nb = build_evaluation_notebook(ev)
    sources = [c.source for c in nb.cells]
    intro = next(i for i, src in enumerate(sources) if src.startswith("## About you (optional)"))
    assert sources[intro + 1].startswith(f"## Question {profile[0].number} (optional)")
    assert sum(src.startswith("## About you") for src in sources) == 1


def _gender_free_text(form):
    gender = next(i for i in form["items"] if i["id"] == "gender")
    gender["kind"] = "text"  # free text could name a person
    del gender["options"]


def _category_required(form):
    next(i for i in form["items"] if i["id"] == "category")["required"] = True


def _no_intro(form):
    del form["profile_intro"]


def _split(form):
    items = form["items"]
    other = items.pop(next(n for n, i in enumerate(items) if i["id"] == "other"))
    items.insert(len(items) - 1, other)  # between two profile questions


@pytest.mark.parametrize(("change", "message"), [
    (_gender_free_text, "item 'gender': a profile question must be a choice (kind: choice) and optional"),
    (_category_required, "item 'category': a profile question must be a choice (kind: choice) and optional"),
    (_no_intro, "it needs 'profile_intro'"),
    (_split, "must come one after the other"),
])
def test_a_profile_question_must_stay_optional_and_explained(tmp_path, change, message):
    import re

    import yaml

    shutil.copy(CONTENT_DIR / "course.yml", tmp_path / "course.yml")
    form = yaml.safe_load((CONTENT_DIR / "evaluation.yml").read_text(encoding="utf-8"))
    change(form)
    (tmp_path / "evaluation.yml").write_text(yaml.safe_dump(form, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=re.escape(message)):
        load_evaluation(tmp_path)


def test_lms_file_names_find_the_quiz_and_the_evaluation():
    from ssr_grader.intake.lms import parse_member, split_copy

    for name, expected in [("Amina Diallo_212095_assignsubmission_file/course_evaluation.ipynb",
                            ("212095", "course_evaluation.ipynb")),
                           ("diallaamina_LATE_4521_98_end_of_course_quiz-2.ipynb", ("4521", "end_of_course_quiz.ipynb")),
                           ("Quiz_1_adiallo_attempt_2026-11-23-10-00-00_end_of_course_quiz (1).ipynb",
                            ("Quiz_1_adiallo", "end_of_course_quiz.ipynb"))]:
        upload = parse_member(name)
        assert (upload.key, split_copy(upload.filename)[0]) == expected, name
    assert parse_member("amina_notes.ipynb") is None
