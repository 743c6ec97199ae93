"""The item banks follow the item-writing rules a test-wise learner would otherwise exploit.

The sample certification bank (public, for tests and as a model) and the learners' practice quiz:
enough items per objective to draw from, no key cued by its length or by words of the stem, no
"all/none of the above", similar option lengths, a rationale for every option, a primary source
for every item, and keys spread over the letters.
"""

from __future__ import annotations

import re
from collections import Counter
from types import SimpleNamespace

import pytest

from ssr_grader.quiz.bank import load_bank
from ssr_grader.quiz.cues import cue_report, longest_pick, overlap_pick
from ssr_widgets.loader import load_course, load_section

from .conftest import ROOT

SAMPLE = ROOT / "grader" / "item_bank.yml"  # the public sample certification bank
PRIMARY = re.compile(r"(A/\d+/\d+|S/RES/\d+|S/PRST/\d+|S/\d{4}/\d+|resolution \d+|OECD|African Union|\bAU\b|DCAF|"
                     r"Integrated Technical Guidance|IDDRS|United Nations|UN |UNDP|Paris Principles|World Bank|"
                     r"Human Rights Due Diligence|OHCHR|Secretary-General|Security Council)", re.I)
NOT_PRIMARY = re.compile(r"wikipedia|docslib|agenparl|modeldiplomat|womennet|scribd|studocu", re.I)


@pytest.fixture(scope="module")
def sample():
    return load_bank(SAMPLE)


def test_sample_bank_is_marked_as_a_sample_and_has_pools_to_draw_from(sample):
    assert sample.kind == "sample"
    per_lo = Counter(it.objective for it in sample.items)
    assert set(per_lo) == {f"LO{n}" for n in range(1, 10)} and min(per_lo.values()) >= 6, per_lo


def test_no_key_is_cued_by_length_or_by_the_stem(sample):
    report = cue_report(sample.items)
    assert report.longest_expected < 0.30 and report.overlap_expected < 0.30, report.lines()
    for objective in {it.objective for it in sample.items}:
        pool = [it for it in sample.items if it.objective == objective and not it.multiple]
        assert sum(longest_pick(it) == {it.key} for it in pool) <= 1, objective
        assert sum(overlap_pick(it) == {it.key} for it in pool) <= 1, objective


def test_options_are_parallel_and_every_one_is_explained(sample):
    for item in sample.items:
        lengths = [len(o.text) for o in item.options]
        assert min(lengths) >= 0.6 * max(lengths), (item.id, lengths)
        for o in item.options:
            assert not re.search(r"\b(all|none) of the (above|options)\b", o.text, re.I), item.id
            assert len(o.why) >= 30, (item.id, o.id)
        if not item.multiple:
            assert len(item.options) == 4, item.id


def test_keys_are_spread_over_the_letters(sample):
    keys = Counter(it.key for it in sample.items if not it.multiple)
    assert all(keys[letter] >= len([i for i in sample.items if not i.multiple]) // 6 for letter in "ABCD"), keys


def test_every_item_cites_a_primary_source(sample):
    for item in sample.items:
        text = " ".join(f"{s.title} {s.url or ''}" for s in item.sources)
        assert PRIMARY.search(text) and not NOT_PRIMARY.search(text), (item.id, text)


def test_practice_quiz_follows_the_same_rules():
    """The practice quiz, loaded as the course loads it (course.yml, the content loader), keeps the sample bank's
    rules: pools on every objective, no key cued by its length or the stem, parallel and explained options, keys
    spread over the letters, primary sources."""
    (practice,) = [s for s in load_course().sections if s.practice]
    section = load_section(practice.content)
    exercises = list(section.exercises.values())
    assert all(e.kind == "choice" for e in exercises)
    per_lo = Counter(e.objective for e in exercises)
    assert len(exercises) >= 27 and set(per_lo) == {f"LO{n}" for n in range(1, 10)}, per_lo
    assert min(per_lo.values()) >= 3 and set(per_lo) == set(practice.objectives), per_lo
    # the cue strategies of ssr_grader.quiz.cues, played on the practice questions (prompt as stem, the key's id)
    items = [SimpleNamespace(id=e.id, objective=e.objective, stem=e.prompt, options=e.options, multiple=e.multiple,
                             key=min(e.correct_ids)) for e in exercises]
    single = [it for it in items if not it.multiple]
    longest = [e.id for e in exercises if not e.multiple and
               {o.id for o in e.options if len(o.text) == max(len(x.text) for x in e.options)} == e.correct_ids]
    assert len(longest) <= len(single) // 5, longest
    report = cue_report(items)
    assert report.longest_expected < 0.30 and report.overlap_expected < 0.30, report.lines()
    for objective in per_lo:
        pool = [it for it in single if it.objective == objective]
        assert sum(longest_pick(it) == {it.key} for it in pool) <= 1, objective
        assert sum(overlap_pick(it) == {it.key} for it in pool) <= 1, objective
    for e in exercises:
        lengths = [len(o.text) for o in e.options]
        assert min(lengths) >= 0.6 * max(lengths), (e.id, lengths)
        for o in e.options:
            assert not re.search(r"\b(all|none) of the (above|options)\b", o.text, re.I), e.id
            assert len(o.why) >= 30, (e.id, o.id)
            assert o.why.startswith("Right.") == o.correct, (e.id, o.id)  # the file's own rule
        if e.multiple:
            assert 1 < len(e.correct_ids) < len(e.options), e.id
        else:
            assert len(e.options) == 4, e.id
        text = " ".join(f"{s.title} {s.url or ''}" for s in e.sources)
        assert PRIMARY.search(text) and not NOT_PRIMARY.search(text), (e.id, text)
    keys = Counter(it.key for it in single)
    assert all(keys[letter] >= len(single) // 6 for letter in "abcd"), keys


def test_practice_and_certification_banks_share_no_question(sample):
    """A practice question or a section exercise (public, answers shown) must not be a certification item."""
    from ssr_widgets.loader import content_files

    exercises = [ex for path in content_files() if path.name != "practice_quiz.yml"
                 for ex in load_section(path).exercises.values() if ex.kind == "choice"]
    exercises += list(load_section(ROOT / "ssr_widgets" / "content" / "practice_quiz.yml").exercises.values())

    def words(text: str) -> set[str]:
        return set(re.findall(r"[a-z]{5,}", text.lower()))

    def overlap(a: str, b: str) -> float:
        x, y = words(a), words(b)
        return len(x & y) / max(1, min(len(x), len(y)))

    for item in sample.items:
        key = " ".join(o.text for o in item.options if o.correct)
        for ex in exercises:
            ex_key = " ".join(o.text for o in ex.options if o.id in ex.correct_ids)
            assert not (overlap(item.stem, ex.prompt) >= 0.6 and overlap(key, ex_key) >= 0.5), (item.id, ex.id)


def test_no_project_file_names_a_path_of_the_authors_machine():
    """The project stands on its own: no tracked file points into a workspace outside it."""
    import subprocess

    machine = re.compile("(?<![\\w.])/" + "work/|\\.\\./" + "shared/")  # split: this file must not match itself
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    hits = []
    for name in filter(None, tracked.decode().split("\0")):
        path = ROOT / name
        if path.suffix in (".png", ".svg", ".zip", ".pdf", ".ttf", ".woff2") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        hits += [f"{name}: {m.group(0)}" for m in machine.finditer(text)]
    assert not hits, hits
