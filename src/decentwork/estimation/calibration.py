"""Calibration of the weights to known population totals of categorical variables.

Post-stratification, raking and linear (GREG) calibration, as R ``survey``'s
``postStratify``, ``rake`` and ``calibrate`` (``calfun="linear"``, no bounds) on a
``svydesign``. With categorical controls the calibrated weight of a record is
``w*_k = g_j w_k``, the factor ``g_j`` constant in each *joint cell* ``j`` (a combination of
the control variables' values), so the calibration works on weight totals per joint cell,
and the calibration-aware scores ``e_k = z_k - w*_k H_jd`` (R: the ``postStrata`` handling of
``svyrecvar``) need only sums per joint cell: :meth:`Calibrated.adjustment` gives ``H``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype
from scipy import sparse

from decentwork.estimation.errors import EstimationError, bad_option

Method = Literal["poststratify", "rake", "linear"]
METHODS: tuple[str, ...] = get_args(Method)
TOTAL = "total"
"""The column of a controls table holding the population total of each cell."""
JOINT = "__joint"
"""The cell-table column holding each cell's joint cell of the control variables."""
RAKE_MAXIT, RAKE_EPSILON = 10, 1.0
"""R's ``rake(control=list(maxit=10, epsilon=1))`` defaults."""
R_RAKE_PROJECTIONS = 10
"""R's ``svyrecvar`` projects the scores of a raked design on the margins 10 times."""


@dataclass(frozen=True, eq=False)
class Calibration:
    """Calibrate the weights to population totals of categorical control variables.

    ``controls`` is one pandas DataFrame per margin: columns for the control variables (named
    as in the data) and ``total``, one row per cell. ``poststratify`` takes one table (the
    post-strata, e.g. province x sex x age group; R: ``postStratify(design, ~a+b, table)``);
    ``rake`` one table per margin (R: ``rake(design, list(~a, ~b), list(ta, tb))``, iterated
    until the weight table moves less than ``epsilon`` or for at most ``maxit`` sweeps, R's
    ``control=list(maxit=10, epsilon=1)``; ``epsilon < 1`` is a fraction of the weight total);
    ``linear`` one table per margin (R: ``calibrate(design, ~a+b, population)`` with its
    defaults, linear distance without bounds: the GREG estimator).

    Raises:
        EstimationError: an unknown method, a table without ``total`` or control columns,
            missing, negative or non-numeric totals, a cell given twice, margins whose
            grand totals differ, or ``maxit``/``epsilon`` for another method than ``rake``.
    """

    method: Method
    controls: pd.DataFrame | Sequence[pd.DataFrame]
    maxit: int | None = None
    epsilon: float | None = None

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise _bad("method", self.method, f"one of {', '.join(METHODS)}")
        tables = [self.controls] if isinstance(self.controls, pd.DataFrame) else self.controls
        if isinstance(tables, str) or not isinstance(tables, Sequence) or not tables:
            raise _bad("controls", type(self.controls).__name__, "a DataFrame or a list of them")
        if self.method == "poststratify" and len(tables) != 1:
            raise _bad(
                "controls", f"{len(tables)} tables", "one table of post-strata for poststratify"
            )
        object.__setattr__(
            self, "controls", tuple(_checked_table(t, k) for k, t in enumerate(tables))
        )
        grand = [float(t[TOTAL].sum()) for t in self.margins]
        if not all(math.isclose(g, grand[0], rel_tol=1e-9) for g in grand):
            raise EstimationError(
                f"Calibration: the margins' totals differ ({', '.join(f'{g:g}' for g in grand)}); "
                "every margin must add up to the same population",
                parameter="controls",
                given=grand,
                expected="margins with the same grand total",
            )
        if self.method != "rake":
            for option in ("maxit", "epsilon"):
                if getattr(self, option) is not None:
                    raise _bad(option, getattr(self, option), "None: it applies to method='rake'")
            return
        maxit = RAKE_MAXIT if self.maxit is None else self.maxit
        if not isinstance(maxit, int) or isinstance(maxit, bool) or maxit < 1:
            raise _bad("maxit", self.maxit, "a positive whole number")
        epsilon = RAKE_EPSILON if self.epsilon is None else self.epsilon
        if not isinstance(epsilon, int | float) or not math.isfinite(epsilon) or epsilon <= 0:
            raise _bad("epsilon", self.epsilon, "a positive number")
        object.__setattr__(self, "maxit", maxit)
        object.__setattr__(self, "epsilon", float(epsilon))

    @property
    def margins(self) -> tuple[pd.DataFrame, ...]:
        """The controls tables, checked."""
        assert isinstance(self.controls, tuple)
        return self.controls

    @property
    def variables(self) -> tuple[str, ...]:
        """The control variables, in the order the tables name them."""
        return tuple(dict.fromkeys(c for t in self.margins for c in t.columns if c != TOTAL))


