"""Who is asking: officers' sessions (a cookie holding the session's id, which the registry
keeps only as a hash), the CSRF token every form carries, the login form's own token (a
cookie compared with the form's, since there is no session yet), and the API's bearer tokens.

The cookies are HttpOnly, SameSite=Lax, limited to ``/pes`` and Secure when the page is
served over https (behind a proxy, run uvicorn with ``--proxy-headers`` so that it knows).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import FormData

from decentwork.errors import Refused
from decentwork.pes import sessions, tokens
from decentwork.pes.access import Actor, Interface
from decentwork.pes.sessions import NotAuthenticated
from decentwork.web.pes.state import RegistryOf

SESSION_COOKIE = "pes_session"
LOGIN_COOKIE = "pes_login"
COOKIE_PATH = "/pes"
CSRF_FIELD = "csrf"
LOGGED_OUT = "not logged in, or the session has expired"
FORGED = "the form's security token is missing or wrong"


def client_address(request: Request) -> str:
    """The client's IP address, which login throttling counts failures by."""
    return request.client.host if request.client else "unknown"


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    """Give the browser a PES cookie: HttpOnly, SameSite=Lax, for ``/pes`` only, Secure over
    https, gone when the browser closes (the registry ends the session itself)."""
    response.set_cookie(
        name,
        value,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def forget_cookie(request: Request, response: Response, name: str) -> None:
    """Tell the browser to drop a PES cookie."""
    response.delete_cookie(
        name, path=COOKIE_PATH, httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )


def session_id(request: Request) -> str:
    """The session id the browser sent.

    Raises:
        NotAuthenticated: none.
    """
    found = request.cookies.get(SESSION_COOKIE)
    if not found:
        raise NotAuthenticated(LOGGED_OUT, hint="log in")
    return found


def _page_actor(request: Request, registry: RegistryOf) -> Actor:
    """The officer (or other user) whose session the request carries.

    Raises:
        NotAuthenticated: no session, or it has expired or ended.
        Refused: the user has been disabled.
    """
    return sessions.session_actor(registry, session_id(request), interface=Interface.WEB)


async def _form(request: Request) -> FormData:
    """The submitted form (read once; Starlette keeps it for the route)."""
    return await request.form()


def field(form: FormData, name: str) -> str:
    """A form field's text (empty when it is missing or a file)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _posting_actor(
    request: Request,
    registry: RegistryOf,
    actor: Annotated[Actor, Depends(_page_actor)],
    form: Annotated[FormData, Depends(_form)],
) -> Actor:
    """The user whose session the request carries, once the form's CSRF token is checked.

    Raises:
        NotAuthenticated: no live session.
        Refused: the form's token is missing or not the session's.
    """
    sessions.check_csrf(registry, session_id(request), field(form, CSRF_FIELD) or None)
    return actor


PageActor = Annotated[Actor, Depends(_page_actor)]
"""A page route's parameter that receives the logged-in user (GET)."""
PostingActor = Annotated[Actor, Depends(_posting_actor)]
"""A form route's parameter that receives the logged-in user once the CSRF token is good."""
Form = Annotated[FormData, Depends(_form)]
"""A form route's parameter that receives the submitted form."""


def csrf_token(request: Request, registry: RegistryOf) -> str:
    """The CSRF token of the request's session, to put in the page's forms.

    Raises:
        NotAuthenticated: no live session.
    """
    return sessions.csrf_token(registry, session_id(request))


def login_token(request: Request) -> str:
    """The login form's token: the one the browser holds already, else a new one (which
    the login page gives it as a cookie)."""
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)


def check_login_token(request: Request, form: FormData) -> None:
    """Check the login form's token against the browser's login cookie, in constant time.

    Raises:
        Refused: missing or different.
    """
    held = request.cookies.get(LOGIN_COOKIE, "")
    sent = field(form, CSRF_FIELD)
    if not held or not hmac.compare_digest(held.encode(), sent.encode()):
        raise Refused(FORGED, hint="reload the page and submit the form again")


_BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="PES API token",
    description="An API token of the PES (dwpes_...), sent as 'Authorization: Bearer dwpes_...'.",
)


def _api_actor(
    registry: RegistryOf,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)],
) -> Actor:
    """The user whose API token the request carries.

    Raises:
        NotAuthenticated: no bearer token, or an unknown or revoked one.
        Refused: the token's user has been disabled.
    """
    if credentials is None:
        raise NotAuthenticated(
            "no API token: send one as 'Authorization: Bearer dwpes_...'",
            hint="ask an administrator for a token",
        )
    return tokens.token_actor(registry, credentials.credentials, interface=Interface.API)


ApiActor = Annotated[Actor, Depends(_api_actor)]
"""An API route's parameter that receives the user whose token the request carries."""
