"""The columns of the synthetic survey: names, Arrow types and descriptions, and the
conversion of a block's numpy arrays (with -1 or NaN for questions not asked) to Arrow."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from decentwork.synthetic.draws import NOT_ASKED

COLUMNS: list[tuple[str, pa.DataType, str]] = [
    ("stratum", pa.int32(), "Stratum, 1..S; each stratum lies in one region"),
    ("psu", pa.int32(), "Primary sampling unit, 1..P, unique across strata"),
    ("household", pa.int64(), "Household, unique across PSUs"),
    ("person", pa.int32(), "Line number within the household (1: head)"),
    ("weight", pa.float64(), "Design weight: inverse of the inclusion probability"),
    ("region", pa.int32(), "Region, 1..10"),
    ("urban", pa.int32(), "Area of the PSU: 1 urban, 2 rural"),
    ("sex", pa.int32(), "Sex: 1 male, 2 female"),
    ("age", pa.int32(), "Age in completed years, 0..95"),
    ("education", pa.int32(), "Highest ISCED 2011 level attained, 0..8 (age 5+)"),
    ("attending", pa.int32(), "Currently attending education or training: 1 yes, 2 no (age 5-40)"),
    ("worked", pa.int32(), "Worked at least one hour last week: 1 yes, 2 no (age 15+)"),
    ("absent", pa.int32(), "Temporarily absent from a job: 1 yes, 2 no (did not work)"),
    ("looked", pa.int32(), "Looked for work in the last four weeks: 1 yes, 2 no (not employed)"),
    ("available", pa.int32(), "Available to start within two weeks: 1 yes, 2 no (not employed)"),
    ("wants_more_hours", pa.int32(), "Wants to work more hours: 1 yes, 2 no (employed)"),
    ("hours", pa.float64(), "Hours actually worked last week in all jobs (employed)"),
    ("earnings", pa.float64(), "Monthly earnings from the main job (employees; null if refused)"),
    ("isco", pa.int32(), "Occupation of the main job, ISCO-08 unit group (employed)"),
    ("isic", pa.int32(), "Industry of the main job, ISIC Rev.4 division (employed)"),
    (
        "status",
        pa.int32(),
        "Status in employment, ICSE-93: 1 employee, 2 employer, "
        "3 own-account worker, 4 member of producers' cooperative, 5 contributing family "
        "worker, 6 not classifiable (employed)",
    ),
    ("registered", pa.int32(), "Enterprise registered: 1 yes, 2 no (employed, not employees)"),
    (
        "social_security",
        pa.int32(),
        "Employer contributes to social security: 1 yes, 2 no (employees)",
    ),
]

SCHEMA = pa.schema(
    [pa.field(name, kind, metadata={"description": text}) for name, kind, text in COLUMNS]
)


def _array(values: np.ndarray, kind: pa.DataType, missing: np.ndarray) -> pa.Array:
    """An Arrow array of ``values`` with nulls where ``missing``; the validity bitmap is packed
    directly, which is much faster than ``pa.array(..., mask=)``."""
    values = np.ascontiguousarray(values, dtype=kind.to_pandas_dtype())
    nulls = int(np.count_nonzero(missing))
    if nulls == 0:
        return pa.array(values, type=kind)
    validity = np.packbits(~missing, bitorder="little")
    return pa.Array.from_buffers(
        kind, len(values), [pa.py_buffer(validity), pa.py_buffer(values)], null_count=nulls
    )


def to_table(columns: dict[str, np.ndarray]) -> pa.Table:
    """An Arrow table in :data:`SCHEMA` order; -1 in integer and NaN in float columns become
    nulls."""
    arrays = []
    for field in SCHEMA:
        values = columns[field.name]
        missing = np.isnan(values) if pa.types.is_floating(field.type) else values == NOT_ASKED
        arrays.append(_array(values, field.type, missing))
    return pa.Table.from_arrays(arrays, schema=SCHEMA)