def _checked_table(table: object, k: int) -> pd.DataFrame:
    """A controls table, checked: control columns, a numeric ``total`` >= 0, distinct cells."""
    where = f"Calibration: controls table {k + 1}"
    if not isinstance(table, pd.DataFrame):
        raise _bad("controls", type(table).__name__, "pandas DataFrames")
    variables = [c for c in table.columns if c != TOTAL]
    if TOTAL not in table.columns or not variables or table.empty:
        raise EstimationError(
            f"{where} has columns {list(table.columns)}: it needs the control variables and "
            f"a {TOTAL!r} column, and at least one row",
            parameter="controls",
            given=list(table.columns),
            expected=f"control variables and {TOTAL!r}",
        )
    if not all(isinstance(c, str) and c and not c.startswith("__") for c in variables):
        raise _bad("controls", variables, "column names (not starting with '__')")
    totals = pd.to_numeric(table[TOTAL], errors="coerce")
    bad = table.loc[totals.isna() | ~np.isfinite(totals) | (totals < 0), TOTAL]
    if len(bad):
        raise EstimationError(
            f"{where}: total {bad.iloc[0]!r} (row {bad.index[0]}) is not a number >= 0; "
            "population totals must be given and not negative",
            parameter="controls",
            given=repr(bad.iloc[0]),
            expected="totals >= 0",
        )
    if table[variables].isna().any().any():
        raise EstimationError(
            f"{where} has a missing value in {variables}; every cell must be named",
            parameter="controls",
        )
    if table.duplicated(variables).any():
        cell = table.loc[table.duplicated(variables), variables].iloc[0].to_dict()
        raise EstimationError(
            f"{where} gives the cell {cell} twice", parameter="controls", given=cell
        )
    return table.assign(**{TOTAL: totals.astype(float)}).reset_index(drop=True)


