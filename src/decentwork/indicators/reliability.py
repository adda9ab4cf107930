"""Reliability flags: ILOSTAT's ``obs_status`` and a "use with caution" note from each
estimate's sample counts, coefficient of variation and design degrees of freedom.

A :class:`ReliabilityRule` is data: the bundled rule sets (``reliability_rules.yaml``: the
default two-tier rule, Statistics Canada's E and F tiers, the earlier one-tier rule) are
named, each with its source, and a survey profile or the command line chooses one by name
or gives its own thresholds.

Two tiers, as statistical offices publish them:

- **unreliable**: ILOSTAT's ``obs_status`` ``U`` (and, with ``suppress_unreliable``, the
  value and its uncertainty blanked, as Statistics Canada's ``F`` "too unreliable to be
  published");
- **use with caution**: ILOSTAT has no status for it (its ``obs_status`` codes are
  ``A B C E M P S U R I``, and ``E`` is "estimate", not Statistics Canada's "use with
  caution"), so the observation keeps its status and carries the rule's caution note, with
  the reasons, in ``note_indicator``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from decentwork.indicators.notes import SEPARATOR, add_note

UNRELIABLE = "U"
SUPPRESSED_NOTE = "Suppressed: fewer than {n} sample records"
UNPUBLISHABLE_NOTE = "Suppressed: too unreliable to be published"
RULE_SETS = "reliability_rules.yaml"
DEFAULT = "default"
"""The rule set used when neither the profile nor the caller names one."""


class ReliabilityRule(BaseModel):
    """When an estimate is flagged unreliable (``U``), to be used with caution (a note), or
    suppressed.

    **Unreliable** (``U``) when fewer than ``min_count`` sample records enter the estimate
    (for a ratio, its denominator's records), fewer than ``min_numerator_count`` records have
    a non-zero numerator, its coefficient of variation exceeds ``max_cv`` (percent), or its
    design degrees of freedom (R's ``degf`` of the domain: PSUs minus strata) are below
    ``min_df`` (1 flags an estimate whose records lie in one PSU).
    **Use with caution** (``caution_note`` and the reasons added to ``note_indicator``) when
    it is not unreliable but its CV exceeds ``caution_cv``, or it rests on fewer than
    ``caution_count`` records (``caution_numerator_count`` in the numerator); a caution
    threshold beyond its unreliable one leaves that check with nothing to flag.
    **Zero estimates** (their SE and CV are zero or undefined, so the CV says nothing) go to
    the tier ``zero`` names. With ``suppress_below``, estimates from fewer records lose their
    value and uncertainty (flagged ``U``, with a note); with ``suppress_unreliable`` so do all
    unreliable ones. A check whose evidence an observation table lacks (degrees of freedom
    and numerator counts of averages) is not applied to it.

    ``ReliabilityRule()`` is the default two-tier rule (:func:`rule_set` ``"default"``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "custom"
    title: str = ""
    source: str = ""
    """Where the rule comes from: the publication it follows."""
    min_count: int = Field(default=15, ge=0)
    min_numerator_count: int = Field(default=0, ge=0)
    max_cv: float = Field(default=33.3, gt=0)
    min_df: int = Field(default=1, ge=0)
    caution_cv: float | None = Field(default=16.5, gt=0)
    caution_count: int | None = Field(default=None, ge=1)
    caution_numerator_count: int | None = Field(default=None, ge=1)
    caution_note: str = Field(default="Use with caution", min_length=1)
    zero: Literal["unreliable", "caution", "none"] = "caution"
    suppress_below: int | None = Field(default=None, ge=1)
    suppress_unreliable: bool = False

    @property
    def needs_numerator_counts(self) -> bool:
        """Whether the rule judges ratios by the records of their numerator."""
        return bool(self.min_numerator_count or self.caution_numerator_count)

    def apply(
        self, observations: pd.DataFrame, evidence: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """``observations`` with ``obs_status`` set, caution notes added and small or
        unreliable cells suppressed (a copy).

        Reads ``obs_value``, ``sample_count`` and ``cv`` (percent); an estimate without a CV
        is judged by its counts. ``evidence``, row for row with ``observations``, may hold
        ``df`` (design degrees of freedom) and ``numerator_count`` (records with a non-zero
        numerator, NA for totals); without them those checks are not made.
        """
        out = observations.copy()
        count = out["sample_count"].to_numpy(dtype=float, na_value=np.nan)
        cv = np.nan_to_num(out["cv"].to_numpy(dtype=float), nan=0.0)
        zero = out["obs_value"].to_numpy(dtype=float) == 0
        numerator = _column(evidence, "numerator_count", len(out))
        df = _column(evidence, "df", len(out))
        unreliable = (count < self.min_count) | (cv > self.max_cv) | (df < self.min_df)
        unreliable |= numerator < self.min_numerator_count
        if self.zero == "unreliable":
            unreliable |= zero
        reasons = _caution_reasons(self, count, cv, numerator, zero)
        suppressed = count < (self.suppress_below or 0)
        cautious = reasons.any(axis=1) & ~unreliable & ~suppressed
        out["obs_status"] = np.where(unreliable, UNRELIABLE, "")
        if cautious.any():
            labels = np.array([label for label, _ in _caution_checks(self)])
            out.loc[cautious, "note_indicator"] = add_note(
                out.loc[cautious, "note_indicator"],
                [f"{self.caution_note}: {', '.join(labels[row])}" for row in reasons[cautious]],
            )
        if self.suppress_unreliable:
            self._suppress(out, unreliable & ~suppressed, UNPUBLISHABLE_NOTE)
        if self.suppress_below:
            self._suppress(out, suppressed, SUPPRESSED_NOTE.format(n=self.suppress_below))
        return out

    def without_its_notes(self, notes: pd.Series) -> pd.Series:
        """``notes`` without this rule's caution notes (what an average, judged afresh,
        keeps of its months' notes)."""
        prefix = f"{self.caution_note}: "
        return notes.fillna("").map(
            lambda note: SEPARATOR.join(
                part for part in note.split(SEPARATOR) if not part.startswith(prefix)
            )
        )

    @staticmethod
    def _suppress(out: pd.DataFrame, rows: np.ndarray, note: str) -> None:
        """Blank the value and uncertainty of ``rows``, flag them ``U`` and note why."""
        if not rows.any():
            return
        for column in ("obs_value", "se", "lower_bound", "upper_bound", "cv"):
            out.loc[rows, column] = np.nan
        out.loc[rows, "obs_status"] = UNRELIABLE
        out.loc[rows, "note_indicator"] = add_note(out.loc[rows, "note_indicator"], note)

    def overridden(self, **changes: Any) -> ReliabilityRule:
        """This rule with ``changes`` (None values ignored), checked; the name says it was
        changed.

        Raises:
            ValueError: a change that makes no valid rule, the option named.
        """
        given = {k: v for k, v in changes.items() if v is not None}
        if not given:
            return self
        return _validated({**self.model_dump(), **given, "name": f"{self.name} (changed)"})


def _caution_checks(rule: ReliabilityRule) -> list[tuple[str, str]]:
    """(reason as the note says it, evidence) of each caution check of ``rule``."""
    checks = []
    if rule.caution_cv is not None:
        checks.append((f"coefficient of variation above {rule.caution_cv:g} %", "cv"))
    if rule.caution_count is not None:
        checks.append((f"fewer than {rule.caution_count} sample records", "count"))
    if rule.caution_numerator_count is not None:
        checks.append(
            (f"fewer than {rule.caution_numerator_count} sample records in the numerator", "num")
        )
    if rule.zero == "caution":
        checks.append(("a zero estimate (no standard error)", "zero"))
    return checks


def _caution_reasons(
    rule: ReliabilityRule,
    count: np.ndarray,
    cv: np.ndarray,
    numerator: np.ndarray,
    zero: np.ndarray,
) -> np.ndarray:
    """One column per caution check of ``rule``: the rows it flags."""
    flags = {
        "cv": lambda: cv > (rule.caution_cv or np.inf),
        "count": lambda: count < (rule.caution_count or 0),
        "num": lambda: numerator < (rule.caution_numerator_count or 0),
        "zero": lambda: zero,
    }
    columns = [flags[evidence]() for _, evidence in _caution_checks(rule)]
    return np.column_stack(columns) if columns else np.zeros((len(count), 0), dtype=bool)


def _column(evidence: pd.DataFrame | None, name: str, size: int) -> np.ndarray:
    """An evidence column as floats (NaN where missing, or everywhere without it): NaN
    fails no threshold."""
    if evidence is None or name not in evidence:
        return np.full(size, np.nan)
    return pd.to_numeric(evidence[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


@cache
def _bundled() -> dict[str, dict[str, Any]]:
    """The bundled rule sets' definitions, by name."""
    text = resources.files("decentwork.indicators").joinpath(RULE_SETS).read_text("utf-8")
    return dict(yaml.safe_load(text))


def rule_sets() -> list[str]:
    """Names of the bundled rule sets."""
    return list(_bundled())


def rule_set(name: str) -> ReliabilityRule:
    """The bundled rule set ``name``.

    Raises:
        ValueError: no such rule set (the message lists the bundled ones).
    """
    if name not in _bundled():
        raise ValueError(f"no reliability rule set {name!r}; bundled: {', '.join(rule_sets())}")
    return ReliabilityRule(name=name, **_bundled()[name])


def rule_from(spec: str | dict[str, Any] | None) -> ReliabilityRule:
    """The rule a profile's ``reliability`` key gives: a bundled rule set's name, or a
    mapping of thresholds over a rule set (``based_on``, default ``"default"``); None gives
    the default.

    Raises:
        ValueError: an unknown rule set or threshold, or a threshold out of range, named.
    """
    if spec is None:
        return rule_set(DEFAULT)
    if isinstance(spec, str):
        return rule_set(spec)
    if not isinstance(spec, dict):
        raise ValueError(
            f"{spec!r} is neither a rule set's name ({', '.join(rule_sets())}) nor a mapping "
            "of thresholds"
        )
    changes = dict(spec)
    base = changes.pop("based_on", DEFAULT)
    if not isinstance(base, str):
        raise ValueError(f"based_on: {base!r} is not a rule set's name")
    rule = rule_set(base)
    unknown = sorted(set(changes) - set(ReliabilityRule.model_fields) - {"name"})
    if unknown:
        raise ValueError(
            f"{', '.join(unknown)}: unknown threshold(s) (allowed: based_on, "
            f"{', '.join(f for f in ReliabilityRule.model_fields if f != 'name')})"
        )
    return _validated({**rule.model_dump(), "name": f"{base} (changed)", **changes})


def _validated(options: dict[str, Any]) -> ReliabilityRule:
    """A rule from ``options``; its validation errors as one ValueError naming each option."""
    try:
        return ReliabilityRule(**options)
    except ValidationError as error:
        problems = []
        for e in error.errors():
            where = ".".join(str(part) for part in e["loc"])
            problems.append(
                f"{where}: {e['msg']}" if where else e["msg"].removeprefix("Value error, ")
            )
        raise ValueError("; ".join(problems)) from None
