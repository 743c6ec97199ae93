"""Test-wiseness cues in an item bank: would a learner who knows nothing pick the key from its form alone?

Two strategies that score far above chance on badly written items (Haladyna, Downing & Rodriguez,
"A review of multiple-choice item-writing guidelines", 2002): always pick the *longest* option,
or the option that repeats the *most words of the stem*. An item cues its answer when its key is
the only option such a strategy picks. A bank is fit for certification when neither strategy,
played on any learner's paper, reaches the pass mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .bank import QuizItem

__all__ = ["CueReport", "cue_report", "longest_pick", "overlap_pick"]

_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)  # words of 4+ letters: "the", "of", "and" say nothing
_STOP = {"which", "what", "that", "this", "these", "those", "with", "from", "their", "there", "about", "into",
         "most", "more", "does", "they", "them", "have", "when", "where", "would", "should", "could", "best"}


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} - _STOP


def longest_pick(item: QuizItem) -> set[str]:
    """The option(s) a "pick the longest" learner chooses (several when they tie)."""
    lengths = {o.id: len(o.text) for o in item.options}
    top = max(lengths.values())
    return {i for i, n in lengths.items() if n == top}


def overlap_pick(item: QuizItem) -> set[str]:
    """The option(s) sharing the most words with the stem."""
    stem = _words(item.stem)
    shared = {o.id: len(stem & _words(o.text)) for o in item.options}
    top = max(shared.values())
    return {i for i, n in shared.items() if n == top}


def expected_points(item: QuizItem, picks: set[str]) -> float:
    """What the strategy earns on this item on average (ties broken at random); single-answer items only."""
    return (item.key in picks) / len(picks) if not item.multiple else 0.0


@dataclass(frozen=True)
class CueReport:
    items: int
    longest_cues: tuple[str, ...]  # items whose key is the one longest option
    overlap_cues: tuple[str, ...]  # items whose key is the one option with the most stem words
    longest_expected: float  # expected share of single-answer items a "longest" learner gets right
    overlap_expected: float

    def lines(self) -> list[str]:
        return [f"{self.items} single-answer items",
                f"key is the longest option: {len(self.longest_cues)} ({', '.join(self.longest_cues) or '-'}); "
                f"a 'longest' learner gets {self.longest_expected:.0%} right",
                f"key repeats the most stem words: {len(self.overlap_cues)} ({', '.join(self.overlap_cues) or '-'}); "
                f"an 'overlap' learner gets {self.overlap_expected:.0%} right"]


def cue_report(items: list[QuizItem] | tuple[QuizItem, ...]) -> CueReport:
    single = [it for it in items if not it.multiple]
    longest = [it.id for it in single if longest_pick(it) == {it.key}]
    overlap = [it.id for it in single if overlap_pick(it) == {it.key}]
    n = len(single) or 1
    return CueReport(len(single), tuple(longest), tuple(overlap),
                     sum(expected_points(it, longest_pick(it)) for it in single) / n,
                     sum(expected_points(it, overlap_pick(it)) for it in single) / n)


if __name__ == "__main__":  # python -m ssr_grader.quiz.cues BANK.yml
    import sys
    from pathlib import Path

    from .bank import load_bank

    for path in sys.argv[1:]:
        report = cue_report(load_bank(Path(path)).items)
        print(f"{path}:")
        for line in report.lines():
            print(f"  {line}")
