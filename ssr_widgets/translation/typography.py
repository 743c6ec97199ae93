"""French spacing: a no-break space before : ; ? ! and inside « », as French print and the UN's French texts have.

With an ordinary space there, a narrow screen can wrap the line just before the mark, and a line then starts with
":" or "?", or a guillemet is left alone at a line's end. A no-break space (U+00A0, which every font has) keeps the
mark with its word. Text between backticks (Markdown code: commands, file names) is left as it is.

``python -m ssr_widgets.translation check`` reports a catalogue entry that breaks the rule and ``typeset`` puts the
catalogues right. The French item bank and trainer guide, which are not catalogues, are held to it by their tests.
"""

from __future__ import annotations

import re

__all__ = ["NBSP", "french_spacing"]

NBSP = "\u00a0"
# The space, or a line break that a reader sees as one (Markdown, folded YAML): "mot :" -> "mot\u00a0:". Not before
# a Markdown image ("![").
_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
_BEFORE_MARK = re.compile(rf"(?<=\S){_GAP}(?=[:;?»]|!(?!\[))")
_AFTER_OPENING = re.compile(rf"«{_GAP}(?=\S)")


_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)  # fenced blocks and code spans


def french_spacing(text: str) -> str:
    """``text`` with a no-break space wherever French puts one before a mark or inside guillemets."""
    code = [m.span() for m in _CODE.finditer(text)]

    def outside_code(replacement: str):
        return lambda m: m.group(0) if any(a <= m.start() < b for a, b in code) else replacement

    # one pass each over the whole text (so a mark right after a code span is seen), both skipping code
    text = _BEFORE_MARK.sub(outside_code(NBSP), text)
    code = [m.span() for m in _CODE.finditer(text)]
    return _AFTER_OPENING.sub(outside_code("«" + NBSP), text)
