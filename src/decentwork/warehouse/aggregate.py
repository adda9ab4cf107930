"""Group aggregates: an indicator's value for a group of areas, from its members' values.

A rate is the weighted mean of the members' rates with the level of its denominator as the
weight (the labour force for an unemployment rate, the working-age population for a
participation rate...), so the group rate is the rate of the group's summed population. A
level (thousands) is the sum of the members' levels. Coverage is the share of the group's
weight (for levels, of its members) that has data; below the threshold the group gets no
value: coverage is the smaller of the share of the group's known weight that has data and
the share of its members that have data (a member without a known weight cannot be weighed).
Results are stored as observations of the group, with a note that says how they were made.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa

from decentwork import observations as schema
from decentwork.errors import BadInput
from decentwork.warehouse.groups import Group
from decentwork.warehouse.load import IndicatorMetadata, LoadReport, load_frame
from decentwork.warehouse.views import Filters, view

SOURCE = "DW:AGGREGATE"
WEIGHTS = {
    "UNE_DEAP": "EAP_TEAP_{rest}_NB",
    "SDG_0852": "EAP_TEAP_{rest}_NB",
    "EAP_DWAP": "POP_XWAP_{rest}_NB",
    "EMP_DWAP": "POP_XWAP_{rest}_NB",
    "EIP_DWAP": "POP_XWAP_{rest}_NB",
    "EMP_NIFL": "EMP_TEMP_{rest}_NB",
    "SDG_0831": "EMP_TEMP_{rest}_NB",
    "TRU_DEMP": "EMP_TEMP_{rest}_NB",
    "LUU_XLU2": "EAP_TEAP_{rest}_NB",
}
"""The weight of a rate: the indicator of its denominator's level, by the rate's first two
code parts; ``{rest}`` is the rate's breakdown part (``SEX_AGE``)."""
KEY = ("sex", "classif1", "classif2", "time")


class AggregateError(BadInput):
    """A group value that cannot be computed as asked; the message says why."""


@dataclass(frozen=True)
class Aggregated:
    """The group's observations, those refused for low coverage, and the stored release."""

    rows: pd.DataFrame
    refused: pd.DataFrame
    report: LoadReport | None


def weight_indicator(indicator: str) -> str:
    """The level that weights ``indicator`` (a rate), e.g. UNE_DEAP_SEX_AGE_RT ->
    EAP_TEAP_SEX_AGE_NB.

    Raises:
        AggregateError: no weight known for this rate (give one as ``weight``).
    """
    parts = indicator.split("_")
    prefix, rest = "_".join(parts[:2]), "_".join(parts[2:-1])
    if prefix not in WEIGHTS:
        raise AggregateError(
            f"{indicator}: no default weight for this rate; give the level "
            "that weights it as weight (e.g. EAP_TEAP_SEX_AGE_NB)",
            parameter="weight",
            given=indicator,
            expected="the indicator of the level weighting the rate",
        )
    return WEIGHTS[prefix].format(rest=rest)


def _one_source(rows: pd.DataFrame) -> pd.DataFrame:
    """Per area, the rows of its main source for the indicator (the source with most rows;
    ties by code), so that one series per area enters the aggregate."""
    if rows.empty:
        return rows
    sizes = rows.groupby(["ref_area", "source"]).size().reset_index(name="n")
    sizes = sizes.sort_values(["ref_area", "n", "source"], ascending=[True, False, True])
    main = sizes.drop_duplicates("ref_area")[["ref_area", "source"]]
    return rows.merge(main, on=["ref_area", "source"])


