"""The certificate PDF: right text (any script), fits the page, scannable QR, atomic and repeatable writes.

Fast and offline: pypdf reads the text back, pypdfium2 renders the page so pixels and glyph boxes can be checked.
"""

from __future__ import annotations

import datetime
import os
import unicodedata
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
import segno

from ssr_grader import files
from ssr_grader.credentials import certificate
from ssr_grader.credentials.certificate import DEFAULT_STATEMENT, format_date, render_certificate

MM = 72 / 25.4  # PDF points per millimetre

BASE = {
    "course_title": "Introduction to Security Sector Reform",
    "issued_on": datetime.date(2026, 11, 23),
    "certificate_id": "SSR-2026-0042-K7QD",
    "issuer_name": "Example Peacekeeping Training Centre",
    "verify_url": "https://ssr-course.example.org/verify/SSR-2026-0042-K7QD",
}
UNICODE_NAMES = ["Nguyễn Thị Minh Khai", "Zoë Ångström-Ñúñez", "Ольга Петрова", "Αθηνά"]
LONG_NAME = ("Maximiliana Alexandrina Wilhelmina Konstantinopoulou-Vanderbijl de la Cruz y Santísima Trinidad "
             "Oyelaran-Abernethy Mbeki-Okafor")


def _render(tmp_path: Path, name: str = "Amina Diallo", filename: str = "cert.pdf", **overrides) -> Path:
    return render_certificate(tmp_path / filename, learner_name=name, **{**BASE, **overrides})


def _text(pdf_path: Path) -> str:
    """The page's text with whitespace collapsed, so line breaks chosen by the layout do not matter."""
    reader = pypdf.PdfReader(pdf_path)
    assert len(reader.pages) == 1
    return " ".join(unicodedata.normalize("NFC", reader.pages[0].extract_text()).split())


def test_text_has_every_field(tmp_path):
    text = _text(_render(tmp_path))
    for expected in ("Certificate of completion", "This certifies that", "Amina Diallo", "has completed the course",
                     BASE["course_title"], DEFAULT_STATEMENT, "23 November 2026", BASE["certificate_id"],
                     f"Check this certificate: {BASE['verify_url']}", BASE["issuer_name"]):
        assert expected in text, expected
    assert "11/23/2026" not in text
    assert "UNITAR" not in text and "United Nations" not in text


def test_custom_statement_replaces_default(tmp_path):
    text = _text(_render(tmp_path, statement="by completing all five modules and the final quiz"))
    assert "by completing all five modules and the final quiz" in text
    assert DEFAULT_STATEMENT not in text


def test_date_is_written_out():
    assert format_date(datetime.date(2026, 11, 23)) == "23 November 2026"
    assert format_date(datetime.date(2027, 1, 5)) == "5 January 2027"


def test_metadata(tmp_path):
    meta = pypdf.PdfReader(_render(tmp_path)).metadata
    assert meta.title == f"Certificate of completion — {BASE['course_title']}"
    assert meta.author == BASE["issuer_name"]
    assert "Amina Diallo" in meta.subject
    assert meta.creation_date.date() == BASE["issued_on"]


@pytest.mark.parametrize("name", UNICODE_NAMES)
def test_unicode_names_round_trip(tmp_path, name):
    assert name in _text(_render(tmp_path, name))


