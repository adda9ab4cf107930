"""Occupation codes suggested for a free-text job title: the :class:`Suggester` the pages and
the API ask, and :class:`LazyCoder`, the real one, which loads the
:class:`~decentwork.classifications.OccupationCoder` (a model of about 150 MB, fitted the first
time it is needed) once per process, on the first suggestion asked for, so that a server
starts at once and a test can give a small suggester of its own instead."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from decentwork.classifications.occupation_coder import OccupationCoder

SUGGESTIONS = 5
"""Codes suggested for a title."""


@dataclass(frozen=True)
class Suggestion:
    """An ISCO-08 unit group suggested for a text: its code, title and the coder's calibrated
    confidence (0 to 1)."""

    code: str
    title: str
    confidence: float


class Suggester(Protocol):
    """What suggests ISCO-08 unit groups for a job title."""

    def suggest(self, text: str, k: int = SUGGESTIONS) -> list[Suggestion]:
        """The ``k`` likeliest unit groups for ``text``, best first.

        Raises:
            BadInput: an empty or too long text.
            Unavailable: the coder cannot be loaded (its classification files are missing,
                say).
        """
        ...


class LazyCoder:
    """The occupation coder on the classification files in ``folder`` (default: the data
    directory), loaded on first use, once, whichever thread asks first."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._coder: OccupationCoder | None = None
        self._loading = threading.Lock()

    def coder(self) -> OccupationCoder:
        """The loaded coder (loading it the first time: seconds, or minutes to fit it once).

        Raises:
            FetchError: the classification files have not been fetched.
            Unavailable: a fitted model cannot be cached.
        """
        with self._loading:
            if self._coder is None:
                from decentwork.classifications.occupation_coder import OccupationCoder

                self._coder = OccupationCoder(self.folder)
            return self._coder

    def suggest(self, text: str, k: int = SUGGESTIONS) -> list[Suggestion]:
        """The ``k`` likeliest ISCO-08 unit groups for ``text``, best first.

        Raises:
            CoderError: an empty or too long text.
            FetchError: the classification files have not been fetched.
        """
        [coding] = self.coder().code([text], k=k)
        return [Suggestion(c.code, c.title, c.confidence) for c in coding.candidates]
