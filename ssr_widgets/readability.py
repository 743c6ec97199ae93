"""The learner-facing English prose of each part of the course, and how easy it is to read.

Most learners of this course read English as a second or third language. So every part of the course (each section
notebook with its exercise file, the welcome page, the practice quiz, the Solenna briefing and the glossary) is
held to two plain-language limits, checked by tests/test_readability.py:

- no sentence longer than :data:`MAX_WORDS` words;
- a Flesch reading ease of at least :data:`MIN_FLESCH` for the part as a whole.

This module only *collects* the prose: from a notebook's Markdown (links reduced to their text, URLs, code, HTML and
the navigation and source-list cells left out; each paragraph, list item, table cell and heading a block of its own)
and from a content file (every text an exercise shows: prompts, options, feedback, scenario text; never ids, keys
or source titles). The measuring is done by `textstat <https://pypi.org/project/textstat/>`_, a maintained library,
which is imported only when a figure is asked for (it is a test and authoring tool, not a learner dependency).

Run ``python -m ssr_widgets.readability`` for the figures of every part and its longest sentences.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "MAX_WORDS",
    "MIN_FLESCH",
    "Part",
    "flesch",
    "long_sentences",
    "markdown_blocks",
    "measure",
    "parts",
    "sentences",
    "yaml_texts",
]

#: No learner-facing sentence may be longer than this (issue 12: plain English for second-language readers).
MAX_WORDS = 30
#: Flesch reading ease of each part as a whole: 60-70 is "plain English"; 50-60 "fairly difficult".
MIN_FLESCH = 55.0

#: Notebook cells that are not prose to read: generated navigation, and the list of sources at the end. The glossary's
#: generated list is measured from its data instead (terms and definitions; not its source titles or French forms).
SKIP_TAGS = {"nav", "glossary"}
SKIP_HEADINGS = ("## Sources",)
#: Keys of content data whose values are not prose: ids, keys, references, and titles of cited documents.
NOT_PROSE = {
    "id", "kind", "objective", "sources", "category", "answer", "next", "start", "actor", "level", "role", "source",
    "target", "from", "to", "scores", "taxonomy", "multiple", "reuse", "correct", "end", "url", "section", "bank",
    "item", "asks", "options_kind", "fr",
}
#: Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "para.", "paras.", "vol.", "res.", "cf.", "pp.", "p.", "No.", "Mr.", "Ms.",
                  "Dr.", "St.", "art.")
_HOLD = "\u2024"  # ONE DOT LEADER stands in for an abbreviation's full stop while sentences are split


@dataclass(frozen=True)
class Part:
    """One part of the course as a learner reads it: a name and its blocks of prose."""

    id: str
    title: str
    blocks: tuple[str, ...]

    @property
    def text(self) -> str:
        """All blocks as one text, each ending like a sentence, as a readability formula wants it."""
        return " ".join(b if b[-1] in ".!?:;" else b + "." for b in self.blocks if b)


# ----------------------------------------------------------------------------------------------- Markdown
_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_AUTOLINK = re.compile(r"<https?://[^>]+>")
_URL = re.compile(r"https?://\S+")
_TAG = re.compile(r"<[^>]+>")
_CODE = re.compile(r"`[^`]*`")
_EMPHASIS = re.compile(r"(\*\*|__|\*|(?<!\w)_(?=\w)|(?<=\w)_(?!\w))")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def _inline(text: str) -> str:
    """Markdown inline markup reduced to the words a reader reads."""
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = _AUTOLINK.sub(" ", text)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _URL.sub(" ", text)
    text = _CODE.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _EMPHASIS.sub("", text)
    text = text.replace("&nbsp;", " ").replace("&amp;", "&").replace("\\", "")
    text = re.sub(r"\(\s*[;,]?\s*\)", " ", text)  # brackets left empty once their links are gone
    return " ".join(text.split())


def markdown_blocks(markdown: str) -> list[str]:
    """The blocks of prose of one Markdown cell: paragraphs, list items, table cells and headings, each alone."""
    blocks: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(_inline(" ".join(paragraph)))
            paragraph.clear()

    for raw in markdown.splitlines():
        line = re.sub(r"^\s*(>\s?)+", "", raw).rstrip()
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("#"):
            flush()
            blocks.append(_inline(stripped.lstrip("#")))
        elif stripped.startswith("|"):
            flush()
            if not _TABLE_RULE.match(stripped):
                blocks.extend(_inline(cell) for cell in re.split(r"(?<!\\)\|", stripped.strip("|")))
        elif _LIST_ITEM.match(line):
            flush()
            paragraph.append(_LIST_ITEM.sub("", line))
        else:
            paragraph.append(stripped)
    flush()
    return [b for b in blocks if re.search(r"[A-Za-z]", b)]


def notebook_blocks(path: Path) -> list[str]:
    """The prose of a notebook's Markdown cells, without its navigation and its list of sources."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    blocks: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "markdown" or SKIP_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.source.lstrip().startswith(SKIP_HEADINGS):
            continue
        blocks.extend(markdown_blocks(cell.source))
    return blocks


