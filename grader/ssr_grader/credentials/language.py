"""The language of a learner's certificate and badge: English (the course's own) or French, chosen by the trainer.

The language comes from the trainer's roster (its ``language`` column) or the trainer's ``--language`` on
``ssr-trainer issue``, never from anything a learner hands in. The French texts of the certificate and the badge
are in the ``trainer`` gettext catalogue (``ssr_widgets/locale/fr/LC_MESSAGES/trainer.po``), kept in step with the
English like the learner side's (``python -m ssr_widgets.translation update|build|check``), and read with the
standard library's :mod:`gettext`. Each certificate asks for its own translator, so one run can issue English and
French certificates side by side; the learner kernel's course language (``set_language``) is never used here.
"""

from __future__ import annotations

import functools
import gettext
import unicodedata

from ssr_widgets.translation import LOCALE_DIR

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "LANGUAGE_NAMES", "N_", "TRAINER_DOMAIN", "parse_language", "translator"]

#: The languages a certificate and a badge can be issued in; English (the course's own) is the default.
LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "French"}
#: The gettext domain of the trainer's learner-facing texts (certificate, badge).
TRAINER_DOMAIN = "trainer"
#: What a roster or the command line may say, compared without case or surrounding spaces.
_ALIASES = {"en": "en", "english": "en", "anglais": "en", "fr": "fr", "french": "fr", "français": "fr",
            "francais": "fr"}


def N_(message: str) -> str:
    """Mark a text for the ``trainer`` catalogue without translating it here (it is translated where it is used)."""
    return message


def parse_language(value: str | None) -> str:
    """``"en"`` or ``"fr"`` from ``en``, ``English``, ``fr``, ``French``, ``Français`` (any case); blank is English.

    Raises ValueError naming what is accepted for anything else.
    """
    text = unicodedata.normalize("NFC", value or "").strip().casefold()
    if not text:
        return DEFAULT_LANGUAGE
    try:
        return _ALIASES[text]
    except KeyError:
        raise ValueError(f"language {value!r} is not one of the course's: write en or English, fr or French "
                         "(Français), or leave it empty for English") from None


@functools.cache
def translator(language: str) -> gettext.NullTranslations:
    """The ``trainer`` catalogue of ``language`` (none for English: the texts in the code are the English).

    A missing compiled catalogue is an error, not a silent English certificate for a French learner.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown certificate language {language!r}: choose one of {', '.join(LANGUAGES)}")
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    try:
        return gettext.translation(TRAINER_DOMAIN, LOCALE_DIR, languages=[language])
    except FileNotFoundError:
        raise FileNotFoundError(f"the {LANGUAGE_NAMES[language]} certificate texts are missing "
                                f"({LOCALE_DIR}/{language}/LC_MESSAGES/{TRAINER_DOMAIN}.mo): run  "
                                "python -m ssr_widgets.translation compile") from None