@dataclass(frozen=True)
class Calibrated:
    """A calibration solved on the sample: the joint cells, their factors ``g`` and what the
    calibration-aware scores need.

    ``weight`` and ``records`` are the design weight total and record count of each joint
    cell; ``g`` the calibration factor; ``member`` (joint cells x margin cells, 0/1, sparse)
    the margin cell of each joint cell for every margin and ``totals`` its controls (the
    cells the sample has); ``ratios`` (rake only) the weights of each margin's last
    post-stratification divided by the final weights, per joint cell, and ``sweeps`` the
    number of sweeps the raking took.
    """

    calibration: Calibration
    weight: np.ndarray
    records: np.ndarray
    g: np.ndarray
    member: list[sparse.csr_matrix]
    totals: list[np.ndarray]
    ratios: list[np.ndarray] = dataclasses.field(default_factory=list)
    sweeps: int = 0

    def factors(self, weight: np.ndarray) -> np.ndarray:
        """The factors of other weight totals per joint cell (a replicate weight's), as R
        recalibrates each replicate of a replicate design (``postStratify``, ``rake`` and
        ``calibrate`` on a ``svrepdesign``): raking takes the full sample's number of sweeps.
        A replicate without weight in a cell gets NaN there (R: ``Inf * 0``)."""
        return _factors(self.calibration.method, weight, self.member, self.totals, self.sweeps)

    def adjustment(self, scores: np.ndarray, unweighted: np.ndarray | None) -> np.ndarray:
        """``H`` (joint cells x domains) of the calibration-aware scores ``z_k - w*_k H_jd``.

        ``scores`` are the sums of the scores ``z_k`` per joint cell and domain; for
        raking, ``unweighted`` are the sums of ``z_k / w*_k``. Post-stratification:
        ``H = Z_j / N_j`` (R: ``svyrecvar``'s post-strata means). Linear: ``H = x_j' B`` with
        ``B`` the weighted least-squares fit of ``z / g`` on the controls (R: ``qr.resid``).
        Raking: R's 10 sweeps of projections on each margin with the weights of its last
        post-stratification (R: ``x - psw * ave(x / psw, margin)``).
        """
        method = self.calibration.method
        if method == "poststratify":
            return scores / (self.g * self.weight)[:, None]
        if method == "linear":
            design = sparse.hstack(self.member).toarray()
            root = np.sqrt(self.weight)
            fit = np.linalg.lstsq(design * root[:, None], scores / (self.g * root)[:, None])[0]
            return design @ fit
        assert unweighted is not None
        adjustment = np.zeros_like(scores)
        for _ in range(R_RAKE_PROJECTIONS):
            for member, ratio in zip(self.member, self.ratios, strict=True):
                residual = (unweighted - self.records[:, None] * adjustment) / ratio[:, None]
                mean = (member.T @ residual) / (member.T @ self.records)[:, None]
                adjustment = adjustment + ratio[:, None] * (member @ mean)
        return adjustment


def calibrate_cells(calibration: Calibration, cells: pd.DataFrame) -> tuple[Calibrated, np.ndarray]:
    """Solve ``calibration`` on the cell table: the :class:`Calibrated` and each cell's joint
    cell.

    ``cells`` holds the control variables as keys, ``__w`` (design weight sums) and
    ``__records``.

    Raises:
        EstimationError: a sample cell that a table lacks, a table cell with a positive total
            that the sample lacks, a sample cell with a zero total or zero weight, or raking
            that does not converge.
    """
    variables = list(calibration.variables)
    codes = cells.groupby(variables, sort=True, dropna=False).ngroup().to_numpy()
    joint = cells[variables].groupby(codes).first().reset_index(drop=True)
    weight = np.bincount(codes, weights=cells["__w"].to_numpy(float), minlength=len(joint))
    records = np.bincount(codes, weights=cells["__records"].to_numpy(float), minlength=len(joint))
    if (weight <= 0).any():
        cell = joint.iloc[int(np.flatnonzero(weight <= 0)[0])].to_dict()
        raise EstimationError(
            f"Calibration: the sample cell {cell} has a weight total of 0; calibration "
            "multiplies the weights of a cell, so each needs a positive weight",
            parameter="controls",
            given=cell,
        )
    member, totals = [], []
    for k, table in enumerate(calibration.margins):
        index, total = _match(joint, table, weight, k)
        cells = (np.ones(len(index)), (np.arange(len(index)), index))
        member.append(sparse.csr_matrix(cells, shape=(len(index), len(total))))
        totals.append(total)
    if calibration.method != "rake":
        g = _factors(calibration.method, weight, member, totals)
        return Calibrated(calibration, weight, records, g, member, totals), codes
    g, ratios, sweeps = _rake(calibration, weight, member, totals)
    return Calibrated(calibration, weight, records, g, member, totals, ratios, sweeps), codes


