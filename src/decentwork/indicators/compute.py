"""From a survey file and its profile to ILOSTAT observations with standard errors.

The harmonised records get one column per derived variable the catalogue's indicators use
and one per classification split; indicators that share their classifications are estimated
together by one :func:`decentwork.estimation.estimate` call (one pass over the data) over
every grouping set they need: time x (total or sex) x (classif1 total or split) x (classif2
total or split). A profile's notes (the national concept a variable follows) go to the
observations computed from that variable; its variants (another definition) give the
indicators their variables change once more, under the variant's source code and note.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from decentwork import observations
from decentwork.errors import BadInput
from decentwork.estimation import Design, EstimationError, estimate, estimate_scores
from decentwork.estimation.contrasts import change_table
from decentwork.estimation.covariance import by_columns
from decentwork.estimation.engine import DuckDBTable, Table, quote, transpile
from decentwork.indicators.catalogue import Catalogue, Indicator, Resolved, load_catalogue
from decentwork.indicators.notes import add_note
from decentwork.indicators.reliability import ReliabilityRule, rule_from
from decentwork.survey import Profile, ProfileError, design_of, harmonise
from decentwork.survey.check import record_problems
from decentwork.survey.expressions import expression_columns
from decentwork.survey.profile import REQUIRED_VARIABLES

SEX_CODES = {1: "SEX_M", 2: "SEX_F"}
SCALE = {"ratio": 100.0, "mean": 1.0, "total": 0.001}
WEIGHTS_ONLY_NOTE = (
    "Standard errors from the survey weights only: the file has no strata, clusters or "
    "replicate weights, so they understate the survey's own standard errors"
)
"""The source note of every observation of a weights-only design (``note_source``)."""
LEVELS = ("numerator", "numerator_se", "denominator", "denominator_se", "scale")
"""The columns of :attr:`Computation.levels` beside the observation's key."""
CHANGES = observations.CHANGE_COLUMNS
"""The columns of :attr:`Computation.changes` beside the observation's key."""
EVIDENCE = ("df", "numerator_count")
"""What the reliability rule reads beside the observation (:meth:`ReliabilityRule.apply`):
the design degrees of freedom and, when the rule asks, the records of a ratio's numerator."""


class ComputeError(BadInput):
    """The data cannot give the indicators; the message names the file, variable and problem."""


