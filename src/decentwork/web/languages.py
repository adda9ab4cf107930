"""The dashboard's languages: Babel message catalogues (``locales/<lang>/LC_MESSAGES/
messages.po``, read at start-up, no compiled ``.mo`` files needed) and one Jinja2
environment per language with the i18n extension installed.

The language of a request is ``?lang=`` (which the response remembers in a cookie), else the
cookie, else English; an unknown ``lang`` is refused with 422."""

from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi import Request
from jinja2 import Environment, PackageLoader, select_autoescape

from decentwork import charts
from decentwork.translations import LANGUAGES, catalogue, check_language, translations

DEFAULT = "en"
COOKIE = "lang"


def catalogue_path(lang: str) -> resources.abc.Traversable:
    """The ``.po`` file of ``lang``."""
    return catalogue("decentwork.web", lang)


@cache
def environment(lang: str) -> Environment:
    """The Jinja2 environment of the templates, speaking ``lang``."""
    env = Environment(loader=PackageLoader("decentwork.web", "templates"),
                      autoescape=select_autoescape(), extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations("decentwork.web", lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(languages=LANGUAGES, lang=lang, time_series=charts.time_series,
                       sparkline=charts.sparkline, ranked_bars=charts.ranked_bars,
                       progress_chart=charts.progress_chart)
    return env


def chosen(request: Request) -> str:
    """The language of ``request``: ``?lang=``, else the cookie, else English.

    Raises:
        BadInput: ``?lang=`` is not one of the languages (422).
    """
    asked = request.query_params.get("lang")
    if asked is not None:
        return check_language(asked)
    remembered = request.cookies.get(COOKIE)
    return remembered if remembered in LANGUAGES else DEFAULT
