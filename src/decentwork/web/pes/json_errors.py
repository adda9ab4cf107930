"""Errors as the PES API answers them: JSON with the error's message (``detail``) and
structured fields (``parameter``, ``given``, ``expected``, ``hint``), each field's problem
(``problems``) for a refused record, and the likely duplicates (``candidates``) for a
registration refused as one. No personal value given is ever repeated."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decentwork.errors import DecentworkError
from decentwork.pes.duplicates import LikelyDuplicate
from decentwork.pes.models import InvalidRecord

LOCATIONS = ("body", "query", "path", "header", "cookie")
"""The first part of a FastAPI validation error's location, which is not a field's."""


def error_body(error: DecentworkError) -> dict[str, Any]:
    """The JSON answer to ``error``."""
    body: dict[str, Any] = {"detail": error.message, **error.details()}
    if isinstance(error, InvalidRecord):
        body["problems"] = [{"field": p.field, "message": p.message} for p in error.problems]
    if isinstance(error, LikelyDuplicate):
        body["confirmable"] = error.confirmable
        body["candidates"] = [
            {
                "seeker": c.seeker_id,
                "centre": c.centre,
                "reason": c.reason,
                "similarity": c.similarity,
            }
            for c in error.candidates
        ]
    return body


def validation_problems(errors: Sequence[Any]) -> list[dict[str, str]]:
    """FastAPI's validation errors as ``{"field", "message"}`` (``occupations[0].isco``,
    ``required``), without the values given; a check of a whole record names its field
    (``birth_date: ...``)."""
    found = []
    for error in errors:
        location = list(error["loc"])
        path = ""
        for part in location[1:] if location[:1] and location[0] in LOCATIONS else location:
            if isinstance(part, int):
                path += f"[{part}]"
            else:
                path += f".{part}" if path else str(part)
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "required"
        named, colon, rest = message.partition(": ")
        if error["type"] == "value_error" and colon and named.isidentifier():
            path, message = (f"{path}.{named}" if path else named), rest
        found.append({"field": path or "body", "message": message})
    return found
