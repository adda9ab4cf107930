"""Logging in and out, and the start page of each role.

The login form carries a token of its own, also given to the browser as a cookie, and a
login is refused unless the two match (a page elsewhere cannot log the browser in as someone
else). Every failed login gets one message whatever was wrong, so that the page does not tell
which usernames exist; after repeated failures the registry refuses further attempts for a
while, and the page says so.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from decentwork.errors import Refused
from decentwork.pes import sessions
from decentwork.pes.access import Role
from decentwork.web.pes.authentication import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Form,
    PageActor,
    PostingActor,
    check_login_token,
    client_address,
    field,
    forget_cookie,
    login_token,
    session_id,
    set_cookie,
)
from decentwork.web.pes.forms import FieldError
from decentwork.web.pes.rendering import redirect, render
from decentwork.web.pes.state import RegistryOf

router = APIRouter(include_in_schema=False)

HOMES = {
    Role.ADMINISTRATOR: "/pes/seekers",
    Role.OFFICER: "/pes/seekers",
    Role.EMPLOYER: "/pes/vacancies",
    Role.ANALYST: "/pes/counts",
}
"""Where each role starts."""


def _next(target: str) -> str:
    """Where to go after logging in: a PES page asked for before, else the start page (never
    another site)."""
    return target if target.startswith("/pes/") and not target.startswith("//") else "/pes/"


def _login_page(
    request: Request, *, username: str = "", target: str = "", error: Refused | None = None
) -> HTMLResponse:
    token = login_token(request)
    errors = [] if error is None else [FieldError.about(error)]
    response = render(
        request,
        "login.html",
        {"title": "", "token": token, "next": target, "username": username, "errors": errors},
        status=200 if error is None else error.status,
    )
    set_cookie(request, response, LOGIN_COOKIE, token)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "") -> HTMLResponse:
    """The login form."""
    return _login_page(request, target=next)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, registry: RegistryOf, form: Form) -> Response:
    """Log in: a session cookie and the start page (or the page asked for before), or the
    form again with why not."""
    username = field(form, "username")
    target = field(form, "next")
    try:
        check_login_token(request, form)
        opened = sessions.login(
            registry, username, field(form, "password"), address=client_address(request)
        )
    except Refused as error:
        return _login_page(request, username=username, target=target, error=error)
    response = redirect(_next(target) if target else HOMES[opened.actor.role])
    set_cookie(request, response, SESSION_COOKIE, opened.id)
    forget_cookie(request, response, LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, registry: RegistryOf, actor: PostingActor) -> Response:
    """End the session and go to the login page."""
    sessions.logout(registry, session_id(request))
    response = redirect("/pes/login")
    forget_cookie(request, response, SESSION_COOKIE)
    return response


@router.get("/")
def start(actor: PageActor) -> Response:
    """The start page of the user's role."""
    return redirect(HOMES[actor.role])
