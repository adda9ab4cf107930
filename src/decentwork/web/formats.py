"""Observations as API responses: JSON (rows as objects, missing numbers ``null``) and CSV
(the observation columns in schema order, written as ``decentwork query --format csv``
writes them)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pandas as pd
from fastapi.responses import JSONResponse, Response

from decentwork.observations import COLUMNS, writers

Format = Literal["json", "csv"]
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def _plain(value: Any) -> Any:
    """A cell as a JSON value: missing numbers as None, NumPy scalars as Python ones."""
    if value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def records(found: pd.DataFrame) -> list[dict[str, Any]]:
    """Observation rows as JSON-ready objects with the observation columns in order."""
    return [
        dict(zip(COLUMNS, map(_plain, row), strict=True))
        for row in found[list(COLUMNS)].itertuples(index=False, name=None)
    ]


def csv_text(found: pd.DataFrame) -> str:
    """Observations as CSV: a header with the observation columns, one line per row, text
    that a spreadsheet would take for a formula made inert."""
    return writers.csv_text(found[list(COLUMNS)])


def json_response(payload: Any, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """``payload`` as a JSON response (UTF-8, no NaN)."""
    return JSONResponse(payload, headers=dict(headers or {}))


def csv_response(
    found: pd.DataFrame,
    filename: str,
    headers: Mapping[str, str] | None = None,
    *,
    columns: Sequence[str] = COLUMNS,
) -> Response:
    """Observations (or another table: its ``columns``) as a CSV response, named
    ``filename`` for browsers that save it."""
    return Response(
        writers.csv_text(found[list(columns)]),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'inline; filename="{filename}"', **(headers or {})},
    )
