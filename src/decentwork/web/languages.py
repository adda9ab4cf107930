"""The dashboard's languages: Babel message catalogues (``locales/<lang>/LC_MESSAGES/
messages.po``, read at start-up, no compiled ``.mo`` files needed) and one Jinja2
environment per language with the i18n extension installed.

The language of a request is ``?lang=`` (which the response remembers in a cookie), else the
cookie, else English; an unknown ``lang`` is refused with 422."""

from __future__ import annotations

from functools import cache, partial
from importlib import resources

from fastapi import Request
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from decentwork import charts, formatting, names
from decentwork.translations import LANGUAGES, catalogue, check_language, translations
from decentwork.web.tables import (
    OBSERVATION_COLUMNS,
    number,
    observation_notes,
    observation_rows,
)

DEFAULT = "en"
COOKIE = "lang"


def catalogue_path(lang: str) -> resources.abc.Traversable:
    """The ``.po`` file of ``lang``."""
    return catalogue("decentwork.web", lang)


@cache
def environment(lang: str) -> Environment:
    """The Jinja2 environment of the templates, speaking ``lang``."""
    env = Environment(
        loader=PackageLoader("decentwork.web", "templates"),
        autoescape=select_autoescape(),
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,
    )  # templates change with the package, not while served
    env.install_gettext_translations(translations("decentwork.web", lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        languages=LANGUAGES,
        lang=lang,
        time_series=partial(charts.time_series, lang=lang),
        sparkline=partial(charts.sparkline, lang=lang),
        ranked_bars=partial(charts.ranked_bars, lang=lang),
        progress_chart=partial(charts.progress_chart, lang=lang),
        number=partial(number, lang=lang),
        formatting=formatting,
        observation_rows=partial(observation_rows, lang=lang),
        observation_notes=observation_notes,
        OBSERVATION_COLUMNS=OBSERVATION_COLUMNS,
        label=partial(label, lang=lang),
        named=partial(named, lang=lang),
        plain=partial(plain, lang=lang),
    )
    return env


def label(text: str, text_lang: str | None, note: str, *, lang: str) -> Markup | str:
    """A code's label on a page in ``lang``: as it is, or, when it is in another language
    (``text_lang``: the English fallback), marked as such, followed by ``note`` (the page's
    "(English)")."""
    if text_lang and text_lang != lang:
        return Markup('<span lang="{}">{}</span> <small class="fallback">{}</small>').format(
            text_lang, text, note
        )
    return text


def named(english: str | None, *, lang: str) -> Markup | str:
    """A text from the data (a framework's title, a status, a breakdown's label) on a page
    in ``lang``: the names catalogue's translation (:mod:`decentwork.names`, which the
    briefs read too), else the English marked as such."""
    if not english:
        return ""
    found = names.text(english, lang)
    return label(
        found.text, found.lang, translations("decentwork.web", lang).gettext("(English)"), lang=lang
    )


def plain(english: str | None, *, lang: str) -> str:
    """:func:`named` without the mark, for a page's title and a chart's (plain text)."""
    return names.text(english, lang).text if english else ""


def chosen(request: Request) -> str:
    """The language of ``request``: ``?lang=``, else the cookie, else English.

    Raises:
        BadInput: ``?lang=`` is not one of the languages (422).
    """
    asked = request.query_params.get("lang")
    if asked is not None:
        return check_language(asked)
    return remembered(request.cookies.get(COOKIE))


async def checked(request: Request) -> None:
    """Refuse a bad ``?lang=`` before a page does any work (a router's dependency; async, so
    that it runs without a trip to a worker thread).

    Raises:
        BadInput: ``?lang=`` is not one of the languages (422).
    """
    chosen(request)


def remembered(cookie: str | None) -> str:
    """The language a ``lang`` cookie gives: its value, when one of the languages, else
    English."""
    return cookie if cookie is not None and cookie in LANGUAGES else DEFAULT