def aggregate(
    connection: sa.Connection,
    group: Group,
    indicator: str,
    *,
    weight: str | None = None,
    time: str | None = None,
    min_coverage: float = 0.5,
    codes: dict[str, Sequence[str]] | None = None,
    store: bool = True,
    metadata: Iterable[IndicatorMetadata] = (),
    operator: str | None = None,
) -> Aggregated:
    """The value of ``indicator`` for ``group`` per (sex, classif1, classif2, time).

    Args:
        weight: the level weighting a rate (default: :func:`weight_indicator`); ignored for
            levels (``_NB``), which are summed.
        time: years, ``2015:2023`` etc.
        min_coverage: the least share of the group's weight with data (0-1).
        codes: further filters (sex, classif1, classif2).
        store: store the results as a release of dataset ``aggregate:<group>:<indicator>``.
        metadata: indicators' units, definitions and labels, recorded with the stored values
            (see :func:`~decentwork.warehouse.descriptions.describe_indicators`).
        operator: who stores them (see :func:`decentwork.warehouse.settings.operator`).

    Raises:
        AggregateError: a coverage that is not a share, no weight known for the rate, no data.
        QueryError: a bad ``time``.
    """
    if not 0 < min_coverage <= 1:
        raise AggregateError(
            f"minimum coverage {min_coverage}: expected a share in (0, 1]",
            parameter="min_coverage",
            given=min_coverage,
            expected="a share in (0, 1]",
        )
    is_level = indicator.endswith("_NB")
    weighting = "" if is_level else weight or weight_indicator(indicator)
    filters = {**(codes or {}), "ref_area": list(group.members)}
    values = _one_source(
        view(connection, Filters.parse({**filters, "indicator": [indicator]}, time))
    )
    values = values[values["obs_value"].notna()]
    if values.empty:
        raise AggregateError(
            f"{indicator}: no data for any member of {group.code}", given=indicator
        )
    if is_level:
        values = values.assign(w=1.0)
        weights = pd.DataFrame({"ref_area": list(group.members)}).assign(w=1.0)
        weights = values[list(KEY)].drop_duplicates().merge(weights, how="cross")
        basis = "members"
    else:
        levels = _one_source(
            view(connection, Filters.parse({**filters, "indicator": [weighting]}, time))
        )
        weights = levels[["ref_area", *KEY, "obs_value"]].rename(columns={"obs_value": "w"})
        weights = weights[weights["w"].notna() & (weights["w"] > 0)]
        values = values.merge(weights, on=["ref_area", *KEY], how="inner")
        if values.empty:
            raise AggregateError(
                f"{indicator}: no member of {group.code} has both the rate "
                f"and its weight {weighting}",
                given=weighting,
            )
        basis = f"weight {weighting}"
    total = weights.groupby(list(KEY))["w"].sum().rename("w_all")
    members = weights.groupby(list(KEY))["ref_area"].nunique().rename("n_all")
    values = values.assign(wv=values["w"] * values["obs_value"])
    grouped = (
        values.groupby(list(KEY))
        .agg(
            wv=("wv", "sum"),
            w=("w", "sum"),
            n=("ref_area", "nunique"),
            areas=("ref_area", lambda a: ",".join(sorted(set(a)))),
        )
        .join(total)
        .join(members)
        .reset_index()
    )
    # Members without a known weight cannot be weighed: coverage is the smaller of the
    # share of the known weight with data and the share of the members with data.
    grouped["coverage"] = np.minimum(
        grouped["w"] / grouped["w_all"], grouped["n"] / len(group.members)
    )
    grouped["obs_value"] = grouped["wv"] if is_level else grouped["wv"] / grouped["w"]
    kind = "Sum" if is_level else "Weighted mean"
    grouped["note_indicator"] = [
        f"{kind} of {n} of {len(group.members)} members of {group.code} ({areas}); coverage "
        f"{100 * c:.1f} % (the smaller of the {basis} share and the member share)"
        for n, areas, c in zip(grouped["n"], grouped["areas"], grouped["coverage"], strict=True)
    ]
    ok = grouped["coverage"] >= min_coverage - 1e-12
    result = grouped[ok].assign(
        ref_area=group.code,
        indicator=indicator,
        source=SOURCE,
        obs_status=np.where(grouped[ok]["coverage"] < 1, "E", ""),
    )
    rows = schema.sort(schema.frame(result))
    report = None
    if store and not rows.empty:
        # A filtered run (some years, sexes or classifications) revises those values only.
        report = load_frame(
            connection,
            rows,
            f"aggregate:{group.code}:{indicator}",
            f"decentwork aggregate {group.code} {indicator}",
            "aggregate",
            full=not (time or any(codes.values() if codes else ())),
            metadata=metadata,
            operator=operator,
        )
    return Aggregated(rows, grouped[~ok].reset_index(drop=True), report)
