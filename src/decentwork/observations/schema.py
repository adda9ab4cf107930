"""The observation table: ILOSTAT's columns plus the estimates' uncertainty (see
docs/architecture.md). Every computed figure leaves decentwork in this shape."""

from __future__ import annotations

import pandas as pd

KEY_COLUMNS = ("ref_area", "indicator", "source", "sex", "classif1", "classif2", "time")
"""What identifies an observation."""

COLUMNS = (
    *KEY_COLUMNS,
    "obs_value",
    "obs_status",
    "se",
    "lower_bound",
    "upper_bound",
    "cv",
    "sample_count",
    "note_indicator",
    "note_source",
    "note_classif",
)
"""Observation columns, in order. Rates are in percent, counts in thousands, SEs and bounds in
the same unit; ``cv`` is the coefficient of variation in percent; ``sample_count`` is the
number of sample records the estimate rests on."""

CHANGE_COLUMNS = ("since", "change", "change_se", "change_significant")
"""The columns of a table of changes beside the observation key (``decentwork compute
--changes`` writes it, the warehouse stores it): the earlier period, the change of the value
since then in the value's unit, its standard error, and whether it is significant at 95 %."""

TEXT_COLUMNS = (*KEY_COLUMNS, "obs_status", "note_indicator", "note_source", "note_classif")
FLOAT_COLUMNS = ("obs_value", "se", "lower_bound", "upper_bound", "cv")


def frame(rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """``rows`` (or no rows) with exactly the observation columns, typed and in order;
    absent text columns are empty strings, absent numbers missing."""
    rows = pd.DataFrame() if rows is None else rows
    out = pd.DataFrame(index=rows.index)
    for column in COLUMNS:
        if column in TEXT_COLUMNS:
            values = rows.get(column, "")
            out[column] = pd.Series(values, index=rows.index, dtype=object).fillna("").astype(str)
        elif column == "sample_count":
            out[column] = pd.Series(rows.get(column, pd.NA), index=rows.index).astype("Int64")
        else:
            out[column] = pd.Series(rows.get(column, float("nan")), index=rows.index, dtype=float)
    return out.reset_index(drop=True)


SORT_ORDER = ("indicator", "ref_area", "source", "time", "sex", "classif1", "classif2")
"""The key columns in the order observations are sorted by."""


def sort(observations: pd.DataFrame) -> pd.DataFrame:
    """Observations in key order (:data:`SORT_ORDER`)."""
    return observations.sort_values(list(SORT_ORDER), kind="stable").reset_index(drop=True)
