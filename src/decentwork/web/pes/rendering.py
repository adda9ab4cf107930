"""The PES pages' HTML: the templates (``web/templates/pes/``, extending the dashboard's
``base.html``) in the visitor's language, their strings from the PES pages' own Babel
catalogues (``web/pes/locales/``) and the dashboard's (for the base template's).

The PES templates mark their strings with ``tr(...)`` rather than ``_(...)``, so that the
dashboard's message extraction (``babel.cfg``, ``_``) does not take them for its own; their
catalogues are extracted with ``pybabel extract -k tr`` (``docs/pes.md``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from gettext import NullTranslations
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from decentwork.errors import BadInput
from decentwork.pes.access import Actor
from decentwork.pes.sessions import csrf_token
from decentwork.translations import LANGUAGES, translations
from decentwork.web import languages
from decentwork.web.pes.authentication import session_id
from decentwork.web.pes.state import state_of

PACKAGE = "decentwork.web.pes"
"""The package whose ``locales/`` hold the PES pages' catalogues."""
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


class Layered(NullTranslations):
    """The PES pages' strings, then the dashboard's (for the base template's), else the
    English message itself."""

    def __init__(self, own: NullTranslations, shared: NullTranslations) -> None:
        super().__init__()
        self.own, self.shared = own, shared

    def gettext(self, message: str) -> str:
        """``message`` translated by the PES catalogue, else the dashboard's."""
        found = self.own.gettext(message)
        return found if found != message else self.shared.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural of a message, translated as :meth:`gettext` does."""
        found = self.own.ngettext(singular, plural, n)
        if found not in (singular, plural):
            return found
        return self.shared.ngettext(singular, plural, n)


@cache
def environment(lang: str) -> Environment:
    """The Jinja2 environment of the PES templates, speaking ``lang``."""
    env = Environment(
        loader=PackageLoader("decentwork.web", "templates"),
        autoescape=select_autoescape(),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]  # added by the i18n extension
        Layered(translations(PACKAGE, lang), translations("decentwork.web", lang)), newstyle=True
    )
    env.globals.update(languages=LANGUAGES, lang=lang, tr=env.globals["gettext"])
    return env


def address(request: Request) -> Callable[..., str]:
    """Builds the address of the page with some query parameters changed (``lang=`` for the
    language switcher, ``offset=`` for pages of a list)."""

    def build(**changes: Any) -> str:
        params = {
            **request.query_params,
            **{k: str(v) for k, v in changes.items() if v is not None},
        }
        query = urlencode({k: v for k, v in params.items() if v != ""})
        return f"{request.url.path}?{query}" if query else request.url.path

    return build


def language(request: Request) -> str:
    """The page's language; an unknown ``?lang=`` falls back to English on an error page."""
    try:
        return languages.chosen(request)
    except BadInput:
        return languages.DEFAULT


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The page ``pes/<template>`` in the request's language, for ``actor`` (whose menu
    and session's CSRF token the page gets); a ``?lang=`` is remembered in the dashboard's
    language cookie.

    Raises:
        BadInput: an unknown ``?lang=``.
    """
    lang = languages.chosen(request)
    csrf = None if actor is None else csrf_token(state_of(request).registry, session_id(request))
    html = (
        environment(lang)
        .get_template(f"pes/{template}")
        .render(request=request, address=address(request), actor=actor, csrf=csrf, **context)
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Language"] = lang
    if "lang" in request.query_params:
        response.set_cookie(languages.COOKIE, lang, max_age=LANGUAGE_COOKIE_AGE, samesite="lax")
    return response


def error_page(request: Request, status: int, detail: str, hint: str | None) -> HTMLResponse:
    """An error as a PES page in the visitor's language (the detail in English)."""
    lang = language(request)
    html = (
        environment(lang)
        .get_template("pes/error.html")
        .render(
            request=request,
            address=address(request),
            actor=None,
            csrf=None,
            status=status,
            detail=detail,
            hint=hint,
        )
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Language"] = lang
    return response


def redirect(target: str) -> RedirectResponse:
    """Go to ``target`` (a GET after a form: 303 See Other)."""
    return RedirectResponse(target, status_code=303)
