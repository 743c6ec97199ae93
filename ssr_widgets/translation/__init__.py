"""The course's languages at run time: which one the learner chose, and the French texts from the catalogues.

English is the language the course is written in: every learner-facing string is English in the code and in the
content YAML, and English needs no catalogue. A French notebook (``notebooks/fr/``) starts with
``set_language("fr")`` in its first code cell; from then on, in that kernel, :func:`_` gives the widgets' French
texts and the loader gives the content in French (same ids, same answer keys: only the texts are replaced).

The French texts come from compiled gettext catalogues (``ssr_widgets/locale/fr/LC_MESSAGES/*.mo``), read with the
standard library's :mod:`gettext`, so a learner's kernel needs nothing beyond the course (on Binder, a hub, a laptop
and in the Pyodide kernel of the offline edition alike). The catalogues are made and checked with Babel by
``python -m ssr_widgets.translation`` (see ``catalogue.py``), never at run time.

A string missing from a catalogue, or marked fuzzy there (its English changed since it was translated), shows in
English: never a blank. ``python -m ssr_widgets.translation check`` and ``tests/test_translation.py`` report such
entries, file by file, so they are caught before a learner sees them.
"""

from __future__ import annotations

import functools
import gettext
from pathlib import Path

__all__ = [
    "LANGUAGES", "LOCALE_DIR", "NP_", "N_", "_", "content_text", "get_language", "ngettext", "number", "set_language",
]

#: The course's languages: English (the source) first.
LANGUAGES = ("en", "fr")
SOURCE_LANGUAGE = "en"
#: The catalogues: ``<lang>/LC_MESSAGES/<domain>.po`` (and ``.mo``), beside the templates ``<domain>.pot``.
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
#: The widgets' own texts (buttons, feedback phrases), marked with ``_()`` in ``ssr_widgets/*.py``.
UI_DOMAIN = "ui"
#: The texts of the content YAML, each under a context that names its file, exercise and field.
CONTENT_DOMAIN = "content"

_state = {"language": SOURCE_LANGUAGE}


def set_language(language: str) -> None:
    """Choose the course language for this kernel: ``"en"`` (the default) or ``"fr"``.

    A French notebook calls it once, in its first code cell; every exercise shown after it is in that language.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown course language {language!r}: choose one of {', '.join(LANGUAGES)}")
    _state["language"] = language


def get_language() -> str:
    """The course language of this kernel (``"en"`` unless :func:`set_language` chose another)."""
    return _state["language"]


@functools.cache
def translations(domain: str, language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``domain`` in ``language`` (none for English: the strings are the English)."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(domain, LOCALE_DIR, languages=[language], fallback=True)


def _(message: str) -> str:
    """A widget text in the course language (marked for extraction into the ``ui`` catalogue)."""
    return translations(UI_DOMAIN, get_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """A widget text whose form depends on a number (French counts 0 and 1 as singular, English only 1)."""
    return translations(UI_DOMAIN, get_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a text for the ``ui`` catalogue without translating it yet (a class attribute, a constant).

    The code translates it where it is shown, with ``_(text)``, so the language chosen later still counts.
    """
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a text with two forms (one, many) for the ``ui`` catalogue as one plural entry, without translating it.

    Returns the pair unchanged; the code translates it where it is shown, with ``ngettext(*pair, n)``. Two separate
    ``N_()`` marks would make two singular entries, which ``ngettext`` does not find.
    """
    return singular, plural


def content_text(context: str, message: str, language: str) -> str:
    """A content text (YAML) in ``language``; ``context`` locates it: ``01_concept.yml#human-security.title``."""
    return translations(CONTENT_DOMAIN, language).pgettext(context, message)


def number(count: int) -> str:
    """A whole number as the course language writes it: 4,000 in English, 4 000 in French (a narrow no-break space)."""
    text = f"{count:,}"
    return text.replace(",", "\u202f") if get_language() == "fr" else text
