"""Results frameworks as YAML files: goals or outcomes → targets → indicators, each indicator a
warehouse indicator code with filters on sex and classifications, a desired direction,
disaggregated breakdowns, and per-area baselines, targets and milestones.

Bundled frameworks live in ``decentwork/monitoring/frameworks/<name>.yaml`` (``sdg8``,
``ilo-china-partnership-2016``, ``dwcp-template``); a user's own framework is given by the
path of its file. Both are validated the same way; errors name the file and the field.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from decentwork.errors import BadInput, NotFound
from decentwork.monitoring.progress import Direction


class FrameworkError(BadInput):
    """A framework, or a file of settings for one, is not valid; the message names the file
    and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Point(_Strict):
    """A value in a year (a baseline or a milestone)."""

    year: int = Field(ge=1900, le=2100)
    value: float


class TargetValue(_Strict):
    """A numeric target: ``value`` by ``year``; ``direction`` overrides the indicator's."""

    value: float
    year: int = Field(ge=1900, le=2100)
    direction: Direction | None = None


class AreaSettings(_Strict):
    """One area's settings for an indicator: its baseline (a year, and the official value
    where it differs from the warehouse's), its national target, its interim milestones, and
    the source to assess (an ILOSTAT source code, such as the one ILOSTAT reports for the SDG;
    without it, :func:`decentwork.monitoring.sources.choose` picks one)."""

    baseline: Point | None = None
    baseline_year: int | None = Field(default=None, ge=1900, le=2100)
    target: TargetValue | None = None
    milestones: tuple[Point, ...] = ()
    source: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_baseline(self) -> AreaSettings:
        if self.baseline is not None and self.baseline_year is not None:
            raise ValueError("give baseline (year and value) or baseline_year, not both")
        return self


class Breakdown(_Strict):
    """A disaggregated series of an indicator, assessed beside the total: a label and the
    filters that replace the indicator's own (``sex: SEX_F``; ``classif1: AGE_...``)."""

    label: str = Field(min_length=1)
    sex: str | None = None
    classif1: str | None = None
    classif2: str | None = None


class Indicator(_Strict):
    """A measurable indicator of a target: the warehouse series (``indicator`` code and
    filters), its desired direction, breakdowns, gap pairs, a default target and per-area
    settings. ``indicator`` may be null for an indicator the warehouse cannot hold yet; its
    ``note`` then says why, and it is always reported as "no data"."""

    code: str = Field(min_length=1)
    title: str = Field(min_length=1)
    indicator: str | None
    sex: str | None = None
    """Default: both sexes (``SEX_T``, or no sex code for an indicator without one)."""
    classif1: str | None = None
    classif2: str | None = None
    direction: Direction
    frequency: Literal["annual", "monthly"] = "annual"
    """How often the warehouse holds the series: ``monthly`` for administrative statistics
    (a public employment service's), whose assessed year is the mean of its months."""
    note: str | None = None
    breakdowns: tuple[Breakdown, ...] = ()
    gaps: tuple[tuple[str, str], ...] = ()
    target: TargetValue | None = None
    areas: dict[str, AreaSettings] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if self.indicator is None and not self.note:
            raise ValueError("an indicator without a warehouse code needs a note saying why")
        labels = [b.label for b in self.breakdowns]
        if len(set(labels)) != len(labels):
            raise ValueError(f"breakdown labels repeat: {labels}")
        for pair in self.gaps:
            unknown = [label for label in pair if label not in labels]
            if unknown:
                raise ValueError(
                    f"gap {list(pair)}: no breakdown labelled {unknown[0]!r} "
                    f"(the breakdowns are {labels})"
                )
        return self

    def settings(self, area: str) -> AreaSettings:
        """The settings of ``area`` (empty when the framework gives none)."""
        return self.areas.get(area, AreaSettings())

    def target_for(self, area: str) -> TargetValue | None:
        """The area's national target, else the indicator's default target."""
        return self.settings(area).target or self.target


class Target(_Strict):
    """A target of an outcome, measured by its indicators."""

    code: str = Field(min_length=1)
    title: str = Field(min_length=1)
    indicators: tuple[Indicator, ...] = Field(min_length=1)


class Outcome(_Strict):
    """A goal or outcome, reached through its targets."""

    code: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str | None = None
    targets: tuple[Target, ...] = Field(min_length=1)