def levels_frame(rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """``rows`` with the columns of :attr:`Computation.levels` (or none, with those columns)."""
    return _keyed(rows, LEVELS)


def changes_frame(rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """``rows`` with the columns of :attr:`Computation.changes` (or none, with those
    columns)."""
    return _keyed(rows, CHANGES)


def _keyed(rows: pd.DataFrame | None, columns: tuple[str, ...]) -> pd.DataFrame:
    """``rows``' observation key and ``columns`` (or an empty frame with them)."""
    names = [*observations.KEY_COLUMNS, *columns]
    return pd.DataFrame(columns=names) if rows is None else rows[names]


@dataclass
class Computation:
    """What :func:`compute` produced: observations, each indicator or breakdown skipped with
    the reason (``item`` -> ``reason``), and the levels of the ratios and means."""

    observations: pd.DataFrame
    skipped: dict[str, str] = field(default_factory=dict)
    levels: pd.DataFrame = field(default_factory=levels_frame)
    """Per ratio or mean observation (its key): the weighted totals of its numerator and
    denominator with their standard errors, and the ``scale`` of its value (100 for percent),
    what averages over months are computed from."""
    changes: pd.DataFrame = field(default_factory=changes_frame)
    """Per observation of a file holding several periods (its key): the period before its
    own in the file (``since``), the change of its value since then with the standard error
    of that change (the covariance of the two periods' estimates from the PSUs they share,
    :func:`decentwork.estimation.estimate_change`), in the value's unit, and whether the
    change is significant at 95 %."""


@dataclass(frozen=True)
class _Family:
    """Indicators estimated in one pass: same classification lists."""

    classif1: tuple[str, ...]
    classif2: tuple[str, ...]


def select_indicators(catalogue: Catalogue, codes: Sequence[str] | None) -> list[Indicator]:
    """The catalogue's indicators, or those named in ``codes`` (refusing unknown codes)."""
    if not codes:
        return list(catalogue.indicators)
    known = [i.code for i in catalogue.indicators]
    unknown = [c for c in codes if c not in known]
    if unknown:
        hints = []
        for code in unknown:
            close = difflib.get_close_matches(code, known, n=3)
            hints.append(f"{code}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
        raise ComputeError(
            f"unknown indicator code(s): {'; '.join(hints)}",
            parameter="indicators",
            given=", ".join(unknown),
        )
    return [catalogue.indicator(c) for c in dict.fromkeys(codes)]


def compute(
    profile: Profile,
    path: str | Path,
    *,
    catalogue: Catalogue | None = None,
    indicators: Sequence[str] | None = None,
    rule: ReliabilityRule | None = None,
    on_step: Callable[[str], None] = lambda _: None,
    dictionary: str | Path | None = None,
    spark: Any = None,
    levels: bool = False,
    changes: bool = False,
) -> Computation:
    """The catalogue's indicators for the survey file at ``path``, read through ``profile``.

    Each of the profile's variants (a national definition of some variables) adds the
    observations of the indicators whose variables it changes, computed with its expressions,
    under its ``source`` code and with its ``note`` in ``note_indicator``.

    Args:
        profile: the survey profile.
        path: the survey file.
        catalogue: the indicator catalogue (default: the bundled one).
        indicators: indicator codes to compute (default: all).
        rule: the reliability rule for ``obs_status`` and caution notes (default: the
            profile's ``reliability``, else the bundled ``default`` rule set).
        on_step: called with a description before each pass over the data.
        dictionary: a CSPro file's dictionary (default: the ``.dcf`` file beside it).
        spark: a Spark session to read, harmonise and aggregate the file on (a CSV or
            Parquet file; the harmonised records are cached there and only the cells' sums
            come back); None: DuckDB, in this process.
        levels: also keep each ratio's and mean's numerator and denominator totals with their
            SEs (:attr:`Computation.levels`, what averages over months are computed from), at
            the cost of one more total per variable in each pass.
        changes: also give, for a file holding several periods (``time`` varying from record
            to record), each observation's change since the previous period in the file with
            its standard error (:attr:`Computation.changes`); the PSUs the periods share give
            the covariance of their estimates. A design without PSUs then reads every record
            as its own PSU.

    Returns:
        The observations (:data:`decentwork.observations.COLUMNS`), what was skipped, with
        why, and the levels and changes when asked for.

    Raises:
        ComputeError: the records fail a check (missing sex, age or labour force status of
            persons of working age, or values outside their codes).
        ProfileError: the file cannot be read as the profile says.
    """
    catalogue = catalogue or load_catalogue()
    rule = rule or rule_from(profile.reliability)
    chosen = select_indicators(catalogue, indicators)
    result = _computation(
        profile, path, catalogue, chosen, rule, on_step, dictionary, spark, levels, changes
    )
    pieces, kept, moved = [result.observations], [result.levels], [result.changes]
    for name, variant in profile.variants.items():
        changed = changed_by(catalogue, profile, set(variant.variables), chosen)
        if not changed:
            continue
        on_step(f"Variant {name}")
        varied = _computation(
            profile.with_variant(name),
            path,
            catalogue,
            changed,
            rule,
            on_step,
            dictionary,
            spark,
            levels,
            changes,
            note=variant.note,
        )
        pieces.append(varied.observations)
        kept.append(varied.levels)
        moved.append(varied.changes)
    if len(pieces) == 1:
        return result
    return Computation(
        observations.sort(pd.concat(pieces, ignore_index=True)),
        result.skipped,
        pd.concat(kept, ignore_index=True),
        pd.concat(moved, ignore_index=True),
    )


def compute_files(
    profile: Profile,
    paths: Sequence[str | Path],
    *,
    catalogue: Catalogue | None = None,
    indicators: Sequence[str] | None = None,
    rule: ReliabilityRule | None = None,
    on_step: Callable[[str], None] = lambda _: None,
    dictionary: str | Path | None = None,
    spark: Any = None,
    levels: bool = False,
    changes: bool = False,
) -> Computation:
    """:func:`compute` for several survey files, one period each (e.g. a year of monthly
    files), as one observation table (and one table of levels, when asked for).

    Raises:
        BadInput: two files give the same period.
        ComputeError, ProfileError: as :func:`compute`.
    """
    catalogue = catalogue or load_catalogue()
    results, kept, changed = [], [], []
    skipped: dict[str, str] = {}
    seen: dict[str, str | Path] = {}
    for path in paths:
        result = compute(
            profile,
            path,
            catalogue=catalogue,
            indicators=indicators,
            rule=rule,
            on_step=on_step,
            dictionary=dictionary,
            spark=spark,
            levels=levels,
            changes=changes,
        )
        for time in sorted(set(result.observations["time"])):
            if time in seen:
                raise BadInput(
                    f"{seen[time]} and {path} both give time {time}; give one file per period",
                    given=path,
                )
            seen[time] = path
        results.append(result.observations)
        kept.append(result.levels)
        changed.append(result.changes)
        skipped.update(result.skipped)
    if not results:
        return Computation(observations.frame(), skipped)
    return Computation(
        pd.concat(results, ignore_index=True),
        skipped,
        pd.concat(kept, ignore_index=True),
        pd.concat(changed, ignore_index=True),
    )


def not_computable(
    profile: Profile, catalogue: Catalogue | None = None, indicators: Sequence[str] | None = None
) -> dict[str, str]:
    """The indicators and breakdowns the profile cannot give, each with the standard
    variables it lacks (what :func:`compute` skips), without reading any data."""
    catalogue = catalogue or load_catalogue()
    return _plan(profile, catalogue, select_indicators(catalogue, indicators))[2]


def changed_by(
    catalogue: Catalogue, profile: Profile, variables: set[str], chosen: Sequence[Indicator]
) -> list[Indicator]:
    """The ``chosen`` indicators whose computation reads one of the standard ``variables``
    (through their derived variables or classifications)."""
    resolved = catalogue.resolve(set(profile.variables))
    changed = []
    for indicator in chosen:
        sqls = [resolved.variables[v] for v in indicator.variables if v in resolved.variables]
        sqls += [
            split
            for code in [*indicator.classif1, *indicator.classif2]
            for split in resolved.splits.get(code, [])
        ]
        if any(expression_columns(sql) & variables for sql in sqls):
            changed.append(indicator)
    return changed


def _plan(
    profile: Profile,
    catalogue: Catalogue,
    chosen: list[Indicator],
) -> tuple[Resolved, dict[_Family, list[Indicator]], dict[str, str]]:
    """The catalogue resolved for the profile, the chosen indicators that can be computed
    grouped in families, and what cannot, with why."""
    resolved = catalogue.resolve(set(profile.variables))
    skipped: dict[str, str] = {}
    families: dict[_Family, list[Indicator]] = {}
    for indicator in chosen:
        family = _family(indicator, resolved, skipped)
        if family is not None:
            families.setdefault(family, []).append(indicator)
    if "ilo_region" in profile.variables and not profile.metadata.regions:
        skipped["regional estimates"] = (
            "metadata.regions does not give the area codes of ilo_region's values"
        )
    return resolved, families, skipped


def _computation(
    profile: Profile,
    path: str | Path,
    catalogue: Catalogue,
    chosen: list[Indicator],
    rule: ReliabilityRule,
    on_step: Callable[[str], None],
    dictionary: str | Path | None,
    spark: Any = None,
    levels: bool = False,
    changes: bool = False,
    note: str | None = None,
) -> Computation:
    """The ``chosen`` indicators from the file at ``path`` through ``profile`` (its variants
    aside), on DuckDB or, given a session, on ``spark``; with ``levels``, the levels of its
    ratios and means too, with ``changes`` the changes since the previous period. Every
    observation carries ``note`` (a variant's), after the notes of the definitions it follows
    and before the reliability rule's."""
    unmapped = [v for v in REQUIRED_VARIABLES if v not in profile.variables]
    if unmapped:
        raise ComputeError(
            f"{profile.origin}: variables: {', '.join(unmapped)} not mapped; "
            "every indicator needs them"
        )
    resolved, families, skipped = _plan(profile, catalogue, chosen)
    on_step(f"Reading {Path(path).name}")
    with _harmonised(profile, path, dictionary, spark) as table:
        _check_records(table, profile, path)
        if not families:
            return Computation(observations.frame(), skipped)
        total_codes = {code: f"{code}_{c.total}" for code, c in catalogue.classifications.items()}
        pieces = []
        for number, (family, members) in enumerate(families.items(), start=1):
            on_step(f"Pass {number} of {len(families)}: {', '.join(i.code for i in members)}")
            pieces.append(
                _estimate_family(
                    table,
                    profile,
                    path,
                    resolved,
                    family,
                    members,
                    total_codes,
                    levels,
                    changes,
                    rule.needs_numerator_counts,
                )
            )
    rows = pd.concat(pieces, ignore_index=True)
    regions = profile.metadata.regions or {}
    rows["ref_area"] = [
        profile.metadata.ref_area if pd.isna(r) else regions[int(r)] for r in rows.pop("region")
    ]
    rows["source"] = profile.metadata.source
    kept = levels_frame(rows[rows["numerator"].notna()])
    changed = changes_frame(rows[rows["change_se"].notna()])
    result = observations.frame(rows)
    for variable, concept in profile.notes.items():
        noted = [i.code for i in changed_by(catalogue, profile, {variable}, chosen)]
        marked = result["indicator"].isin(noted)
        result.loc[marked, "note_indicator"] = add_note(
            result.loc[marked, "note_indicator"], concept
        )
    if note:
        result["note_indicator"] = add_note(result["note_indicator"], note)
    design = profile.design
    if not (design.strata or design.psu or design.replicate_weights):
        result["note_source"] = add_note(result["note_source"], WEIGHTS_ONLY_NOTE)
    result = rule.apply(result, evidence=rows[list(EVIDENCE)])
    return Computation(
        observations.sort(result),
        skipped,
        kept.reset_index(drop=True),
        changed.reset_index(drop=True),
    )


def _family(indicator: Indicator, resolved: Resolved, skipped: dict[str, str]) -> _Family | None:
    """The classifications ``indicator`` is computed with, or None (reason in ``skipped``).

    A classification the profile cannot give keeps only its total code; an indicator whose
    every classif2 is unavailable is skipped (its breakdown is what defines it)."""
    lacking = [f"{v}: {resolved.skipped[v]}" for v in indicator.variables if v in resolved.skipped]
    if lacking:
        skipped[indicator.code] = "; ".join(lacking)
        return None
    for code in [*indicator.classif1, *indicator.classif2]:
        if code not in resolved.splits:
            skipped[f"{indicator.code} by {code}"] = (
                f"{resolved.skipped[code]}; only the total over all categories is given"
            )
    if indicator.classif2 and not any(c in resolved.splits for c in indicator.classif2):
        for code in indicator.classif2:
            skipped.pop(f"{indicator.code} by {code}", None)
        skipped[indicator.code] = "; ".join(
            f"{c}: {resolved.skipped[c]}" for c in indicator.classif2
        )
        return None
    return _Family(tuple(indicator.classif1), tuple(indicator.classif2))


@contextlib.contextmanager
def _harmonised(
    profile: Profile, path: str | Path, dictionary: str | Path | None, spark: Any
) -> Iterator[Table]:
    """The harmonised records (:func:`decentwork.survey.harmonise`) on DuckDB, or cached on
    ``spark`` (released when the block ends)."""
    if spark is None:
        yield DuckDBTable(harmonise(profile, path, dictionary))
        return
    from decentwork.survey.spark import harmonised_on_spark  # PySpark only when asked for

    with harmonised_on_spark(profile, path, spark) as table:
        yield table


def _check_records(table: Table, profile: Profile, path: str | Path) -> None:
    """Refuse records of working age without sex, age or status, or with unknown codes."""
    try:
        problems = record_problems(table, profile)
    except ProfileError as error:
        raise ComputeError(f"{path}: {error}") from None
    if problems:
        raise ComputeError(f"{path} (profile {profile.origin}): " + "; ".join(problems))


def _split_columns(resolved: Resolved, codes: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """Column alias -> (classification, split SQL) for the available classifications."""
    return {
        f"c_{code}_{i}": (code, sql)
        for code in codes
        if code in resolved.splits
        for i, sql in enumerate(resolved.splits[code])
    }


def _estimate_family(
    table: Table,
    profile: Profile,
    path: str | Path,
    resolved: Resolved,
    family: _Family,
    members: list[Indicator],
    total_codes: dict[str, str],
    levels: bool = False,
    changes: bool = False,
    numerator_counts: bool = False,
) -> pd.DataFrame:
    """The observations of one family's indicators, with the evidence of their reliability
    (:data:`EVIDENCE`): with ``numerator_counts``, each ratio's numerator is also totalled
    over its non-zero values, whose records are the numerator's count."""
    splits1 = _split_columns(resolved, family.classif1)
    splits2 = _split_columns(resolved, family.classif2)
    ratios: dict[str, tuple[str, str]] = {}
    totals: list[str] = []
    needed: dict[str, str] = {}
    statistic_of: dict[str, str] = {}
    for indicator in members:
        if indicator.kind == "total":
            (total,) = indicator.variables
            column = f"t_{total}"
            needed[column] = f"NULLIF({resolved.variables[total]}, 0)"
            totals.append(column)
            statistic_of[indicator.code] = column
        else:
            numerator, denominator = indicator.variables
            for name in (numerator, denominator):
                needed[f"v_{name}"] = resolved.variables[name]
                if levels:
                    totals.append(f"v_{name}")
            if numerator_counts:
                needed[f"t_{numerator}"] = f"NULLIF({resolved.variables[numerator]}, 0)"
                totals.append(f"t_{numerator}")
            name = f"{numerator}/{denominator}"
            ratios[name] = (f"v_{numerator}", f"v_{denominator}")
            statistic_of[indicator.code] = name
    design_columns = design_of(profile).columns()
    if profile.design.calibration:
        design_columns += profile.design.calibration.variables
    replicates = profile.replicate_columns(table.columns)
    selects = [quote(c) for c in [*design_columns, *replicates, "time"]]
    selects.append("CASE WHEN ilo_sex IN (1, 2) THEN ilo_sex END AS sex")
    regions = (("region",),) if profile.metadata.regions else ()
    if regions:
        selects.append("ilo_region AS region")
    selects += [f"({sql}) AS {alias}" for alias, (_, sql) in {**splits1, **splits2}.items()]
    selects += [f"CAST(({sql}) AS DOUBLE) AS {alias}" for alias, sql in needed.items()]
    by = [
        ("time", *region, *sex, *c1, *c2)
        for region in [(), *regions]
        for c1 in [(), *((a,) for a in splits1)]
        for c2 in [(), *((a,) for a in splits2)]
        for sex in [(), ("sex",)]
    ]
    try:
        data = table.derive(
            transpile(f"SELECT {', '.join(selects)} FROM {table.source}", table.dialect)
        )
        request: dict[str, Any] = {
            "ratios": ratios,
            "totals": list(dict.fromkeys(totals)),
            "by": by,
        }
        if changes:
            result = _with_changes(data, design_of(profile), request)
        else:
            result = estimate(data, design_of(profile), **request, missing="drop")
    except EstimationError as error:
        raise ComputeError(f"{path} (profile {profile.origin}): {error}") from None
    except duckdb.Error as error:
        raise ComputeError(
            f"{path}: the profile {profile.origin} fails on the data: {str(error).splitlines()[0]}"
        ) from None
    result = result[result["estimate"].notna()]
    by_domain = ("time", "region", "sex", *splits1, *splits2)
    keys = [c for c in by_domain if c in result.columns]
    return pd.concat(
        [
            _rows(
                result,
                indicator,
                statistic_of[indicator.code],
                splits1,
                splits2,
                family,
                total_codes,
                keys,
                levels,
            )
            for indicator in members
        ],
        ignore_index=True,
    )


def _with_changes(data: Any, design: Design, request: dict[str, Any]) -> pd.DataFrame:
    """The estimates with the columns of :data:`CHANGES` (in the estimates' unit; NA for
    the first period, and everywhere when the data hold one period)."""
    result, scored = estimate_scores(data, design, **request, missing="drop")
    if result["time"].nunique() < 2:
        return result.assign(since=None, change=np.nan, change_se=np.nan, change_significant=None)
    changed = change_table(result, "time", 1, scored.pairs)
    by = by_columns(result)
    changed = changed.rename(
        columns={"estimate": "change", "se": "change_se", "significant": "change_significant"}
    )[["statistic", "kind", *by, *CHANGES]]
    return result.merge(changed, on=["statistic", "kind", *by], how="left", validate="one_to_one")


def _codes(
    result: pd.DataFrame, splits: dict[str, tuple[str, str]], families: tuple[str, ...]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per classification in ``families``: (rows that belong to it, their codes).

    A row with no split column set is the whole population: every classification's total.
    """
    if not families:
        return [(np.ones(len(result), bool), np.full(len(result), "", dtype=object))]
    aliases = list(splits)
    present = result[aliases].notna().to_numpy() if aliases else np.zeros((len(result), 0), bool)
    none_set = np.count_nonzero(present, axis=1) == 0
    out = []
    for code in families:
        # The total code is filled in by the caller from the catalogue.
        member = none_set.copy()
        values = np.full(len(result), None, dtype=object)
        values[none_set] = "__TOTAL__"
        for k, alias in enumerate(aliases):
            if splits[alias][0] != code:
                continue
            rows = present[:, k]
            member |= rows
            values[rows] = code + "_" + result.loc[rows, alias].astype(str).to_numpy()
        out.append((member, values))
    return out


def _rows(
    result: pd.DataFrame,
    indicator: Indicator,
    statistic: str,
    splits1: dict[str, tuple[str, str]],
    splits2: dict[str, tuple[str, str]],
    family: _Family,
    total_codes: dict[str, str],
    domain: list[str],
    with_levels: bool,
) -> pd.DataFrame:
    """The observations of one indicator from the estimate's result rows (the by-variables of
    their domains in ``domain``), with the evidence of their reliability (:data:`EVIDENCE`)
    and, ``with_levels``, the levels of a ratio or mean (its numerator and denominator totals,
    their SEs, its scale)."""
    rows = result[result["statistic"] == statistic].reset_index(drop=True)
    scale = SCALE[indicator.kind]
    levels = {name: np.full(len(rows), np.nan) for name in LEVELS}

    def matched(total: str, column: str) -> np.ndarray:
        """``column`` of the total ``total`` in each row's domain (NaN if not estimated)."""
        found = result.loc[result["statistic"] == total, [*domain, column]]
        merged = rows[domain].merge(found, on=domain, how="left", validate="many_to_one")
        return merged[column].to_numpy(float)

    if with_levels and indicator.kind != "total":
        for side, name in zip(("numerator", "denominator"), indicator.variables, strict=True):
            levels[side] = rows[f"{side}_total"].to_numpy(float)
            levels[f"{side}_se"] = matched(f"v_{name}", "se")
        levels["scale"] = np.full(len(rows), scale)
    moved = {name: np.full(len(rows), np.nan, dtype=object) for name in CHANGES}
    if "change_se" in rows:
        moved = {
            "since": rows["since"].astype(object).to_numpy(),
            "change": rows["change"].to_numpy(float) * scale,
            "change_se": rows["change_se"].to_numpy(float) * scale,
            "change_significant": rows["change_significant"].astype(object).to_numpy(),
        }
    numerator_count = np.full(len(rows), np.nan)
    if indicator.kind != "total":
        numerator_count = matched(f"t_{indicator.variables[0]}", "n")
    sex = rows["sex"].map(SEX_CODES).fillna("SEX_T").to_numpy()
    pieces = []
    for member1, codes1, total1 in _with_totals(rows, splits1, family.classif1, total_codes):
        for member2, codes2, total2 in _with_totals(rows, splits2, family.classif2, total_codes):
            keep = member1 & member2
            part = rows[keep]
            c1 = np.where(codes1[keep] == "__TOTAL__", total1, codes1[keep])
            c2 = np.where(codes2[keep] == "__TOTAL__", total2, codes2[keep])
            pieces.append(
                pd.DataFrame(
                    {
                        "indicator": indicator.code,
                        "sex": sex[keep],
                        "classif1": c1,
                        "classif2": c2,
                        "time": part["time"].astype(str).to_numpy(),
                        "region": part["region"].to_numpy() if "region" in part else None,
                        "obs_value": part["estimate"].to_numpy() * scale,
                        "se": part["se"].to_numpy() * scale,
                        "lower_bound": part["lower"].to_numpy() * scale,
                        "upper_bound": part["upper"].to_numpy() * scale,
                        "cv": part["cv"].to_numpy() * 100.0,
                        "sample_count": part["n"].to_numpy(),
                        "df": part["df"].to_numpy(),
                        "numerator_count": numerator_count[keep],
                        **{name: values[keep] for name, values in levels.items()},
                        **{name: values[keep] for name, values in moved.items()},
                    }
                )
            )
    return pd.concat(pieces, ignore_index=True)


def _with_totals(
    rows: pd.DataFrame,
    splits: dict[str, tuple[str, str]],
    families: tuple[str, ...],
    total_codes: dict[str, str],
) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """Per classification: (member rows, codes, the classification's total code)."""
    codes = _codes(rows, splits, families)
    if not families:
        return [(codes[0][0], codes[0][1], "")]
    return [
        (member, values, total_codes[code])
        for (member, values), code in zip(codes, families, strict=True)
    ]
