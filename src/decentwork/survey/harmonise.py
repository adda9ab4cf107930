"""Harmonisation: a survey file read through its profile, as a relation of standard variables
and design columns ready for :func:`decentwork.estimation.estimate`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from decentwork.estimation import Design
from decentwork.estimation.engine import quote
from decentwork.survey import readers
from decentwork.survey.errors import ProfileError
from decentwork.survey.profile import Profile


def harmonise(
    profile: Profile, path: str | Path, dictionary: str | Path | None = None
) -> duckdb.DuckDBPyRelation:
    """The survey file at ``path`` as a relation with one column per mapped standard variable,
    ``time`` (text), and the design columns that the profile gives: ``weight`` (a DOUBLE
    multiplied by ``weight_scale``), ``strata``, ``psu``, ``fpc`` and the replicate weights
    (also scaled). Records outside the profile's ``metadata.scope`` are left out.

    Only the raw columns the expressions use are read (a CSPro file through ``dictionary``,
    by default the ``.dcf`` file beside it). The relation is lazy: DuckDB evaluates the
    expressions when it is consumed.

    Raises:
        NotFound: no such file, or no CSPro dictionary.
        ProfileError: the file cannot be read as the profile says, or an expression names a
            column it lacks or fails on the data.
    """
    relation = in_scope(profile, path, dictionary)
    try:
        return relation.project(", ".join(harmonised_columns(profile, relation.columns)))
    except duckdb.Error as error:
        raise expressions_fail(profile, path, error) from None


def harmonised_columns(profile: Profile, available: list[str]) -> list[str]:
    """The select list (DuckDB's SQL) that :func:`harmonise` applies to the raw columns
    ``available``: each expression ``AS`` its standard name, weights scaled, time as text."""
    scale = profile.design.weight_scale
    selects = []
    for name, sql in profile.expressions().items():
        value = f"({sql})"
        if name == "weight":
            value = f"CAST({value} AS DOUBLE) * {scale!r}"
        elif name == "time":
            value = f"CAST({value} AS VARCHAR)"
        selects.append(f"{value} AS {name}")
    for column in profile.replicate_columns(available):
        quoted = quote(column)
        selects.append(f"CAST({quoted} AS DOUBLE) * {scale!r} AS {quoted}")
    return selects


def in_scope(
    profile: Profile,
    path: str | Path,
    dictionary: str | Path | None = None,
    extra: Iterable[str] = (),
) -> duckdb.DuckDBPyRelation:
    """The raw columns the profile reads, and the ``extra`` raw columns, of the records in
    its ``metadata.scope``.

    Raises:
        ProfileError: a column the file lacks, or the scope fails on the data.
    """
    available = readers.columns(profile.input, path, dictionary)
    needed = profile.raw_columns(available, str(path))
    folded = {c.lower(): c for c in available}
    lacking = [c for c in extra if c.lower() not in folded]
    if lacking:
        raise ProfileError(f"{path}: no column {', '.join(lacking)}")
    needed += [folded[c.lower()] for c in extra if folded[c.lower()] not in needed]
    relation = readers.read(profile.input, path, needed, dictionary)
    if not profile.metadata.scope:
        return relation
    try:
        return relation.filter(f"({profile.metadata.scope})")
    except duckdb.Error as error:
        raise expressions_fail(profile, path, error) from None


def expressions_fail(profile: Profile, path: str | Path, error: duckdb.Error) -> ProfileError:
    """The error for the profile's expressions failing on the file at ``path`` (DuckDB
    evaluates them lazily, so this can come from whatever first reads the relation)."""
    return ProfileError(
        f"{profile.origin}: the expressions fail on {path}: {str(error).splitlines()[0]}"
    )


def design_of(profile: Profile) -> Design:
    """The estimation design on the columns of :func:`harmonise`'s relation."""
    return profile.design.design()
