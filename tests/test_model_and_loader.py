"""Content model and loader: valid content loads; bad content names file, exercise and field."""

from __future__ import annotations

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