# -------------------------------------------------------------------------------------------- content data
def yaml_texts(data: Any) -> Iterator[str]:
    """Every text in a content file's data that a learner reads (prompts, options, feedback, descriptions).

    The walk is generic, so a new exercise kind's texts are read too; ids, keys and cited titles are skipped.
    """
    if isinstance(data, str):
        if re.search(r"[A-Za-z]", data) and not _URL.fullmatch(data.strip()):
            yield from markdown_blocks(data)  # a text with lines of "- " items is a list: each item reads alone
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in NOT_PROSE:
                yield from yaml_texts(value)
    elif isinstance(data, (list, tuple)):
        for value in data:
            yield from yaml_texts(value)


def _content_blocks(file: str, content_dir: Path | None = None) -> list[str]:
    from .loader import CONTENT_DIR, _read_yaml

    data = _read_yaml((content_dir or CONTENT_DIR) / file)
    if isinstance(data, dict) and "exercises" in data:
        data = data["exercises"]
    return list(yaml_texts(data))


def parts(root: Path | None = None) -> list[Part]:
    """Every part of the course in course order, with the briefing and the glossary after it.

    A section's part is its notebook's prose and its exercise file's texts, read together as a learner meets them.
    """
    from .loader import COUNTRY_FILE, load_course

    root = root or Path(__file__).resolve().parent.parent
    nb_dir = root / "notebooks"
    course = load_course()
    found: list[Part] = []
    for s in course.sections:
        if not s.available:
            continue
        blocks = notebook_blocks(nb_dir / s.notebook)
        if s.content:
            blocks += _content_blocks(s.content)
        found.append(Part(s.id, s.title, tuple(blocks)))
    found.append(Part("briefing", "Solenna country briefing (country.yml)", tuple(_content_blocks(COUNTRY_FILE))))
    glossary = getattr(course, "glossary", None)
    if glossary is not None and (nb_dir / glossary.notebook).exists():
        from .glossary import load_glossary

        texts = [t for term in load_glossary().terms for t in (term.heading, term.definition)]
        found.append(Part("glossary", glossary.title, (*notebook_blocks(nb_dir / glossary.notebook), *texts)))
    return found


# ---------------------------------------------------------------------------------------------- measuring
def sentences(block: str) -> list[str]:
    """The sentences of one block of prose (a full stop after "e.g." or "para." does not end one)."""
    held = block
    for abbr in _ABBREVIATIONS:
        held = re.sub(rf"(?<![\w.]){re.escape(abbr)}", abbr.replace(".", _HOLD), held)
    parts_ = re.split(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])", held)
    return [p.replace(_HOLD, ".").strip() for p in parts_ if p.strip()]


def _words(sentence: str) -> int:
    import textstat

    return int(textstat.lexicon_count(sentence))


def long_sentences(blocks: Iterable[str], limit: int = MAX_WORDS) -> list[tuple[int, str]]:
    """Every sentence over ``limit`` words, with its length, longest first."""
    found = [(_words(s), s) for b in blocks for s in sentences(b)]
    return sorted(((n, s) for n, s in found if n > limit), reverse=True)


def flesch(text: str) -> float:
    """Flesch reading ease of a text, as textstat computes it (US English syllable counts)."""
    import textstat

    textstat.set_lang("en_US")
    return float(textstat.flesch_reading_ease(text))


def measure(part: Part) -> dict[str, Any]:
    """A part's figures: Flesch reading ease, sentences, words per sentence, and its sentences over the limit."""
    every = [s for b in part.blocks for s in sentences(b)]
    words = sum(_words(s) for s in every)
    return {
        "part": part.id,
        "flesch": round(flesch(part.text), 1),
        "sentences": len(every),
        "words_per_sentence": round(words / max(1, len(every)), 1),
        "too_long": long_sentences(part.blocks),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Readability of the learner-facing prose of every part of the course.",
        epilog="Example:\n  python -m ssr_widgets.readability --show 5",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--show", type=int, default=3, metavar="N", help="list the N longest sentences per part")
    args = parser.parse_args(argv)
    try:
        import textstat  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the environment
        print("textstat is not installed: pip install -e '.[test]'", file=sys.stderr)
        return 2
    failing = 0
    print(f"{'part':<10} {'Flesch':>7} {'sentences':>10} {'words/sent.':>12} {'> ' + str(MAX_WORDS) + ' words':>12}")
    for part in parts():
        m = measure(part)
        bad = m["flesch"] < MIN_FLESCH or m["too_long"]
        failing += bool(bad)
        print(f"{m['part']:<10} {m['flesch']:>7} {m['sentences']:>10} {m['words_per_sentence']:>12} "
              f"{len(m['too_long']):>12}{'  <- fails' if bad else ''}")
        for n, s in m["too_long"][: args.show]:
            print(f"    {n} words: {s[:150]}{'…' if len(s) > 150 else ''}")
    return 1 if failing else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
