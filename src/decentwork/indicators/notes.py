"""Notes on observations (ILOSTAT's ``note_indicator``): several can apply to one figure (a
national definition, an average, a suppression), so each is added after those already there.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

SEPARATOR = "; "


def add_note(notes: pd.Series, note: str | Sequence[str]) -> pd.Series:
    """``notes`` with ``note`` added to each (or, given one note per row, each its own),
    after a note already there."""
    added = [note] * len(notes) if isinstance(note, str) else list(note)
    return pd.Series(
        [
            f"{existing}{SEPARATOR}{new}" if existing else new
            for existing, new in zip(notes.fillna(""), added, strict=True)
        ],
        index=notes.index,
        dtype=object,
    )
