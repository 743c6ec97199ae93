"""Plain English for readers whose first language is not English (issue 12): in every part of the course, no
learner-facing sentence is longer than 30 words, and the Flesch reading ease, measured with textstat, is at least 55.

Run ``python -m ssr_widgets.readability`` to see each part's figures and its longest sentences.
"""

from __future__ import annotations

import pytest
import textstat

from ssr_widgets.loader import load_course, load_section
from ssr_widgets.readability import (
    MAX_WORDS,
    MIN_FLESCH,
    flesch,
    long_sentences,
    markdown_blocks,
    measure,
    parts,
    sentences,
    yaml_texts,
)

PARTS = parts()


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.id)
def test_no_sentence_is_longer_than_30_words(part):
    too_long = long_sentences(part.blocks, MAX_WORDS)
    assert too_long == [], f"{part.title}: split these sentences:\n" + "\n".join(f"  {n} words: {s}" for n, s in too_long)


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.id)
def test_flesch_reading_ease_is_at_least_55(part):
    score = flesch(part.text)
    assert score >= MIN_FLESCH, (f"{part.title}: Flesch reading ease {score:.1f} < {MIN_FLESCH}; shorter sentences "
                                 "and common words help (python -m ssr_widgets.readability lists the longest)")


def test_every_part_a_learner_reads_is_measured():
    course = load_course()
    ids = [p.id for p in PARTS]
    assert ids == [s.id for s in course.sections if s.available] + ["briefing", "glossary"]
    for p in PARTS:
        assert len(p.blocks) >= 20, f"{p.id}: too little prose found; is the extraction broken?"


def test_a_section_is_its_notebook_and_its_exercise_texts_together():
    concept = next(p for p in PARTS if p.id == "concept")
    text = concept.text
    assert "What is security?" in text  # a notebook heading
    sort = load_section("01_concept.yml").exercises["security-sector-sort"]
    assert sort.items[0].why.split(".")[0] in text  # an exercise's feedback
    assert "peacekeeping.un.org" not in text and "01_concept.yml" not in text  # no URLs, no ids or references
    assert "Course navigation" not in text and "UN Peacekeeping — Security sector reform:" not in text


# ---------------------------------------------------------------------------------- how prose is collected
def test_markdown_is_reduced_to_what_a_reader_reads():
    md = ("## A heading\n\nSee the [UN page](https://peacekeeping.un.org/en/x) and <https://undocs.org/A/62/659>.\n"
          "A second line of the **same** paragraph.\n\n"
          "- an item\n  that goes on\n- another item\n\n"
          "| Who | What |\n|---|---|\n| DCAF | A centre in Geneva. |\n\n"
          "> A quote with `code` in it.")
    assert markdown_blocks(md) == [
        "A heading",
        "See the UN page and . A second line of the same paragraph.",
        "an item that goes on",
        "another item",
        "Who", "What", "DCAF", "A centre in Geneva.",
        "A quote with in it.",
    ]


def test_sentences_end_at_full_stops_but_not_after_abbreviations():
    assert sentences("Donors, e.g. the EU, help. The UN (para. 14) leads! Does it? Yes.") == [
        "Donors, e.g. the EU, help.", "The UN (para. 14) leads!", "Does it?", "Yes."]
    assert sentences("Resolution 2151 (2014) came first. 2553 followed.") == [
        "Resolution 2151 (2014) came first.", "2553 followed."]


def test_content_texts_skip_ids_keys_and_cited_titles():
    data = {"id": "x", "kind": "choice", "prompt": "Which one?", "objective": "LO1",
            "options": [{"id": "a", "text": "This one.", "correct": True, "why": "Right. Because."}],
            "model_answer": {"part": "- First point.\n- Second point."},
            "sources": [{"title": "UN Peacekeeping — Security sector reform", "url": "https://peacekeeping.un.org/"}]}
    assert list(yaml_texts(data)) == ["Which one?", "This one.", "Right. Because.", "First point.", "Second point."]


def test_the_measure_is_textstats_flesch_reading_ease():
    text = "The cat sat on the mat. It was a warm day, and the sun was out over the town."
    assert flesch(text) == pytest.approx(textstat.flesch_reading_ease(text))
    m = measure(PARTS[0])
    assert set(m) == {"part", "flesch", "sentences", "words_per_sentence", "too_long"}