class Milestone(_Strict):
    """A dated event in the history of the framework."""

    year: int = Field(ge=1800, le=2100)
    event: str = Field(min_length=1)


class Framework(_Strict):
    """A results framework: outcomes → targets → indicators, the areas it follows by
    default, its horizon and baseline year, its milestones and sources."""

    code: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str | None = None
    horizon: int = Field(ge=1900, le=2100)
    baseline_year: int = Field(ge=1900, le=2100)
    areas: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    outcomes: tuple[Outcome, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> Framework:
        codes = [i.code for _, _, i in self.indicators()]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise ValueError(f"indicator codes repeat: {', '.join(repeated)}")
        return self

    def indicators(self) -> list[tuple[Outcome, Target, Indicator]]:
        """Every indicator with its outcome and target, in the framework's order."""
        return [
            (outcome, target, indicator)
            for outcome in self.outcomes
            for target in outcome.targets
            for indicator in target.indicators
        ]

    def indicator(self, code: str) -> tuple[Outcome, Target, Indicator]:
        """The indicator with framework code ``code`` (``8.5.2``).

        Raises:
            NotFound: no such indicator in the framework.
        """
        for found in self.indicators():
            if found[2].code == code:
                return found
        codes = ", ".join(i.code for _, _, i in self.indicators())
        raise NotFound(
            f"framework {self.code}: no indicator {code!r} (it has {codes})",
            parameter="code",
            given=code,
            expected=codes,
        )


@cache
def bundled() -> tuple[str, ...]:
    """The names of the bundled frameworks."""
    folder = resources.files("decentwork.monitoring").joinpath("frameworks")
    return tuple(
        sorted(
            item.name.removesuffix(".yaml")
            for item in folder.iterdir()
            if item.name.endswith(".yaml")
        )
    )


def bundled_framework(name: str) -> Framework:
    """The bundled framework called ``name`` (read once per process).

    Raises:
        NotFound: no bundled framework has that name.
    """
    if name not in bundled():
        raise NotFound(
            f"framework {name!r}: not a bundled framework (they are {', '.join(bundled())})",
            parameter="name",
            given=name,
            expected=", ".join(bundled()),
        )
    return _bundled(name)


def load_framework(name: str | Path) -> Framework:
    """The bundled framework called ``name`` (read once per process), or the framework in
    the YAML file at ``name``.

    Raises:
        NotFound: neither a bundled name nor a file.
        FrameworkError: the file cannot be read, is not YAML, or is not a valid framework
            (the message names the file and each wrong field).
    """
    text_name = str(name)
    if text_name in bundled():
        return _bundled(text_name)
    path = Path(name)
    if not path.is_file():
        raise NotFound(
            f"{text_name}: neither a bundled framework ({', '.join(bundled())}) nor a file",
            given=text_name,
            expected=f"{', '.join(bundled())} or a framework's YAML file",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FrameworkError(f"{path}: cannot be read ({error})") from None
    return _parsed(text, str(path))


@cache
def _bundled(name: str) -> Framework:
    """A bundled framework (frozen, so one copy serves every caller). One that is not valid is
    a defect of decentwork, not its user's problem."""
    source = resources.files("decentwork.monitoring").joinpath("frameworks", f"{name}.yaml")
    try:
        return _parsed(source.read_text(encoding="utf-8"), f"bundled framework {name}")
    except FrameworkError as error:
        raise RuntimeError(f"decentwork's {error}") from error


def _parsed(text: str, label: str) -> Framework:
    """The framework in YAML ``text`` from ``label`` (a file or bundled name), validated."""
    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise FrameworkError(f"{label}: not valid YAML ({error})") from None
    if not isinstance(content, dict):
        raise FrameworkError(
            f"{label}: expected a mapping with code, title, horizon, baseline_year and outcomes"
        )
    try:
        return Framework.model_validate(content)
    except ValidationError as error:
        raise FrameworkError(f"{label}: {problems(error)}") from None


def problems(error: ValidationError) -> str:
    """A validation error's problems as ``field.path: message``, separated by ``; ``."""
    return "; ".join(_problem(each) for each in error.errors())


def _problem(error: ErrorDetails) -> str:
    """One validation error as ``field.path: message``."""
    where = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message
