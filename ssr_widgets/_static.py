"""The browser code of the widgets that write answers into the notebook file.

anywidget takes one ES module per widget. The helpers that find, read and save an answer cell
live once in ``static/answer_cells.js`` and are put in front of each widget's own module here.
"""

from __future__ import annotations

import functools
from pathlib import Path

__all__ = ["esm_source"]

STATIC = Path(__file__).parent / "static"


@functools.cache
def esm_source(widget_module: str) -> str:
    """The shared answer-cell helpers followed by one widget's module (a file name in ``static/``)."""
    return (STATIC / "answer_cells.js").read_text(encoding="utf-8") + "\n" + (STATIC / widget_module).read_text(
        encoding="utf-8"
    )
