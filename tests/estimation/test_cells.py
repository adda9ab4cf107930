"""The one-pass aggregate: portable SQL, one query over the microdata, a small cell table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import sqlglot
from sqlglot import exp

from decentwork.estimation import Design, EstimationError, estimate
from decentwork.estimation.cells import CellPlan, Statistic, build_sql, build_sql_chunks

PORTABLE_FUNCTIONS = {"Sum", "Count", "Min", "Max", "Cast", "Case", "If", "IsNan", "And", "Or"}


def plan(design: Design, replicates: tuple[str, ...] = (), gram: bool = False) -> CellPlan:
    return CellPlan(
        design=design,
        statistics=(
            Statistic("ur", "ratio", "unemp", "lf"),
            Statistic("lf", "total", "lf"),
            Statistic("hours", "mean", "hours"),
        ),
        by_columns=("sex", "region"),
        replicate_columns=replicates,
        moments=design.psu is None and not design.is_replicate,
        gram=gram,
    )


TYPES = {
    "stratum": "INTEGER",
    "psu": "INTEGER",
    "w": "DOUBLE",
    "fpc": "DOUBLE",
    "sex": "INTEGER",
    "region": "VARCHAR",
    "unemp": "INTEGER",
    "lf": "INTEGER",
    "hours": "DOUBLE",
    "r1": "DOUBLE",
    "r2": "DOUBLE",
}


def functions(sql: str, dialect: str = "duckdb") -> set[str]:
    tree = sqlglot.parse_one(sql, read=dialect)
    return {type(node).__name__ for node in tree.walk() if isinstance(node, exp.Func)}


def test_aggregate_sql_uses_only_portable_functions_and_transpiles_to_spark() -> None:
    designs = [
        plan(Design(weight="w", strata="stratum", psu="psu", fpc="fpc")),
        plan(Design(weight="w", strata="stratum")),
        plan(
            Design(weight="w", replicate_weights=["r1", "r2"], replicate_method="jk1"),
            replicates=("r1", "r2"),
            gram=True,
        ),
    ]
    for cell_plan in designs:
        sql = build_sql(cell_plan, "microdata", TYPES)
        assert functions(sql) <= PORTABLE_FUNCTIONS, functions(sql) - PORTABLE_FUNCTIONS
        spark = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
        assert "GROUP BY" in spark
        in_spark = functions(spark, dialect="spark") - {"TryCast"}  # sqlglot's name for CAST
        assert in_spark <= PORTABLE_FUNCTIONS, in_spark - PORTABLE_FUNCTIONS


def test_replicate_design_groups_by_cells_only() -> None:
    design = Design(weight="w", replicate_weights=["r1", "r2"], replicate_method="jk1")
    sql = build_sql(plan(design, replicates=("r1", "r2")), "microdata", TYPES)
    assert sql.endswith('GROUP BY "sex", "region"')


def test_microdata_are_read_once_for_many_grouping_sets() -> None:
    """A one-shot Arrow stream can be read only once: the kernel's single pass suffices."""
    rng = np.random.default_rng(3)
    n = 5_000
    frame = pd.DataFrame(
        {
            "stratum": rng.integers(1, 6, n),
            "psu": rng.integers(1, 5, n),
            "w": rng.uniform(1, 3, n),
            "sex": rng.integers(1, 3, n),
            "region": rng.integers(1, 4, n),
            "age": rng.integers(1, 7, n),
            "lf": rng.integers(0, 2, n),
        }
    )
    table = pa.Table.from_pandas(frame)
    stream = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=500))
    design = Design(weight="w", strata="stratum", psu="psu")
    by = [(), ("sex",), ("region",), ("age",), ("sex", "region"), ("sex", "region", "age")]
    once = estimate(stream, design, totals=["lf"], by=by)
    again = estimate(table, design, totals=["lf"], by=by)
    assert len(once) == 1 + 2 + 3 + 6 + 6 + 36
    pd.testing.assert_frame_equal(once, again)
    assert once["estimate"].iloc[0] == pytest.approx((frame["w"] * frame["lf"]).sum(), rel=1e-12)


def test_grouping_sets_with_a_key_space_beyond_64_bits_are_exact() -> None:
    """Five by-variables of ~3,000 levels each: codes cannot be packed into one integer."""
    rng = np.random.default_rng(8)
    n = 6_000
    frame = pd.DataFrame(
        {
            "stratum": np.repeat(np.arange(10), n // 10),
            "psu": np.tile(np.arange(6), n // 6),
            "w": rng.uniform(1, 3, n),
            "one": 1,
            **{f"v{j}": rng.integers(0, 3_000, n) for j in range(5)},
        }
    )
    variables = [f"v{j}" for j in range(5)]
    result = estimate(
        frame,
        Design(weight="w", strata="stratum", psu="psu"),
        totals=["one"],
        by=[tuple(variables)],
    )
    truth = frame.groupby(variables)["w"].sum()
    ours = result.set_index(variables)["estimate"]
    ours.index = ours.index.set_levels([level.astype(int) for level in ours.index.levels])
    assert len(ours) == len(truth)
    pd.testing.assert_series_equal(
        ours.sort_index(), truth.sort_index(), check_names=False, rtol=1e-12
    )


def test_precision_fallback_needs_a_second_read_and_says_so_for_a_stream() -> None:
    i = np.arange(5_000)
    frame = pd.DataFrame({"w": 1.0 + i % 3, "y": 1e9 + i % 2})
    table = pa.Table.from_pandas(frame)
    exact = estimate(table, Design(weight="w"), means=["y"])
    centred = estimate(frame.assign(y=frame["y"] - 1e9), Design(weight="w"), means=["y"])
    assert exact["se"].iloc[0] == pytest.approx(centred["se"].iloc[0], rel=1e-9)
    stream = pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
    with pytest.raises(EstimationError, match="one-shot stream"):
        estimate(stream, Design(weight="w"), means=["y"])


def test_a_wide_aggregate_runs_as_portable_slices_with_the_same_keys() -> None:
    replicates = tuple(f"r{k}" for k in range(30))
    design = Design(weight="w", replicate_weights=list(replicates), replicate_method="bootstrap")
    types = {**TYPES, **dict.fromkeys(replicates, "DOUBLE")}
    wide = plan(design, replicates=replicates, gram=True)
    whole = sqlglot.parse_one(build_sql(wide, "microdata", types), read="duckdb")
    n_sums = len(whole.expressions) - 2  # the two keys
    chunks = build_sql_chunks(wide, "microdata", types, max_sums=100)
    assert len(chunks) == -(-n_sums // 100) > 1
    aliases = []
    for sql in chunks:
        tree = sqlglot.parse_one(sql, read="duckdb")
        assert [e.sql() for e in tree.expressions[:2]] == ['"sex"', '"region"']
        assert len(tree.expressions) - 2 <= 100
        assert sql.endswith('GROUP BY "sex", "region"\nORDER BY "sex", "region"')
        assert functions(sql) <= PORTABLE_FUNCTIONS
        aliases += [e.alias for e in tree.expressions[2:]]
    assert aliases[0] == "__records"  # the checks come in the first slice
    assert aliases == [e.alias for e in whole.expressions[2:]]
    assert build_sql_chunks(wide, "microdata", types, max_sums=n_sums) == [
        build_sql(wide, "microdata", types)
    ]
