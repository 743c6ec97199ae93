"""The sample item bank's French (grader/item_bank.fr.yml): complete, current, keys once, fair as the English.

The French end-of-course quiz is built from these texts; what makes an option right stays in item_bank.yml alone.
"""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from ssr_grader.quiz.bank import load_bank
from ssr_grader.quiz.bank_translation import (
    check_translation,
    english_digest,
    load_translation,
    stamp,
    translated_item,
    translation_path,
)
from ssr_grader.quiz.cues import cue_report, longest_pick, overlap_pick
from ssr_widgets.model import ContentError
from ssr_widgets.translation.typography import french_spacing

from .conftest import ROOT
from .test_translation import english_sentences

BANK = ROOT / "grader" / "item_bank.yml"
FRENCH = translation_path(BANK, "fr")


@pytest.fixture(scope="module")
def sample():
    return load_bank(BANK)


@pytest.fixture(scope="module")
def french(sample):
    return [translated_item(it, load_translation(FRENCH)) for it in sample.items]


def test_the_sample_banks_french_is_complete_and_current(sample):
    assert FRENCH.name == "item_bank.fr.yml"
    assert check_translation(sample, load_translation(FRENCH)) == []


def test_the_keys_exist_once_in_the_english_bank(sample, french):
    text = FRENCH.read_text(encoding="utf-8")
    assert not re.search(r"\bcorrect\b\s*:", text), "which option is right is said in item_bank.yml only"
    for en, fr in zip(sample.items, french, strict=True):
        assert (fr.id, fr.objective, fr.multiple, fr.key, fr.sources) == (en.id, en.objective, en.multiple, en.key,
                                                                          en.sources)
        assert [o.id for o in fr.options] == [o.id for o in en.options]
        assert fr.stem != en.stem and all(f.text != e.text for f, e in zip(fr.options, en.options, strict=True))


def test_the_french_rationales_say_right_and_wrong_as_the_english_does(sample, french):
    """Where the English rationale opens with its verdict ("Right." / "Wrong." / "Not right."), the French opens
    with the same one, and never with the other."""
    for en, fr in zip(sample.items, french, strict=True):
        for e, f in zip(en.options, fr.options, strict=True):
            if e.why.startswith("Right"):
                assert f.why.startswith("Juste"), (en.id, e.id, f.why[:40])
            elif e.why.startswith(("Wrong", "Not right")):
                assert f.why.startswith("Faux"), (en.id, e.id, f.why[:40])
            assert not f.why.startswith("Faux" if e.correct else "Juste"), (en.id, e.id, f.why[:40])


def test_the_french_is_as_fair_as_the_english(french):
    """The item-writing rules of tests/test_item_banks.py, on the French: no key given away by length or by the
    stem's words, options of similar length."""
    report = cue_report(french)
    assert report.longest_expected < 0.30 and report.overlap_expected < 0.30, report.lines()
    for objective in {it.objective for it in french}:
        pool = [it for it in french if it.objective == objective and not it.multiple]
        assert sum(longest_pick(it) == {it.key} for it in pool) <= 1, objective
        assert sum(overlap_pick(it) == {it.key} for it in pool) <= 1, objective
    for item in french:
        lengths = [len(o.text) for o in item.options]
        assert min(lengths) >= 0.5 * max(lengths), (item.id, lengths)


def test_no_english_sentence_in_the_french_bank(french):
    found = [(it.id, s) for it in french for text in (it.stem, *[t for o in it.options for t in (o.text, o.why)])
             for s in english_sentences(text)]
    assert found == []


def test_the_french_bank_keeps_marks_and_guillemets_with_their_words(french):
    """French spacing (ssr_widgets/translation/typography.py) in every stem, option and rationale."""
    found = [(it.id, text) for it in french for text in (it.stem, *[t for o in it.options for t in (o.text, o.why)])
             if french_spacing(text) != text]
    assert found == []


def test_a_changed_english_item_is_named_stale_until_the_french_is_reviewed(tmp_path, sample):
    bank_path, fr_path = tmp_path / "item_bank.yml", tmp_path / "item_bank.fr.yml"
    shutil.copy(BANK, bank_path)
    shutil.copy(FRENCH, fr_path)
    first = sample.items[0]
    bank_path.write_text(bank_path.read_text(encoding="utf-8").replace(first.stem, first.stem + " (Revised.)", 1),
                         encoding="utf-8")
    changed = load_bank(bank_path)
    assert english_digest(changed.item(first.id)) != english_digest(first)
    problems = check_translation(changed, load_translation(fr_path))
    assert len(problems) == 1 and problems[0].startswith(f"{first.id}: stale"), problems
    # after the translator's review, --stamp records the new English: current again
    data = stamp(changed, yaml.safe_load(fr_path.read_text(encoding="utf-8")))
    fr_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert check_translation(changed, load_translation(fr_path)) == []


def test_missing_unknown_and_mislettered_items_are_each_named(tmp_path, sample):
    data = yaml.safe_load(FRENCH.read_text(encoding="utf-8"))
    first, second = sample.items[0].id, sample.items[1].id
    data["items"]["q999"] = data["items"].pop(first)
    del data["items"][second]["options"]["D"]
    path = tmp_path / "item_bank.fr.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = check_translation(sample, load_translation(path))
    assert f"{first}: not translated" in problems
    assert "q999: not in the bank" in problems
    assert any(p.startswith(f"{second}: options A, B, C but the bank has A, B, C, D") for p in problems), problems


def test_a_bad_translation_file_is_a_clear_error_naming_the_file(tmp_path):
    path = tmp_path / "item_bank.fr.yml"
    path.write_text("language: fr\nitems:\n  q111:\n    stem: ''\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"item_bank\.fr\.yml: items\.q111"):
        load_translation(path)
