"""Content model and loader: valid content loads; bad content names file, exercise and field."""

from __future__ import annotations

import re
import textwrap

import pytest

from ssr_widgets.loader import load_exercise, load_section
from ssr_widgets.model import ChoiceExercise, ClassifyExercise, ContentError


def write(tmp_path, text, name="s.yml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


GOOD_CHOICE = """
    section: s
    exercises:
      q1:
        kind: choice
        title: T
        objective: LO1
        prompt: P
        options:
          - {id: a, text: A, correct: true, why: because}
          - {id: b, text: B, why: because not}
        sources: [{title: S}]
"""


def test_sample_loads_with_ids_from_keys(sample):
    assert list(sample.exercises) == ["pick-one", "pick-many", "sort"]
    one = sample.exercises["pick-one"]
    assert isinstance(one, ChoiceExercise) and one.id == "pick-one"
    assert one.correct_ids == {"a"}
    assert isinstance(sample.exercises["sort"], ClassifyExercise)


def test_reference_loads_one_exercise(tmp_path):
    write(tmp_path, GOOD_CHOICE)
    ex = load_exercise("s.yml#q1", content_dir=tmp_path)
    assert ex.title == "T"


def test_reference_with_an_absolute_path(tmp_path):
    """Drafts and tests name a file anywhere; the content folder is then not consulted."""
    path = write(tmp_path, GOOD_CHOICE, name="draft.yml")
    assert load_exercise(f"{path}#q1", content_dir=tmp_path / "elsewhere").title == "T"


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("s.yml", "a reference looks like"),
        ("s.yml#nope", "no exercise 'nope' (exercises in this file: q1)"),
        ("missing.yml#q1", "missing.yml: content file not found"),
    ],
)
def test_bad_references(tmp_path, ref, expected):
    write(tmp_path, GOOD_CHOICE)
    with pytest.raises(ContentError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        load_exercise(ref, content_dir=tmp_path)


def test_missing_field_names_file_exercise_and_field(tmp_path):
    path = write(tmp_path, GOOD_CHOICE.replace("          - {id: b, text: B, why: because not}",
                                                "          - {id: b, text: B}"))
    with pytest.raises(ContentError) as err:
        load_section(path)
    assert str(err.value) == "s.yml: exercise 'q1': field 'options[1].why': Field required"


def test_unknown_field_is_rejected(tmp_path):
    path = write(tmp_path, GOOD_CHOICE.replace("prompt: P", "prompt: P\n        promt: typo"))
    with pytest.raises(ContentError, match=r"s.yml: exercise 'q1': field 'promt': Extra inputs are not permitted"):
        load_section(path)


def test_single_answer_needs_exactly_one_correct(tmp_path):
    path = write(tmp_path, GOOD_CHOICE.replace("{id: b, text: B, why", "{id: b, text: B, correct: true, why"))
    with pytest.raises(ContentError, match=r"exercise 'q1'.*exactly one option with 'correct: true' \(found 2\)"):
        load_section(path)


def test_unknown_kind_is_named(tmp_path):
    path = write(tmp_path, GOOD_CHOICE.replace("kind: choice", "kind: quiz"))
    with pytest.raises(ContentError, match=r"exercise 'q1'.*'choice', 'classify'"):
        load_section(path)


def test_classify_item_with_unknown_category(tmp_path):
    path = write(
        tmp_path,
        """
        section: s
        exercises:
          sort:
            kind: classify
            title: T
            objective: LO2
            prompt: P
            categories: [{id: a, label: A}, {id: b, label: B}]
            items:
              - {id: x, text: X, category: a, why: w}
              - {id: y, text: Y, category: c, why: w}
            sources: [{title: S}]
        """,
    )
    with pytest.raises(ContentError, match=r"exercise 'sort'.*items\[1\] \('y'\) has category 'c'"):
        load_section(path)


def test_duplicate_option_ids(tmp_path):
    path = write(tmp_path, GOOD_CHOICE.replace("{id: b, text: B", "{id: a, text: B"))
    with pytest.raises(ContentError, match="duplicate id 'a' in options"):
        load_section(path)


def test_yaml_syntax_error_gives_line(tmp_path):
    path = write(tmp_path, "section: s\nexercises:\n  q1: [unclosed\n")
    with pytest.raises(ContentError, match=r"s.yml: YAML syntax error at line \d+"):
        load_section(path)


def test_top_level_not_a_mapping(tmp_path):
    path = write(tmp_path, "- just\n- a list\n")
    with pytest.raises(ContentError, match="expected a mapping"):
        load_section(path)


def test_bad_objective_and_source_url(tmp_path):
    path = write(tmp_path, GOOD_CHOICE.replace("LO1", "LO12").replace("{title: S}", "{title: S, url: 'not a url'}"))
    with pytest.raises(ContentError) as err:
        load_section(path)
    text = str(err.value)
    assert "field 'objective'" in text and "field 'sources[0].url'" in text


def test_edited_file_is_reloaded(tmp_path):
    path = write(tmp_path, GOOD_CHOICE)
    assert load_section(path).exercises["q1"].title == "T"
    import os
    import time

    path.write_text(path.read_text().replace("title: T", "title: Changed"), encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))
    assert load_section(path).exercises["q1"].title == "Changed"


COURSE = """
    title: C
    objectives: [{id: LO1, text: One.}, {id: LO2, text: Two.}]
    sections:
      - {id: welcome, title: Welcome, notebook: 00_welcome.ipynb, minutes: 10}
      - {id: s, title: Section 1, notebook: 01_one.ipynb, minutes: 30, objectives: [LO1, LO2], content: s.yml}
      - {id: practice, title: Practice quiz, notebook: quiz/practice_quiz.ipynb, minutes: 20,
         objectives: [LO1], content: p.yml, practice: true}
"""


def test_practice_quiz_in_the_course_order(tmp_path):
    """A notebook may sit one folder down; a practice quiz is validated like a section, against its objectives."""
    from ssr_widgets.loader import load_course
    from ssr_widgets.validate import validate_all

    write(tmp_path, COURSE, name="course.yml")
    write(tmp_path, GOOD_CHOICE)
    write(tmp_path, GOOD_CHOICE.replace("section: s", "section: practice").replace("q1:", "p01:"), name="p.yml")
    course = load_course(tmp_path)
    assert course.section("practice").practice and not course.section("s").practice
    assert validate_all(tmp_path) == []

    write(tmp_path, GOOD_CHOICE.replace("section: s", "section: practice").replace("q1:", "p01:")
          .replace("LO1", "LO2"), name="p.yml")
    assert validate_all(tmp_path) == [
        "p.yml: exercise 'p01': field 'objective': LO2 is not an objective of section 'practice' (LO1)"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("quiz/practice_quiz.ipynb", "a/quiz/practice_quiz.ipynb", "field 'sections[2].notebook'"),
        ("quiz/practice_quiz.ipynb", "../practice_quiz.ipynb", "field 'sections[2].notebook'"),
        ("content: p.yml, practice", "practice", "practice quiz ('practice: true') but names no 'content' file"),
    ],
)
def test_bad_practice_entry_in_the_course_order(tmp_path, old, new, expected):
    from ssr_widgets.loader import load_course

    write(tmp_path, COURSE.replace(old, new), name="course.yml")
    with pytest.raises(ContentError, match=re.escape(expected)):
        load_course(tmp_path)
