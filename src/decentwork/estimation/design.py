"""The survey design: which columns carry the design and which variance conventions apply.

:class:`DesignOptions` is the one list of the options, with their types and defaults;
:class:`Design` checks them for the estimator, and a survey profile's design section
(:mod:`decentwork.survey.profile`) derives its keys from the same list. Every convention is an
explicit option, named after the R ``survey`` option it matches.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from decentwork.estimation.calibration import Calibration
from decentwork.estimation.errors import EstimationError, bad_option

LonelyPSU = Literal["fail", "remove", "certainty", "adjust", "average"]
ReplicateMethod = Literal["bootstrap", "jk1", "jkn", "brr", "fay", "sdr", "other"]

LONELY_PSU_OPTIONS: tuple[str, ...] = get_args(LonelyPSU)
REPLICATE_METHODS: tuple[str, ...] = get_args(ReplicateMethod)
FIXED_SCALE_METHODS = ("brr", "fay", "sdr")
"""Replicate methods whose scale is fixed by the method (R ignores ``scale=``/``rscales=``)."""
COLUMN_OPTIONS = ("weight", "strata", "psu", "fpc")
"""The options that say where a design variable comes from (a column of the data); the
others are conventions."""
STAGE_OPTIONS = ("strata", "psu", "fpc")
"""The column options that take one column per sampling stage (a tuple) in a multi-stage
design (R: ``svydesign(ids=~psu+ssu, strata=~s1+s2, fpc=~fpc1+fpc2)``)."""

Columns = str | list[str] | tuple[str, ...]
"""A column option: one column, or one column per stage (:data:`STAGE_OPTIONS`)."""


@dataclass(frozen=True)
class DesignOptions:
    """Every option of a survey design, with its type and default, unchecked.

    The column options (:data:`COLUMN_OPTIONS`) name a column of the data for
    :class:`Design`, and give an SQL expression over the raw columns in a survey profile.
    """

    weight: str
    strata: Columns | None = None
    psu: Columns | None = None
    fpc: Columns | None = None
    nest: bool = True
    lonely_psu: LonelyPSU = "fail"
    replicate_weights: list[str] | tuple[str, ...] | str | None = None
    replicate_method: ReplicateMethod | None = None
    fay_rho: float | None = None
    mse: bool = False
    scale: float | None = None
    rscales: list[float] | tuple[float, ...] | None = None


@dataclass(frozen=True)
class Design(DesignOptions):
    """A survey design: weights, strata, primary sampling units, FPC or replicate weights.

        Taylor-linearisation designs name ``weight`` and optionally ``strata``, ``psu`` and
        ``fpc`` (R: ``svydesign(ids=~psu, strata=~strata, weights=~weight, fpc=~fpc, nest=)``).
        Without ``psu`` every record is its own PSU (R: ``ids=~1``).

        Multi-stage designs give ``psu`` as a tuple of one column per stage, ``("psu", "ssu")``,
        with ``fpc`` one column per stage and ``strata`` one column per stage or fewer (a
        later stage without its own strata column is unstratified within its parent unit),
        as R's ``svydesign(ids=~psu+ssu, strata=~s1+s2, fpc=~fpc1+fpc2)``; R's default
        multistage variance (``options(survey.ultimate.cluster=FALSE)``) then adds each later
        stage's variance. A one-element tuple is the one-stage design of its column.

        Replicate-weight designs name ``weight`` (the full-sample weight), ``replicate_weights``
        (a list of columns, or a regular expression matched at the start of column names, such as
        ``"repw"`` or ``"repw[0-9]+"``) and ``replicate_method``; replicate weights are full
        analysis weights (R: ``svrepdesign(..., combined.weights=TRUE)``). ``mse=True`` centres
        the replicates at the full-sample estimate rather than at their mean (R: ``mse=TRUE``).
    ``scale`` replaces the method's overall multiplier and ``rscales`` gives one multiplier per
    replicate (R: ``svrepdesign(scale=, rscales=)``); ``jkn`` needs ``rscales`` (R's ``type="JKn"``
    with combined weights) and ``other`` needs ``scale`` (R's ``type="other"``); ``brr``, ``fay``
    and ``sdr`` fix their own scale and take neither.

    ``calibration`` calibrates the weights to population totals (a
    :class:`~decentwork.estimation.calibration.Calibration`: R's ``postStratify``, ``rake`` or
    ``calibrate``), with the calibration-aware variance on a Taylor design and every replicate
    weight recalibrated on a replicate design, as R does.

        Raises:
            EstimationError: an option of the wrong type, an unknown convention or options that
                do not go together; :attr:`~decentwork.errors.DecentworkError.parameter` names the
                option.
    """

    calibration: Calibration | None = None

    def __post_init__(self) -> None:
        if self.calibration is not None and not isinstance(self.calibration, Calibration):
            raise _bad("calibration", self.calibration, "a Calibration or None")
        if not isinstance(self.weight, str) or not self.weight:
            raise _bad("weight", self.weight, "a column name")
        for option in STAGE_OPTIONS:
            value = getattr(self, option)
            if isinstance(value, list | tuple):
                if not value or not all(isinstance(c, str) and c for c in value):
                    raise _bad(
                        option, value, "a column name, a list of them (one per stage) or None"
                    )
                object.__setattr__(self, option, value[0] if len(value) == 1 else tuple(value))
            elif value is not None and (not isinstance(value, str) or not value):
                raise _bad(option, value, "a column name, a list of them (one per stage) or None")
        self._check_stages()
        if self.calibration is not None and self.is_multistage:
            raise EstimationError(
                "Design: calibration of a multi-stage design is not computed (its variance "
                "would need the calibration residuals at every stage): give one stage, or no "
                "calibration",
                parameter="calibration",
                expected="a one-stage design with calibration",
            )
        if self.fay_rho is not None and not isinstance(self.fay_rho, int | float):
            raise _bad("fay_rho", self.fay_rho, "a number")
        if self.lonely_psu not in LONELY_PSU_OPTIONS:
            raise _bad("lonely_psu", self.lonely_psu, f"one of {', '.join(LONELY_PSU_OPTIONS)}")
        if isinstance(self.replicate_weights, list | tuple):
            object.__setattr__(self, "replicate_weights", tuple(self.replicate_weights))
            if not all(isinstance(c, str) and c for c in self.replicate_weights):
                raise EstimationError(
                    "Design: replicate_weights must be column names",
                    parameter="replicate_weights",
                    given=self.replicate_weights,
                    expected="column names",
                )
        elif self.replicate_weights is not None and not isinstance(self.replicate_weights, str):
            raise _bad(
                "replicate_weights", self.replicate_weights, "a list of column names or a pattern"
            )
        self._check_scales()
        if self.replicate_weights is None:
            for option in ("replicate_method", "scale", "rscales"):
                if getattr(self, option) is not None:
                    raise EstimationError(
                        f"Design: {option} given without replicate_weights",
                        parameter=option,
                        given=repr(getattr(self, option)),
                    )
            return
        if self.replicate_method not in REPLICATE_METHODS:
            raise _bad(
                "replicate_method", self.replicate_method, f"one of {', '.join(REPLICATE_METHODS)}"
            )
        if self.strata or self.psu or self.fpc:
            raise EstimationError(
                "Design: a replicate-weight design carries its strata and PSUs in the replicate "
                "weights; give either replicate_weights or strata/psu/fpc, not both",
                parameter="replicate_weights",
            )
        if self.replicate_method == "fay":
            if self.fay_rho is None or not 0 < self.fay_rho < 1:
                raise EstimationError(
                    "Design: replicate_method='fay' needs fay_rho in (0, 1)",
                    parameter="fay_rho",
                    given=self.fay_rho,
                    expected="a number between 0 and 1",
                )
        elif self.fay_rho is not None:
            raise EstimationError(
                f"Design: fay_rho applies only to replicate_method='fay', not "
                f"{self.replicate_method!r}",
                parameter="fay_rho",
                given=self.fay_rho,
            )
        if isinstance(self.replicate_weights, tuple):
            self.replicate_rscales(len(self.replicate_weights))
        if self.replicate_method in FIXED_SCALE_METHODS:
            for option in ("scale", "rscales"):
                if getattr(self, option) is not None:
                    raise EstimationError(
                        f"Design: replicate_method={self.replicate_method!r} fixes its own "
                        f"scale; {option} applies to bootstrap, jk1, jkn and other",
                        parameter=option,
                        given=repr(getattr(self, option)),
                    )
        required = {"jkn": "rscales", "other": "scale"}.get(str(self.replicate_method))
        if required and getattr(self, required) is None:
            raise EstimationError(
                f"Design: replicate_method={self.replicate_method!r} needs {required} "
                f"(R: svrepdesign({required}=))",
                parameter=required,
                expected="a positive number" if required == "scale" else "one number per replicate",
            )

    def _check_stages(self) -> None:
        """Refuse per-stage columns that do not make a multi-stage design R can compute."""
        stages = len(self.stage_psus)
        if len(self.stage_psus) != len(set(self.stage_psus)):
            raise _bad("psu", self.psu, "a different column for each stage")
        if len(self.stage_strata) > max(stages, 1):
            raise EstimationError(
                f"Design: strata gives {len(self.stage_strata)} stages but psu "
                f"{max(stages, 1)}: each stage's strata need that stage's units in psu",
                parameter="strata",
                given=repr(self.strata),
                expected=f"at most {max(stages, 1)} column(s)",
            )
        if stages > 1 and self.fpc is not None and len(self.stage_fpcs) != stages:
            raise EstimationError(
                f"Design: a {stages}-stage design (psu={self.psu!r}) needs one fpc column per "
                f"stage, not {len(self.stage_fpcs)} (R: fpc=~fpc1+fpc2); without fpc only "
                "the first stage enters the variance, as in R",
                parameter="fpc",
                given=repr(self.fpc),
                expected=f"{stages} columns",
            )
        if stages <= 1 and isinstance(self.fpc, tuple):
            raise EstimationError(
                f"Design: fpc gives {len(self.stage_fpcs)} stages but psu {max(stages, 1)}: "
                "each stage's FPC needs that stage's units in psu",
                parameter="fpc",
                given=repr(self.fpc),
                expected="one column",
            )

    @property
    def stage_psus(self) -> tuple[str, ...]:
        """The sampling unit column of each stage (none when records are the PSUs)."""
        return _as_tuple(self.psu)

    @property
    def stage_strata(self) -> tuple[str, ...]:
        """The strata column of each stratified stage, from the first."""
        return _as_tuple(self.strata)

    @property
    def stage_fpcs(self) -> tuple[str, ...]:
        """The FPC column of each stage, from the first."""
        return _as_tuple(self.fpc)

    @property
    def is_multistage(self) -> bool:
        """True for a design with sampling units at two stages or more."""
        return len(self.stage_psus) > 1

    def _check_scales(self) -> None:
        """Refuse a scale that is not a positive number, or rscales that are not numbers >= 0."""
        if self.scale is not None and not (
            isinstance(self.scale, int | float)
            and not isinstance(self.scale, bool)
            and math.isfinite(self.scale)
            and self.scale > 0
        ):
            raise _bad("scale", self.scale, "a positive number")
        if self.rscales is None:
            return
        if not isinstance(self.rscales, list | tuple) or not self.rscales:
            raise _bad("rscales", self.rscales, "a list of numbers >= 0, one per replicate")
        object.__setattr__(self, "rscales", tuple(self.rscales))
        if not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v >= 0
            for v in self.rscales
        ):
            raise _bad("rscales", self.rscales, "a list of numbers >= 0, one per replicate")

    @property
    def is_replicate(self) -> bool:
        """True for a replicate-weight design."""
        return self.replicate_weights is not None

    def replicate_columns(self, columns: Sequence[str]) -> list[str]:
        """The replicate-weight columns among ``columns`` (explicit list, or pattern matches)."""
        if self.replicate_weights is None:
            return []
        if isinstance(self.replicate_weights, str):
            try:
                pattern = re.compile(self.replicate_weights)
            except re.error as error:
                raise EstimationError(
                    f"Design: replicate_weights={self.replicate_weights!r} is not a valid "
                    f"regular expression ({error})",
                    parameter="replicate_weights",
                    given=self.replicate_weights,
                    expected="a regular expression",
                ) from None
            found = [c for c in columns if pattern.match(c) and c != self.weight]
            if not found:
                raise EstimationError(
                    f"Design: no column matches the replicate-weight pattern "
                    f"{self.replicate_weights!r}",
                    parameter="replicate_weights",
                    given=self.replicate_weights,
                )
            return found
        return list(self.replicate_weights)

    def replicate_scale(self, n_replicates: int) -> float:
        """Multiplier of the sum of squared replicate deviations (R ``svrepdesign``'s scale)."""
        if n_replicates < 2:
            raise EstimationError(
                f"Design: {n_replicates} replicate weights; need at least 2",
                parameter="replicate_weights",
                given=n_replicates,
                expected="at least 2 replicate weights",
            )
        if self.scale is not None:
            return float(self.scale)
        return {
            "bootstrap": 1.0 / (n_replicates - 1),
            "jk1": (n_replicates - 1) / n_replicates,
            "jkn": 1.0,
            "brr": 1.0 / n_replicates,
            "fay": 1.0 / (n_replicates * (1.0 - (self.fay_rho or 0.0)) ** 2),
            "sdr": 4.0 / n_replicates,
            "other": 1.0,
        }[str(self.replicate_method)]

    def replicate_rscales(self, n_replicates: int) -> np.ndarray:
        """Multiplier of each replicate's squared deviation (R ``svrepdesign``'s rscales).

        Raises:
            EstimationError: ``rscales`` does not have one value per replicate weight.
        """
        if self.rscales is None:
            return np.ones(n_replicates)
        if len(self.rscales) not in (1, n_replicates):
            raise EstimationError(
                f"Design: rscales has {len(self.rscales)} values for {n_replicates} replicate "
                "weights",
                parameter="rscales",
                given=len(self.rscales),
                expected=f"{n_replicates} values (one per replicate weight) or 1",
            )
        return np.broadcast_to(np.asarray(self.rscales, dtype=float), (n_replicates,))

    def columns(self) -> list[str]:
        """The design columns (without replicate weights), in a stable order."""
        return [self.weight, *self.key_columns(), *self.stage_fpcs]

    def key_columns(self) -> list[str]:
        """The strata and sampling-unit columns of every stage, strata of each stage first."""
        keys: list[str] = []
        for k in range(max(len(self.stage_psus), len(self.stage_strata))):
            keys += [*self.stage_strata[k : k + 1], *self.stage_psus[k : k + 1]]
        return list(dict.fromkeys(keys))


def _as_tuple(value: Columns | None) -> tuple[str, ...]:
    """A column option as a tuple of columns (empty for None)."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _bad(option: str, value: object, expected: str) -> EstimationError:
    """The error for an option whose value is not what it should be."""
    return bad_option("Design", option, value, expected)
