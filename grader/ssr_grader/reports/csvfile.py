"""CSV files a trainer opens in a spreadsheet or uploads to an LMS: quoted, and free of spreadsheet formulas.

A roster name such as ``=HYPERLINK(...)`` or ``@SUM(...)`` is text to us but a formula to Excel,
LibreOffice and Google Sheets ("CSV injection"). Every text cell that starts with a character a
spreadsheet reads as a formula gets a leading apostrophe, which spreadsheets show as text
(OWASP's advice). Numbers we write ourselves are left as numbers. Files are written atomically.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from ..files import atomic_write_text

__all__ = ["FORMULA_START", "safe_cell", "write_csv"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: object) -> str:
    """A cell's text with formulas neutralised; numbers (int, float) are written as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable[object]], *, bom: bool = True,
              delimiter: str = ",", lineterminator: str = "\r\n", numbers: Iterable[int] = ()) -> Path:
    """Write a CSV atomically: every field quoted as needed, text cells made safe.

    ``numbers`` are column indexes whose values are our own numbers already formatted as text
    (e.g. ``"85.00"``); they are written unchanged.
    """
    keep = set(numbers)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator, quoting=csv.QUOTE_MINIMAL)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([("" if v is None else str(v)) if i in keep else safe_cell(v) for i, v in enumerate(row)])
    return atomic_write_text(path, buf.getvalue(), encoding="utf-8-sig" if bom else "utf-8")
