"""Message catalogues for the six languages of the dashboard and the country briefs: Babel
``.po`` files kept in a package (``locales/<lang>/LC_MESSAGES/messages.po``), read at run
time, no compiled ``.mo`` files needed. English is the source language: its strings are the
message ids themselves."""

from __future__ import annotations

import io
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from decentwork.errors import BadInput

LANGUAGES = {
    "en": "English",
    "zh": "中文",
    "fr": "Français",
    "es": "Español",
    "km": "ខ្មែរ",
    "lo": "ລາວ",
}
"""The languages, each named in itself (for a language switcher)."""
SOURCE = "en"
"""The language the message ids are written in (it has no catalogue)."""


def check_language(lang: str) -> str:
    """``lang``, when it is one of the :data:`LANGUAGES`.

    Raises:
        BadInput: another language (about the parameter ``lang``).
    """
    if lang not in LANGUAGES:
        raise BadInput(
            f"lang {lang!r}: expected one of {', '.join(LANGUAGES)}",
            parameter="lang",
            given=lang,
            expected=", ".join(LANGUAGES),
        )
    return lang


def catalogue(package: str, lang: str) -> resources.abc.Traversable:
    """The ``.po`` file of ``lang`` in ``package`` (``decentwork.web``,
    ``decentwork.reports``)."""
    return resources.files(package).joinpath("locales", lang, "LC_MESSAGES", "messages.po")


@cache
def translations(package: str, lang: str) -> NullTranslations:
    """The strings of ``package`` in ``lang`` (English: the message ids themselves)."""
    if lang == SOURCE:
        return NullTranslations()
    with catalogue(package, lang).open("rb") as po:
        messages = read_po(po, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return Translations(compiled)
