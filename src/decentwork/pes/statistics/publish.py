"""The month's PES statistics as observations (the warehouse's columns), after disclosure
control: only aggregates, small counts and what would give them away suppressed
(``obs_status`` ``C``, ILOSTAT's "confidential", with the rule in ``note_source``)."""

from __future__ import annotations

from collections.abc import Iterable

from decentwork.pes.statistics.figures import Derived, month_figures
from decentwork.pes.statistics.metadata import indicator_info
from decentwork.pes.statistics.months import Month
from decentwork.pes.statistics.register import Register
from decentwork.pes.statistics.suppression import (
    THRESHOLD,
    Rule,
    check_threshold,
    sensitive,
    suppress,
)
from decentwork.pes.statistics.tables import Key

CONFIDENTIAL = "C"
"""ILOSTAT's observation status of a value withheld as confidential."""
Observation = dict[str, object]


def source(country: str) -> str:
    """The observations' ``source`` for the service of ``country``: ``PES:KHM``."""
    return f"PES:{country}"


def dataset(country: str) -> str:
    """The warehouse dataset of the service of ``country``: ``pes-khm``."""
    return f"pes-{country.lower()}"


def month_observations(
    register: Register, month: Month, threshold: int = THRESHOLD
) -> list[Observation]:
    """The observations of every PES indicator for ``month``, counts of fewer than
    ``threshold`` (and above zero) suppressed, and cells that would give them away too
    (see :mod:`decentwork.pes.statistics.suppression`); rates, ratios and medians resting
    on a small or suppressed count suppressed as well."""
    check_threshold(threshold)
    figures = month_figures(register, month)
    rows: list[Observation] = []
    hidden: dict[tuple[str, Key], Rule] = {}
    for table in figures.tables:
        rules = suppress(table.values, table.lines, threshold)
        for key, value in table.values.items():
            rule = rules.get(key)
            if rule is not None:
                hidden[(table.indicator, key)] = rule
            rows.append(_row(register, month, table.indicator, key, float(value), rule, threshold))
    for figure in figures.derived:
        if figure.value is not None:
            rule = _derived_rule(figure, hidden, threshold)
            rows.append(
                _row(register, month, figure.indicator, figure.key, figure.value, rule, threshold)
            )
    order = {code: k for k, code in enumerate(indicator_info())}
    rows.sort(key=lambda r: (order[str(r["indicator"])], str(r["sex"]), str(r["classif1"])))
    return rows


def _derived_rule(
    figure: Derived, hidden: dict[tuple[str, Key], Rule], threshold: int
) -> Rule | None:
    if any(sensitive(count, threshold) for count in figure.persons):
        return Rule.PRIMARY
    if any(cell in hidden for cell in figure.counts):
        return Rule.SECONDARY
    return None


def _row(
    register: Register,
    month: Month,
    indicator: str,
    key: Key,
    value: float,
    rule: Rule | None,
    threshold: int,
) -> Observation:
    return {
        "ref_area": register.country,
        "indicator": indicator,
        "source": source(register.country),
        "sex": key[0],
        "classif1": key[1],
        "classif2": "",
        "time": month.time,
        "obs_value": None if rule is not None else value,
        "obs_status": CONFIDENTIAL if rule is not None else "",
        "note_indicator": indicator_info()[indicator].note,
        "note_source": "" if rule is None else _reason(rule, threshold),
    }


def _reason(rule: Rule, threshold: int) -> str:
    if rule == Rule.PRIMARY:
        return f"Suppressed (primary): a count of 1 to {threshold - 1}, or resting on one."
    return (
        "Suppressed (secondary): it would let a suppressed count be worked out by "
        "subtraction, or rests on a suppressed count."
    )


def observations(
    register: Register, months: Iterable[Month], threshold: int = THRESHOLD
) -> list[Observation]:
    """The observations of several months (see :func:`month_observations`)."""
    return [row for month in months for row in month_observations(register, month, threshold)]
