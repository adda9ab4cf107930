"""Notes on observations (ILOSTAT's ``note_indicator``): several can apply to one figure (a
national definition, an average, a suppression), so each is added after those already there.
"""

from __future__ import annotations

import pandas as pd

SEPARATOR = "; "


def add_note(notes: pd.Series, note: str) -> pd.Series:
    """``notes`` with ``note`` added to each, after a note already there."""
    return notes.fillna("").map(
        lambda existing: f"{existing}{SEPARATOR}{note}" if existing else note
    )