def test_decomposed_accents_are_composed(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Zoë Ångström")
    assert "Zoë Ångström" in _text(_render(tmp_path, decomposed))


def test_unprintable_characters_are_refused(tmp_path):
    with pytest.raises(ValueError, match="cannot print"):
        _render(tmp_path, "王小明")


def _char_boxes(pdf_path: Path) -> list[tuple[str, tuple[float, float, float, float]]]:
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        tp = doc[0].get_textpage()
        chars = [(tp.get_text_range(i, 1), tp.get_charbox(i)) for i in range(tp.count_chars())]
        return [(ch, box) for ch, box in chars if ch.strip()]
    finally:
        doc.close()


@pytest.mark.parametrize("name", [LONG_NAME, "A" * 120, "Wolfeschlegelsteinhausenbergerdorff " * 4])
def test_long_name_stays_on_the_page(tmp_path, name):
    assert len(name) >= 120
    path = _render(tmp_path, name)
    assert "".join(name.split()) in "".join(_text(path).split())  # a single long word may be broken across lines
    boxes = _char_boxes(path)
    assert boxes
    left, right = certificate._TEXT_LEFT * MM, (certificate._PAGE_W - certificate._TEXT_LEFT) * MM
    frame_bottom, frame_top = certificate._FRAME_INNER * MM, (certificate._PAGE_H - certificate._FRAME_INNER) * MM
    for ch, (x0, y0, x1, y1) in boxes:  # every glyph inside the frame; body text inside the printable width
        assert left - 0.5 <= x0 and x1 <= right + 0.5, ch
        assert frame_bottom <= y0 and y1 <= frame_top, ch


def test_long_name_fits_printable_width_at_chosen_size():
    pdf = certificate._new_document()
    size, lines = certificate._fit_lines(pdf, LONG_NAME, style="B", max_size=34, min_size=22, wrap_min_size=15)
    assert len(lines) == 2 and 15 <= size <= 22
    pdf.set_font("DejaVu", "B", size)
    assert all(pdf.get_string_width(line) <= certificate._TEXT_W for line in lines)
    assert " ".join(lines) == LONG_NAME


def test_short_name_stays_large_on_one_line():
    pdf = certificate._new_document()
    size, lines = certificate._fit_lines(pdf, "Amina Diallo", style="B", max_size=34, min_size=22, wrap_min_size=15)
    assert (size, lines) == (34, ["Amina Diallo"])


def test_page_renders_with_a_scannable_qr(tmp_path):
    scale = 2
    doc = pdfium.PdfDocument(str(_render(tmp_path)))
    try:
        img = doc[0].render(scale=scale).to_pil().convert("L")
    finally:
        doc.close()
    px_per_mm = scale * MM
    assert abs(img.width - 297 * px_per_mm) < 2 and abs(img.height - 210 * px_per_mm) < 2  # A4 landscape

    hist = img.histogram()
    assert sum(hist[201:]) / sum(hist) > 0.85  # mostly white paper, not a black page
    assert sum(hist[:100]) > 1000  # and something is printed

    assert certificate._QR_MM >= 30  # big enough to scan from paper
    x0, y0 = certificate._QR_X * px_per_mm, certificate._QR_Y * px_per_mm
    qr_side = certificate._QR_MM * px_per_mm
    region = img.crop((int(x0), int(y0), int(x0 + qr_side), int(y0 + qr_side)))
    darkest, lightest = region.getextrema()
    assert darkest < 50 and lightest > 200
    # Each module's centre has the colour segno says it should: the printed QR is the verify URL's.
    matrix = segno.make(BASE["verify_url"], error="m").matrix
    module = qr_side / len(matrix)
    wrong = sum((img.getpixel((int(x0 + (c + 0.5) * module), int(y0 + (r + 0.5) * module))) < 128) != bool(dark)
                for r, row in enumerate(matrix) for c, dark in enumerate(row))
    assert wrong == 0


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_blank_name_is_refused(tmp_path, blank):
    with pytest.raises(ValueError, match="learner_name is empty"):
        _render(tmp_path, blank)
    assert os.listdir(tmp_path) == []


def test_writes_into_new_folder_without_leftovers(tmp_path):
    out = tmp_path / "cohort-2026" / "certificates" / "amina.pdf"
    assert render_certificate(out, learner_name="Amina Diallo", **BASE) == out
    assert out.read_bytes().startswith(b"%PDF-")
    assert os.listdir(out.parent) == ["amina.pdf"]  # no temp file, hidden or not


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", boom)  # the shared atomic writer (ssr_grader.files)
    with pytest.raises(OSError, match="disk full"):
        _render(tmp_path)
    assert os.listdir(tmp_path) == []


def test_rewrite_replaces_existing_file(tmp_path):
    path = _render(tmp_path, "First Name")
    _render(tmp_path, "Second Name")
    assert "Second Name" in _text(path) and "First Name" not in _text(path)


def test_same_inputs_give_same_certificate(tmp_path):
    a = _render(tmp_path, "Ольга Петрова", filename="a.pdf")
    b = _render(tmp_path, "Ольга Петрова", filename="b.pdf")
    assert _text(a) == _text(b)
    assert pypdf.PdfReader(a).metadata == pypdf.PdfReader(b).metadata
    assert a.read_bytes() == b.read_bytes()  # fpdf2 derives the file ID from content and the fixed creation date


# -- French (issue 16): the certificate in the learner's language, from the trainer catalogue ------------------------

FRENCH_TITLE = "Introduction à la réforme du secteur de la sécurité"
#: Every fixed English text of the certificate: none may be left on a French one.
ENGLISH_FIXED = ("Certificate of completion", "This certifies that", "has completed the course", DEFAULT_STATEMENT,
                 "Date:", "Issued by", "Check this certificate", "Certificate ID", "November", " the ", " and ")


def test_a_french_certificate_is_french_throughout(tmp_path):
    path = _render(tmp_path, course_title=FRENCH_TITLE, issued_on=datetime.date(2026, 11, 30), language="fr")
    text = _text(path)
    for expected in ("Certificat de réussite", "Ce certificat atteste que", "Amina Diallo", "a terminé le cours",
                     FRENCH_TITLE, "en réussissant le quiz de fin de cours et en remplissant l’évaluation du cours",
                     "Date : 30 novembre 2026", f"Délivré par : {BASE['issuer_name']}",
                     f"Vérifier ce certificat : {BASE['verify_url']}",
                     f"Numéro du certificat : {BASE['certificate_id']}"):
        assert expected in text, expected
    english = [e for e in ENGLISH_FIXED if e in text]
    assert english == [], english
    assert "UNITAR" not in text and "Nations unies" not in text and "ONU" not in text
    reader = pypdf.PdfReader(path)
    assert reader.trailer["/Root"]["/Lang"] == "fr"  # a screen reader reads it as French
    meta = reader.metadata
    assert meta.title == f"Certificat de réussite — {FRENCH_TITLE}"
    assert meta.subject == f"Amina Diallo a terminé le cours {FRENCH_TITLE}"


def test_an_english_certificate_says_it_is_english(tmp_path):
    assert pypdf.PdfReader(_render(tmp_path)).trailer["/Root"]["/Lang"] == "en"


def test_french_dates_use_french_month_names_and_the_first_of_the_month():
    assert format_date(datetime.date(2026, 11, 30), "fr") == "30 novembre 2026"
    assert format_date(datetime.date(2027, 8, 1), "fr") == "1er août 2027"
    assert format_date(datetime.date(2027, 2, 14), "fr") == "14 février 2027"
    assert format_date(datetime.date(2027, 8, 1)) == "1 August 2027"  # English is as before
    for month in range(1, 13):  # every month has its own French name, none left in English
        french = format_date(datetime.date(2026, month, 2), "fr")
        assert french != format_date(datetime.date(2026, month, 2)), french


def test_an_unknown_language_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError, match="unknown certificate language 'de'"):
        _render(tmp_path, language="de")
    assert os.listdir(tmp_path) == []


def test_english_and_french_certificates_from_the_same_process_do_not_mix(tmp_path):
    """One translator per certificate: a French one in between leaves the next English one English."""
    en1 = _text(_render(tmp_path, filename="en1.pdf"))
    fr = _text(_render(tmp_path, filename="fr.pdf", language="fr"))
    en2 = _text(_render(tmp_path, filename="en2.pdf"))
    assert en1 == en2 and "This certifies that" in en2
    assert "Ce certificat atteste que" in fr


def test_the_english_certificate_does_not_depend_on_the_learner_kernels_language(tmp_path):
    from ssr_widgets.translation import set_language

    set_language("fr")
    try:
        text = _text(_render(tmp_path))
    finally:
        set_language("en")
    assert "This certifies that" in text and "23 November 2026" in text
