"""The sizes of a synthetic survey: records, strata and PSUs, with defaults and validation.

A bad size or seed is a :class:`~decentwork.errors.BadInput` naming the argument.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

from decentwork.errors import BadInput

RECORDS_PER_STRATUM = 5_000
RECORDS_PER_PSU = 100


@dataclass(frozen=True)
class Sizes:
    """How many person records, strata and primary sampling units (PSUs) a survey has."""

    records: int
    strata: int
    psus: int


def check_integer(name: str, value: Any) -> int:
    """``value`` as an int; a ``BadInput`` naming the argument if it is not an integer."""
    if not isinstance(value, bool):
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise BadInput(
        f"{name} must be an integer, got {value!r}",
        parameter=name,
        given=repr(value),
        expected="an integer",
    )


def check_seed(seed: Any) -> int:
    """The seed as an int; it must be a non-negative integer (numpy ``SeedSequence`` entropy)."""
    seed = check_integer("seed", seed)
    if seed < 0:
        raise BadInput(
            f"seed must be a non-negative integer, got {seed}",
            parameter="seed",
            given=seed,
            expected="an integer >= 0",
        )
    return seed


def resolve_sizes(records: Any, strata: Any = None, psus: Any = None) -> Sizes:
    """Validate the requested sizes and fill in the defaults.

    By default there is one stratum per 5,000 records and one PSU per 100 records (about 20
    households), with at least one stratum and two PSUs per stratum. When only ``psus`` is
    given, the default number of strata is capped so that every stratum still has two PSUs.
    Explicit values are kept as given. Every stratum needs at least two PSUs and every PSU at
    least one record (one household), so ``2 * strata <= psus <= records``.
    """
    records = check_integer("records", records)
    if records < 2:
        raise BadInput(
            f"records must be at least 2 (two PSUs of one household each), got {records}",
            parameter="records",
            given=records,
            expected="at least 2",
        )
    if strata is not None:
        strata = check_integer("strata", strata)
        if strata < 1:
            raise BadInput(
                f"strata must be at least 1, got {strata}",
                parameter="strata",
                given=strata,
                expected="at least 1",
            )
        if 2 * strata > records:
            raise BadInput(
                f"strata={strata} needs at least {2 * strata} PSUs of one record "
                f"each, more than records={records}",
                parameter="strata",
                given=strata,
                expected=f"at most records / 2 = {records // 2}",
            )
    if psus is not None:
        psus = check_integer("psus", psus)
        if psus > records:
            raise BadInput(
                f"psus={psus} must not exceed records={records} (every PSU needs a household)",
                parameter="psus",
                given=psus,
                expected=f"at most records = {records}",
            )
        if psus < 2:
            raise BadInput(
                f"psus must be at least 2, got {psus}",
                parameter="psus",
                given=psus,
                expected="at least 2",
            )
    if strata is None:
        strata = max(1, records // RECORDS_PER_STRATUM)
        if psus is not None:
            strata = min(strata, psus // 2)
    if psus is None:
        psus = max(2 * strata, records // RECORDS_PER_PSU)
    if psus < 2 * strata:
        raise BadInput(
            f"psus={psus} must be at least 2 * strata = {2 * strata} (two PSUs per stratum)",
            parameter="psus",
            given=psus,
            expected=f"at least 2 * strata = {2 * strata}",
        )
    return Sizes(records=records, strata=strata, psus=psus)
