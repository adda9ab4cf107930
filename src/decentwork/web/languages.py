"""The dashboard's languages: Babel message catalogues (``locales/<lang>/LC_MESSAGES/
messages.po``, read at start-up, no compiled ``.mo`` files needed) and one Jinja2
environment per language with the i18n extension installed.

The language of a request is ``?lang=`` (which the response remembers in a cookie), else the
cookie, else English; an unknown ``lang`` is refused with 422."""

from __future__ import annotations

import io
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request
from jinja2 import Environment, PackageLoader, select_autoescape

from decentwork.warehouse.views import QueryError
from decentwork.web import charts

LANGUAGES = {"en": "English", "zh": "中文", "fr": "Français", "es": "Español",
             "km": "ខ្មែរ", "lo": "ລາວ"}
"""The interface languages, each named in itself (for the language switcher)."""
DEFAULT = "en"
COOKIE = "lang"


def catalogue_path(lang: str) -> resources.abc.Traversable:
    """The ``.po`` file of ``lang``."""
    return resources.files("decentwork.web").joinpath(
        "locales", lang, "LC_MESSAGES", "messages.po")


@cache
def translations(lang: str) -> NullTranslations:
    """The interface strings of ``lang`` (English: the message ids themselves)."""
    if lang == DEFAULT:
        return NullTranslations()
    with catalogue_path(lang).open("rb") as po:
        catalogue = read_po(po, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)


@cache
def environment(lang: str) -> Environment:
    """The Jinja2 environment of the templates, speaking ``lang``."""
    env = Environment(loader=PackageLoader("decentwork.web", "templates"),
                      autoescape=select_autoescape(), extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(languages=LANGUAGES, lang=lang, time_series=charts.time_series,
                       sparkline=charts.sparkline, ranked_bars=charts.ranked_bars)
    return env


def chosen(request: Request) -> str:
    """The language of ``request``: ``?lang=``, else the cookie, else English.

    Raises:
        QueryError: ``?lang=`` is not one of the languages.
    """
    asked = request.query_params.get("lang")
    if asked is not None:
        if asked not in LANGUAGES:
            raise QueryError(f"lang {asked!r}: expected one of {', '.join(LANGUAGES)}")
        return asked
    remembered = request.cookies.get(COOKIE)
    return remembered if remembered in LANGUAGES else DEFAULT
