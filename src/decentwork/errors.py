"""The one family of errors decentwork raises for problems its users can fix.

Every failure a user can act on (a bad file, an unknown code, a warehouse that cannot be
opened) is a :class:`DecentworkError`: a message, plus structured fields saying what was
given, what was expected and how to fix it, an HTTP status for the web app and an exit status
for the command line. The command line turns any of them into a message in one place
(:mod:`decentwork.cli`), the web app in one exception handler (:mod:`decentwork.web.app`).
Anything else that escapes (a ``TypeError``, a ``KeyError``) is a programming error and is
never reported as the user's fault.

Library messages speak of parameters (``as_of``), never of command-line flags; the command
line maps parameters to its flags' names (:attr:`DecentworkError.parameter`).
"""

from __future__ import annotations

from typing import ClassVar


class DecentworkError(Exception):
    """A problem the user can fix, with what was given, what was expected and a hint.

    Attributes:
        message: the whole sentence shown to the user (names the file, line and field
            where there is one).
        parameter: the function parameter the problem is about, if any (the command line
            shows its own flag for it).
        given: what was given, as text, if useful.
        expected: what was expected instead.
        hint: how to fix it.
        status: the HTTP status the web app answers with.
        exit_code: the command line's exit status.
    """

    status: ClassVar[int] = 400
    exit_code: ClassVar[int] = 2

    def __init__(
        self,
        message: str,
        *,
        parameter: str | None = None,
        given: object = None,
        expected: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.parameter = parameter
        self.given = None if given is None else str(given)
        self.expected = expected
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    def details(self) -> dict[str, str]:
        """The structured fields that are set, for a JSON error body."""
        fields = {
            "parameter": self.parameter,
            "given": self.given,
            "expected": self.expected,
            "hint": self.hint,
        }
        return {name: value for name, value in fields.items() if value is not None}


class BadInput(DecentworkError, ValueError):
    """A value, file, row or field is not what was expected (HTTP 422)."""

    status = 422


class NotFound(DecentworkError, LookupError):
    """A file, code, record or resource that was asked for does not exist (HTTP 404)."""

    status = 404


class Conflict(DecentworkError):
    """The request clashes with the current state: a record changed meanwhile, a lock is
    held, a name is taken (HTTP 409)."""

    status = 409


class Unavailable(DecentworkError):
    """Something decentwork depends on cannot be reached or used: a database, a download, a
    program such as R (HTTP 503)."""

    status = 503


class Refused(DecentworkError):
    """The caller may not do this: not logged in, wrong role, wrong centre (HTTP 403)."""

    status = 403
