"""Keep the French trainer guide in step with the English one (issue 16).

Why: ``grader/TRAINER_GUIDE.fr.md`` translates parts 1 to 4 of ``grader/TRAINER_GUIDE.md`` (the agenda, the
facilitation notes, the cohort commands, hand-grading). A translation goes stale silently when the English changes:
a new debrief question or a renamed option would never reach French-speaking trainers. So the French file starts
with a stamp that records a SHA-256 of the exact English text of the parts it follows, one for all of them and a
short one per part, written when a reviewer last brought the French in line. ``tests/test_trainer_guide_fr.py``
recomputes them and fails, naming each changed part, until someone updates the French and refreshes the stamp::

    python -m ssr_grader.guide            # is the French guide current? (exit 1 if not, naming the parts)
    python -m ssr_grader.guide --stamp    # after the French has been reviewed: write the new stamp

A "part" is one ``## N.`` heading of the English guide and everything up to the next ``## `` heading.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

GRADER = Path(__file__).resolve().parents[1]
ENGLISH = GRADER / "TRAINER_GUIDE.md"
FRENCH = GRADER / "TRAINER_GUIDE.fr.md"
#: The English parts the French guide follows.
FOLLOWED = ("1", "2", "3", "4")
RESTAMP = "python -m ssr_grader.guide --stamp"

_HEADING = re.compile(r"^## (\d+)\.\s")
_FENCE = re.compile(r"^\s*(```|~~~)")
_STAMP = re.compile(
    r"<!-- en: (?P<file>\S+) parts (?P<parts>[\d, ]+); sha256 (?P<digest>[0-9a-f]{64}); "
    r"per part (?P<per_part>(?:\d+:[0-9a-f]{16} ?)+) -->")


def parts(text: str) -> dict[str, str]:
    """Each ``## N.`` part of a guide: number -> exact text, from its heading to the next ``## `` heading."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_fence = False
    for line in text.splitlines(keepends=True):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and line.startswith("## "):
            match = _HEADING.match(line)
            current = found.setdefault(match.group(1), []) if match else None
        if current is not None:
            current.append(line)
    return {number: "".join(lines) for number, lines in found.items()}


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest(english: str, followed: tuple[str, ...] = FOLLOWED) -> tuple[str, dict[str, str]]:
    """The SHA-256 of the followed parts' text, concatenated in order, and a 16-digit SHA-256 prefix per part."""
    found = parts(english)
    missing = [n for n in followed if n not in found]
    if missing:
        raise ValueError(f"the English guide has no part {', '.join(missing)} (a '## N.' heading)")
    return _sha256("".join(found[n] for n in followed)), {n: _sha256(found[n])[:16] for n in followed}


def stamp(english: str, followed: tuple[str, ...] = FOLLOWED) -> str:
    """The French guide's first line: which English parts it follows, and their hashes."""
    whole, per_part = digest(english, followed)
    return (f"<!-- en: {ENGLISH.name} parts {', '.join(followed)}; sha256 {whole}; "
            f"per part {' '.join(f'{n}:{h}' for n, h in per_part.items())} -->")


@dataclass(frozen=True)
class Stamp:
    followed: tuple[str, ...]
    whole: str
    per_part: dict[str, str]


def read_stamp(french: str) -> Stamp | None:
    """The stamp on the French guide's first line, or None if there is none."""
    match = _STAMP.fullmatch(french.partition("\n")[0].strip())
    if not match:
        return None
    per_part = dict(item.split(":") for item in match["per_part"].split())
    return Stamp(tuple(n.strip() for n in match["parts"].split(",")), match["digest"], per_part)


def changed_parts(english: str, french: str) -> list[str]:
    """What no longer matches, one plain sentence each; empty when the French follows the current English."""
    recorded = read_stamp(french)
    if recorded is None:
        return [f"the French guide has no stamp on its first line: run `{RESTAMP}` after a review"]
    found = parts(english)
    titles = {n: _HEADING.sub("", text.partition("\n")[0]) for n, text in found.items()}
    problems = [f"part {n} is no longer in the English guide" for n in recorded.followed if n not in found]
    if problems:
        return problems
    whole, per_part = digest(english, recorded.followed)
    problems = [f"part {n} ({titles[n]}) of {ENGLISH.name} changed since the French was last reviewed"
                for n in recorded.followed if recorded.per_part.get(n) != per_part[n]]
    if not problems and whole != recorded.whole:
        problems = [f"the English parts {', '.join(recorded.followed)} changed since the French was last reviewed"]
    return problems


def refresh(english_path: Path = ENGLISH, french_path: Path = FRENCH) -> str:
    """Write the current stamp on the French guide's first line (replacing an old one); returns the stamp."""
    french = french_path.read_text(encoding="utf-8")
    new = stamp(english_path.read_text(encoding="utf-8"))
    first, _, rest = french.partition("\n")
    body = rest if first.startswith("<!-- en:") else french  # replace an old stamp, or add the first one
    french_path.write_text(f"{new}\n{body}", encoding="utf-8")
    return new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ssr_grader.guide", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stamp", action="store_true",
                        help="after reviewing the French guide, record the English parts it now follows")
    parser.add_argument("--english", type=Path, default=ENGLISH, help=f"default: {ENGLISH}")
    parser.add_argument("--french", type=Path, default=FRENCH, help=f"default: {FRENCH}")
    args = parser.parse_args(argv)
    if args.stamp:
        print(refresh(args.english, args.french))
        return 0
    problems = changed_parts(args.english.read_text(encoding="utf-8"), args.french.read_text(encoding="utf-8"))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"Update {args.french.name} to match, then run `{RESTAMP}`.", file=sys.stderr)
        return 1
    print(f"{args.french.name} follows the current English parts {', '.join(FOLLOWED)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
