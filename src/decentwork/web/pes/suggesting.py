"""Occupation codes suggested on a form: the suggester's answer, or why there is none (an
empty text, a coder that cannot be loaded), to show beside the text instead of failing the
page."""

from __future__ import annotations

from decentwork.errors import BadInput, Unavailable
from decentwork.web.pes.coding import Suggester, Suggestion


def suggested(suggester: Suggester, text: str) -> tuple[list[Suggestion], str | None]:
    """The codes suggested for ``text``, or none and why."""
    try:
        return suggester.suggest(text), None
    except (BadInput, Unavailable) as error:
        return [], error.message
