"""Certificate of completion as a one-page PDF (A4 landscape).

Why it looks the way it does: learners are military, police and civilian staff of peace operations, many
not native English speakers, so the wording is short and plain and the date is written out ("23 November
2026", never 11/23/2026). Names come from everywhere, so the text uses DejaVu Sans (shipped inside
matplotlib, no extra install) which covers Latin with diacritics (Vietnamese too), Cyrillic and Greek.
The QR code and the printed link let anyone check the certificate; the issuer is whoever runs the course,
never UNITAR or the UN.

The certificate is in the learner's language, English or French (``language``), chosen by the trainer (roster or
``ssr-trainer issue --language``). Every fixed text is marked here and translated through the ``trainer`` gettext
catalogue (``language.py``), one translator per certificate, so English and French certificates come out of the same
run; the date is written out with the language's month names ("30 novembre 2026") and the PDF's language tag
follows. An English certificate is exactly what it was before there was a French one.

The PDF is built with fpdf2 in memory and written atomically, so a crash never leaves half a certificate.
"""

from __future__ import annotations

import datetime
import functools
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..files import atomic_write_bytes
from .language import DEFAULT_LANGUAGE, N_, translator

__all__ = ["DEFAULT_STATEMENT", "format_date", "printable_problem", "render_certificate"]

DEFAULT_STATEMENT = N_("by passing the end-of-course quiz and completing the course evaluation")

# Fixed month names, translated through the catalogue: strftime("%B") follows the machine's locale, and a
# certificate must not.
_MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"), N_("August"),
           N_("September"), N_("October"), N_("November"), N_("December"))

# Page geometry in millimetres (A4 landscape).
_PAGE_W, _PAGE_H = 297.0, 210.0
_FRAME_OUTER = 10.0  # thick line, inset from the paper edge
_FRAME_INNER = 12.5  # thin line just inside it
_TEXT_LEFT = 30.0
_TEXT_W = _PAGE_W - 2 * _TEXT_LEFT  # the printable width every line must fit in
_BODY_TOP = 24.0
_QR_MM = 34.0  # printed size of the QR symbol itself: comfortably above the ~30 mm phones need at arm's length
_QR_X = 26.0
_QR_Y = _PAGE_H - 24.0 - _QR_MM
_BODY_BOTTOM = _QR_Y - 6.0  # the body text never runs into the QR band

# Sober colours: dark navy for headings and frame, near-black for text, a muted accent rule.
_NAVY = (28, 52, 92)
_TEXT = (40, 40, 40)
_MUTED = (90, 90, 90)
_ACCENT = (170, 140, 90)

_PT_TO_MM = 25.4 / 72
_LINE_SPACING = 1.3


def _font_paths() -> tuple[Path, Path]:
    """DejaVu Sans regular and bold from matplotlib's own data folder: Unicode coverage with no extra install."""
    import matplotlib

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return ttf / "DejaVuSans.ttf", ttf / "DejaVuSans-Bold.ttf"


def format_date(day: datetime.date, language: str = DEFAULT_LANGUAGE) -> str:
    """'23 November 2026', '30 novembre 2026': day, month name, year; unambiguous for readers from any country.

    French writes the first day of a month as an ordinal: '1er décembre 2026'.
    """
    tr = translator(language)
    # Translators: the first day of a month in a written-out date: "1er" in French; {day} is the number 1.
    first = tr.pgettext("first day of a month", "{day}").format(day=1)
    number = first if day.day == 1 else str(day.day)
    return f"{number} {tr.gettext(_MONTHS[day.month - 1])} {day.year}"


