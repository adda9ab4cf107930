"""Reliability flags: ILOSTAT's ``obs_status`` from each estimate's sample count and CV."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from decentwork.indicators.notes import add_note

UNRELIABLE = "U"
SUPPRESSED_NOTE = "Suppressed: fewer than {n} sample records"


class ReliabilityRule(BaseModel):
    """When an estimate is flagged unreliable (``U``) or suppressed.

    Defaults: ``U`` when fewer than 15 sample records enter the estimate or its coefficient of
    variation exceeds 33.3 %; nothing suppressed. With ``suppress_below=5``, estimates from
    fewer than 5 records lose their value and uncertainty (the row stays, flagged ``U``, with
    a note saying why, after any note it had).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_count: int = Field(default=15, ge=0)
    max_cv: float = Field(default=33.3, gt=0)
    suppress_below: int | None = Field(default=None, ge=1)

    def apply(self, observations: pd.DataFrame) -> pd.DataFrame:
        """``observations`` with ``obs_status`` set and small cells suppressed (a copy).

        Reads ``sample_count`` and ``cv`` (percent); an estimate without a CV (zero) is judged
        by its count alone.
        """
        out = observations.copy()
        count = out["sample_count"].to_numpy()
        cv = out["cv"].to_numpy(dtype=float)
        unreliable = (count < self.min_count) | (np.nan_to_num(cv, nan=0.0) > self.max_cv)
        out["obs_status"] = np.where(unreliable, UNRELIABLE, "")
        if self.suppress_below:
            small = count < self.suppress_below
            for column in ("obs_value", "se", "lower_bound", "upper_bound", "cv"):
                out.loc[small, column] = np.nan
            out.loc[small, "obs_status"] = UNRELIABLE
            out.loc[small, "note_indicator"] = add_note(
                out.loc[small, "note_indicator"], SUPPRESSED_NOTE.format(n=self.suppress_below)
            )
        return out
