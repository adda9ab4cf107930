"""Synthetic observation tables: distinct keys, and 95 % bounds from the kernel's quantile."""

from __future__ import annotations

import numpy as np
import pytest

from decentwork.errors import BadInput
from decentwork.estimation.intervals import normal_quantile
from decentwork.observations import COLUMNS, KEY_COLUMNS
from decentwork.synthetic.observations import observation_table


def test_rows_are_distinct_observations_with_normal_95_percent_bounds() -> None:
    table = observation_table(2000, seed=4)
    assert list(table.columns) == list(COLUMNS) and len(table) == 2000
    assert not table.duplicated(list(KEY_COLUMNS)).any()
    half = normal_quantile(0.95) * table["se"]
    np.testing.assert_allclose(table["lower_bound"], (table["obs_value"] - half).round(4))
    np.testing.assert_allclose(table["upper_bound"], (table["obs_value"] + half).round(4))


def test_negative_rows_are_refused() -> None:
    with pytest.raises(BadInput, match="rows=-1") as raised:
        observation_table(-1)
    assert raised.value.parameter == "rows"