def _clean(value: str, what: str) -> str:
    """Collapse whitespace and compose accents (NFC) so text measures, wraps and extracts as one would expect."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, not {type(value).__name__}")
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if not text:
        raise ValueError(f"{what} is empty: a certificate needs a non-blank {what.replace('_', ' ')}")
    return text


@dataclass(frozen=True)
class _Block:
    """One centred block of the body: its lines, font and the space above it."""

    lines: tuple[str, ...]
    style: str  # "" or "B"
    size: float  # points
    color: tuple[int, int, int]
    gap_before: float = 0.0  # millimetres

    @property
    def line_h(self) -> float:
        return self.size * _PT_TO_MM * _LINE_SPACING

    @property
    def height(self) -> float:
        return self.gap_before + self.line_h * len(self.lines)


def _width_ok(pdf, lines: list[str] | tuple[str, ...], width: float) -> bool:
    return all(pdf.get_string_width(line) <= width for line in lines)


def _balanced_split(pdf, text: str) -> list[str] | None:
    """Split at the space that makes the longer of two lines as short as possible (nicer than greedy wrapping)."""
    words = text.split(" ")
    if len(words) < 2:
        return None
    best = min(range(1, len(words)),
               key=lambda i: max(pdf.get_string_width(" ".join(words[:i])), pdf.get_string_width(" ".join(words[i:]))))
    return [" ".join(words[:best]), " ".join(words[best:])]


def _fit_lines(pdf, text: str, *, style: str, max_size: float, min_size: float, wrap_min_size: float,
               width: float = _TEXT_W) -> tuple[float, list[str]]:
    """Largest font size at which `text` fits `width` on one line; else two balanced lines; else greedy wrapping.

    Shrinks from max_size to min_size on one line first (a name reads best unbroken), then tries two lines from
    min_size down to wrap_min_size. Only text too long even for that (or one unbreakable word) is wrapped by
    fpdf2 at wrap_min_size, which also breaks inside words, so nothing ever runs past the printable width.
    """
    from fpdf.enums import MethodReturnValue

    size = max_size
    while size >= min_size:
        pdf.set_font("DejaVu", style, size)
        if _width_ok(pdf, [text], width):
            return size, [text]
        size -= 1
    size = min_size
    while size >= wrap_min_size:
        pdf.set_font("DejaVu", style, size)
        two = _balanced_split(pdf, text)
        if two and _width_ok(pdf, two, width):
            return size, two
        size -= 1
    pdf.set_font("DejaVu", style, wrap_min_size)
    lines = pdf.multi_cell(width, text=text, dry_run=True, output=MethodReturnValue.LINES, padding=0)
    return wrap_min_size, [line.strip() for line in lines if line.strip()]


def _check_glyphs(pdf, texts: dict[str, str]) -> None:
    """Refuse characters DejaVu Sans cannot draw (e.g. Chinese): a blank box in a name is worse than an error."""
    cmaps = []
    for style in ("", "B"):
        pdf.set_font("DejaVu", style, 12)
        cmaps.append(pdf.current_font.cmap)
    for what, text in texts.items():
        # Right-to-left scripts need shaping and reordering that this layout does not do: the letters would
        # print unjoined and backwards, so refuse rather than print a wrong name.
        rtl = sorted({ch for ch in text if unicodedata.bidirectional(ch) in ("R", "AL")})
        if rtl:
            raise ValueError(f"{what} is written right to left (e.g. Arabic or Hebrew letters), which the certificate "
                             "cannot lay out correctly yet; put the name in Latin letters in the roster")
        missing = sorted({ch for ch in text if any(ord(ch) not in cmap for cmap in cmaps)})
        if missing:
            shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing)
            raise ValueError(f"{what} contains characters the certificate font (DejaVu Sans) cannot print: {shown}")


@functools.cache
def _glyph_document():
    """One document whose font tables answer "can this be printed?" (loading the fonts costs 0.1 s)."""
    return _new_document()


def printable_problem(text: str, what: str = "the name") -> str | None:
    """Why ``text`` cannot be printed on a certificate, or None: lets a dry run warn before issuing."""
    try:
        _check_glyphs(_glyph_document(), {what: unicodedata.normalize("NFC", text)})
    except ValueError as exc:
        return str(exc)
    return None


def _qr_png(url: str) -> tuple[bytes, int]:
    """QR code as PNG bytes in memory, and its width in modules; medium error correction survives a crease."""
    import segno

    qr = segno.make(url, error="m")
    buf = io.BytesIO()
    # No border in the image: the page around it is white and kept clear (the quiet zone is laid out below).
    qr.save(buf, kind="png", scale=12, border=0)
    return buf.getvalue(), qr.symbol_size(scale=1, border=0)[0]


def _new_document():
    """An empty A4 landscape fpdf2 document with DejaVu Sans (regular and bold) registered as "DejaVu"."""
    from fpdf import FPDF

    regular, bold = _font_paths()
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)  # one page, always: overflow is caught by the layout instead
    pdf.set_margins(_TEXT_LEFT, _BODY_TOP, _TEXT_LEFT)
    pdf.c_margin = 0  # cells hold exactly the measured text width
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    return pdf


def _build_pdf(*, learner_name: str, course_title: str, issued_on: datetime.date, certificate_id: str,
               issuer_name: str, verify_url: str, statement: str, language: str):
    """Lay out the page and return the fpdf2 document (not yet written anywhere)."""
    pdf = _new_document()
    tr = translator(language)

    date_text = format_date(issued_on, language)
    _check_glyphs(pdf, {"learner_name": learner_name, "course_title": course_title, "statement": statement,
                        "issuer_name": issuer_name, "certificate_id": certificate_id, "verify_url": verify_url})

    # Metadata; a fixed creation date (the issue date) so re-issuing gives the same file as far as fpdf2 allows.
    pdf.set_title(tr.gettext("Certificate of completion — {course}").format(course=course_title))
    pdf.set_subject(tr.gettext("{name} has completed the course {course}").format(name=learner_name,
                                                                                   course=course_title))
    pdf.set_author(issuer_name)
    pdf.set_keywords(tr.gettext("certificate of completion; {id}").format(id=certificate_id))
    pdf.set_creator("ssr_grader (Introduction to Security Sector Reform trainer tools)")
    pdf.set_lang(language)
    pdf.set_creation_date(datetime.datetime(issued_on.year, issued_on.month, issued_on.day, tzinfo=datetime.timezone.utc))

    pdf.add_page()

    # Frame: a thick and a thin line, nothing else decorative.
    pdf.set_draw_color(*_NAVY)
    pdf.set_line_width(0.8)
    pdf.rect(_FRAME_OUTER, _FRAME_OUTER, _PAGE_W - 2 * _FRAME_OUTER, _PAGE_H - 2 * _FRAME_OUTER)
    pdf.set_line_width(0.2)
    pdf.rect(_FRAME_INNER, _FRAME_INNER, _PAGE_W - 2 * _FRAME_INNER, _PAGE_H - 2 * _FRAME_INNER)

    name_size, name_lines = _fit_lines(pdf, learner_name, style="B", max_size=34, min_size=22, wrap_min_size=15)
    course_size, course_lines = _fit_lines(pdf, course_title, style="B", max_size=22, min_size=16, wrap_min_size=12)
    stmt_size, stmt_lines = _fit_lines(pdf, statement, style="", max_size=13, min_size=13, wrap_min_size=10)
    blocks = [
        _Block((tr.gettext("Certificate of completion"),), "B", 30, _NAVY),
        _Block((tr.gettext("This certifies that"),), "", 14, _TEXT, gap_before=12),
        _Block(tuple(name_lines), "B", name_size, _NAVY, gap_before=3),
        _Block((tr.gettext("has completed the course"),), "", 14, _TEXT, gap_before=3),
        _Block(tuple(course_lines), "B", course_size, _TEXT, gap_before=2),
        _Block(tuple(stmt_lines), "", stmt_size, _TEXT, gap_before=2),
        _Block((tr.gettext("Date: {date}").format(date=date_text),), "", 12, _TEXT, gap_before=8),
        _Block((tr.gettext("Issued by: {issuer}").format(issuer=issuer_name),), "", 12, _TEXT, gap_before=1),
    ]
    total = sum(b.height for b in blocks)
    if _BODY_TOP + total > _BODY_BOTTOM:
        raise ValueError("the certificate text is too long to fit on one page: shorten the name, course title or statement")
    # Centre the body vertically in the space above the QR band, so a two-line name does not crowd the bottom.
    y = _BODY_TOP + (_BODY_BOTTOM - _BODY_TOP - total) / 2
    for i, block in enumerate(blocks):
        y += block.gap_before
        pdf.set_font("DejaVu", block.style, block.size)
        pdf.set_text_color(*block.color)
        for line in block.lines:
            pdf.set_xy(_TEXT_LEFT, y)
            pdf.cell(_TEXT_W, block.line_h, text=line, align="C")
            y += block.line_h
        if i == 0:  # a short accent rule under the title
            pdf.set_draw_color(*_ACCENT)
            pdf.set_line_width(0.6)
            pdf.line(_PAGE_W / 2 - 30, y + 4, _PAGE_W / 2 + 30, y + 4)

    # QR bottom-left, its text beside it, vertically centred on it.
    png, modules = _qr_png(verify_url)
    pdf.image(io.BytesIO(png), x=_QR_X, y=_QR_Y, w=_QR_MM, h=_QR_MM)
    quiet = 4 * _QR_MM / modules  # the QR standard's 4-module quiet zone, kept free of text
    text_x = _QR_X + _QR_MM + max(quiet, 6.0)
    text_w = _PAGE_W - _FRAME_INNER - 10.0 - text_x
    label = tr.gettext("Check this certificate: {url}").format(url=verify_url)
    pdf.set_font("DejaVu", "", 11)
    if pdf.get_string_width(label) <= text_w:
        side = [(label, 11.0)]
    else:  # a long address gets a line of its own, shrunk or wrapped to fit
        url_size, url_lines = _fit_lines(pdf, verify_url, style="", max_size=11, min_size=8, wrap_min_size=7, width=text_w)
        side = [(tr.gettext("Check this certificate:"), 11.0)] + [(line, url_size) for line in url_lines]
    side.append((tr.gettext("Certificate ID: {id}").format(id=certificate_id), 10.0))
    heights = [size * _PT_TO_MM * _LINE_SPACING for _, size in side]
    y = _QR_Y + (_QR_MM - sum(heights)) / 2
    for i, ((line, size), h) in enumerate(zip(side, heights, strict=True)):
        pdf.set_font("DejaVu", "", size)
        pdf.set_text_color(*(_MUTED if i == len(side) - 1 else _TEXT))
        pdf.set_xy(text_x, y)
        pdf.cell(text_w, h, text=line, align="L", link=verify_url if i < len(side) - 1 else "")
        y += h
    return pdf


def render_certificate(out_path: Path, *, learner_name: str, course_title: str, issued_on: datetime.date,
                       certificate_id: str, issuer_name: str, verify_url: str,
                       statement: str | None = None, language: str = DEFAULT_LANGUAGE) -> Path:
    """Write the learner's certificate of completion to `out_path` (PDF) and return that path.

    ``language`` (``"en"`` or ``"fr"``) is the language of every fixed text, the date and the PDF's language tag;
    ``course_title`` and ``statement`` are printed as given (the default statement is translated).

    Raises ValueError for a blank name (or other blank field) and for characters the font cannot print, so
    a trainer never sends out a certificate with a missing or garbled name. The file appears atomically.
    """
    out_path = Path(out_path)
    if not isinstance(issued_on, datetime.date):
        raise TypeError(f"issued_on must be a datetime.date, not {type(issued_on).__name__}")
    tr = translator(language)  # an unknown language is refused before anything is laid out
    pdf = _build_pdf(
        learner_name=_clean(learner_name, "learner_name"),
        course_title=_clean(course_title, "course_title"),
        issued_on=issued_on,
        certificate_id=_clean(certificate_id, "certificate_id"),
        issuer_name=_clean(issuer_name, "issuer_name"),
        verify_url=_clean(verify_url, "verify_url"),
        statement=_clean(statement if statement is not None else tr.gettext(DEFAULT_STATEMENT), "statement"),
        language=language,
    )
    data = bytes(pdf.output())  # rendered fully in memory first: a layout error never touches the disk

    return atomic_write_bytes(out_path, data)