def _factors(
    method: str,
    weight: np.ndarray,
    member: list[sparse.csr_matrix],
    totals: list[np.ndarray],
    sweeps: int = 0,
) -> np.ndarray:
    """The factors ``g`` per joint cell of the weight totals ``weight``: post-stratification,
    linear calibration, or ``sweeps`` sweeps of raking."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "poststratify":
            return member[0] @ (totals[0] / (member[0].T @ weight))
        if method == "linear":
            design = sparse.hstack(member).toarray()
            gram = design.T @ (design * weight[:, None])
            target = np.concatenate(totals) - design.T @ weight
            return 1.0 + design @ np.linalg.lstsq(gram, target)[0]
        g = np.ones(len(weight))
        for _ in range(sweeps):
            for cells, total in zip(member, totals, strict=True):
                g = g * (cells @ (total / (cells.T @ (weight * g))))
        return g


def _match(
    joint: pd.DataFrame, table: pd.DataFrame, weight: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each joint cell's row in the margin ``table`` (kept to the cells the sample has), and
    the totals of those rows; refuses cells the sample and the table do not share, as R's
    ``postStratify`` does."""
    variables = [c for c in table.columns if c != TOTAL]
    where = f"Calibration: controls table {k + 1} ({' x '.join(variables)})"
    keys, cells = joint[variables].copy(), table[variables].copy()
    for column in variables:
        if not (is_numeric_dtype(keys[column]) and is_numeric_dtype(cells[column])):
            keys[column], cells[column] = keys[column].astype(str), cells[column].astype(str)
    found = keys.merge(cells.assign(__row=np.arange(len(cells))), on=variables, how="left")
    found = found["__row"]
    absent = found.isna().to_numpy()
    if absent.any():
        cell = keys.iloc[int(np.flatnonzero(absent)[0])].to_dict()
        raise EstimationError(
            f"{where} has no row for the sample cell {cell} ({int(absent.sum())} sample "
            "cell(s) missing; check the values and their type)",
            parameter="controls",
            given=cell,
            expected="a row for every cell of the sample",
        )
    rows = found.to_numpy(dtype=np.int64)
    used = np.bincount(rows, weights=weight, minlength=len(table)) > 0
    empty = np.flatnonzero(~used & (table[TOTAL].to_numpy() > 0))
    if len(empty):
        cell = table.loc[empty[0], variables].to_dict()
        raise EstimationError(
            f"{where}: the cell {cell} has a positive total but no sample record "
            f"({len(empty)} such cell(s)); collapse it with a neighbour",
            parameter="controls",
            given=cell,
            expected="a sample record in every cell with a positive total",
        )
    zero = np.flatnonzero(used & (table[TOTAL].to_numpy() == 0))
    if len(zero):
        cell = table.loc[zero[0], variables].to_dict()
        raise EstimationError(
            f"{where}: the cell {cell} has sample records but a total of 0",
            parameter="controls",
            given=cell,
            expected="a positive total for every cell of the sample",
        )
    kept = np.flatnonzero(used)
    index = np.searchsorted(kept, rows)
    return index, table[TOTAL].to_numpy()[kept]


def _rake(
    calibration: Calibration,
    weight: np.ndarray,
    member: list[sparse.csr_matrix],
    totals: list[np.ndarray],
) -> tuple[np.ndarray, list[np.ndarray], int]:
    """R's ``rake``: post-stratify on each margin in turn until the joint weight table moves
    less than ``epsilon`` in a sweep; the factors, each margin's last weights / final, and
    the number of sweeps."""
    assert calibration.maxit is not None and calibration.epsilon is not None
    epsilon = calibration.epsilon
    if epsilon < 1:
        epsilon *= float(weight.sum())
    g = np.ones(len(weight))
    old = weight
    for sweep in range(calibration.maxit):
        after = []
        for cells, total in zip(member, totals, strict=True):
            g = g * (cells @ (total / (cells.T @ (weight * g))))
            after.append(g)
        new = weight * g
        delta = float(np.max(np.abs(new - old)))
        if delta < epsilon:
            return g, [a / g for a in after], sweep + 1
        old = new
    raise EstimationError(
        f"Calibration: raking did not converge after {calibration.maxit} iterations (the "
        f"weight table still moved by {delta:g} >= epsilon={epsilon:g}); "
        "raise maxit, or check that the margins can be met together",
        parameter="maxit",
        given=calibration.maxit,
    )


def _bad(option: str, value: object, expected: str) -> EstimationError:
    return bad_option("Calibration", option, value, expected)
