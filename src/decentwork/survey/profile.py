"""The survey profile: a YAML file mapping a national survey file onto the ILO harmonised
variables, validated with Pydantic.

Sections: ``metadata`` (name, ref_area, source, time, scope), ``input`` (format, zip
member, encoding, delimiter, CSPro record), ``design`` (every option of the estimation
kernel's design, and the weight scale), ``variables`` (standard variable name -> SQL
expression over the raw columns), ``notes`` (the national concept or nonstandard definition a
mapped variable follows, carried by every observation computed from it) and ``variants``
(another definition of some variables, such as the ICLS or the national one, giving
observations of their own source, marked by a note) and ``reliability`` (the reliability
rule set of the observations, or thresholds over one).
"""

from __future__ import annotations

import dataclasses
import re
import typing
from importlib import resources
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal

import pandas as pd
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic.dataclasses import dataclass as validated_dataclass

from decentwork.errors import NotFound
from decentwork.estimation import Design, EstimationError
from decentwork.estimation.calibration import TOTAL, Calibration, Method
from decentwork.estimation.design import COLUMN_OPTIONS, DesignOptions
from decentwork.survey.errors import ProfileError
from decentwork.survey.expressions import expression_columns, missing_columns

BUNDLED = "decentwork.survey.profiles"
STANDARD_NAME = r"^ilo_[a-z0-9_]+$"
LITERAL_TIME = re.compile(r"^\d{4}(M(0[1-9]|1[0-2])|Q[1-4])?$")
REQUIRED_VARIABLES = ("ilo_sex", "ilo_age", "ilo_lfs")
"""Standard variables every labour force survey profile should map."""


def _expression(sql: str) -> str:
    expression_columns(sql)
    return sql


def _time(value: str) -> str:
    return value if LITERAL_TIME.match(value) else _expression(value)


def _stages(value: object) -> str | list[str]:
    """An expression, or a list of them (one per stage of a multi-stage design)."""
    if isinstance(value, str):
        return _expression(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        for k, sql in enumerate(value, start=1):
            try:
                _expression(sql)
            except ValueError as error:
                raise ValueError(f"stage {k}: {error}") from None
        return value
    raise ValueError(
        f"{value!r} is not an SQL expression or a list of them (one per sampling stage)"
    )


Expression = Annotated[str, AfterValidator(_expression)]
StageExpressions = Annotated[str | list[str], PlainValidator(_stages)]
"""A design column: one SQL expression, or one per sampling stage (``psu: [psu, ssu]``)."""
StandardName = Annotated[str, Field(pattern=STANDARD_NAME)]


class Section(BaseModel):
    """A profile section: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Metadata(Section):
    """What the survey is: name, area, ILOSTAT source code and reference period."""

    name: str
    ref_area: Annotated[str, Field(pattern=r"^[A-Z0-9_]+$")]
    source: Annotated[str, Field(pattern=r"^[A-Za-z0-9_:.-]+$")]
    time: Annotated[str, AfterValidator(_time)]
    description: str | None = None
    regions: dict[int, Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$")]] | None = None
    """Codes of ``ilo_region`` -> the sub-national area code used as ``ref_area`` for the
    region's estimates (ISO 3166-2 where one exists, e.g. ``CA-NL``)."""
    scope: Expression | None = None
    """The records the survey's statistics cover: an SQL condition over the raw columns;
    records for which it is not true (false or NULL) are left out."""


class Input(Section):
    """How the file is read."""

    format: Literal["csv", "parquet", "dta", "sav", "cspro"]
    zip_member: str | None = None
    encoding: str = "utf-8"
    delimiter: str | None = None
    record: str | None = None
    """CSPro: the record type whose lines are read (needed when the dictionary has several)."""

    @model_validator(mode="after")
    def _format_options(self) -> Input:
        if self.record is not None and self.format != "cspro":
            raise ValueError("record is a CSPro option (format: cspro)")
        return self


class CalibrationSection(Section):
    """The calibration of the weights to population totals (the kernel's
    :class:`~decentwork.estimation.calibration.Calibration`): the method, each control
    variable as an SQL expression over the raw columns (a harmonised column of that name), and
    the controls tables, one per margin, each a CSV path relative to the profile or inline
    rows, with a column per control variable and ``total``."""

    method: Method
    variables: Annotated[
        dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], Expression],
        Field(min_length=1),
    ]
    controls: Annotated[list[str | list[dict[str, Any]]], Field(min_length=1)]
    maxit: int | None = None
    epsilon: float | None = None
    _calibration: Calibration | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _tables(self, info: ValidationInfo) -> CalibrationSection:
        base = Path((info.context or {}).get("base", "."))
        tables = []
        for k, given in enumerate(self.controls):
            if isinstance(given, str):
                path = base / given
                try:
                    table = pd.read_csv(path)
                except (OSError, ValueError, UnicodeDecodeError) as error:
                    raise ValueError(f"controls[{k}]: cannot read {path} ({error})") from None
            else:
                table = pd.DataFrame(given)
            unknown = sorted(set(map(str, table.columns)) - {*self.variables, TOTAL})
            if unknown:
                raise ValueError(
                    f"controls[{k}]: column(s) {', '.join(unknown)} are neither calibration "
                    f"variables ({', '.join(self.variables)}) nor {TOTAL!r}"
                )
            tables.append(table)
        unused = sorted(set(self.variables) - {c for t in tables for c in t.columns})
        if unused:
            raise ValueError(f"variables: {', '.join(unused)} in no controls table")
        try:
            self._calibration = Calibration(self.method, tables, self.maxit, self.epsilon)
        except EstimationError as error:
            raise ValueError(str(error).removeprefix("Calibration: ")) from None
        return self

    def calibration(self) -> Calibration:
        """The kernel's calibration, on the harmonised columns named as the variables."""
        assert self._calibration is not None
        return self._calibration


@validated_dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class DesignSection(DesignOptions):
    """The sampling design: every option of the estimation kernel's design
    (:class:`~decentwork.estimation.design.DesignOptions`, with its types and defaults), the
    column options being SQL expressions over the raw columns (usually a column name), and
    ``weight_scale``."""

    weight: Expression
    strata: StageExpressions | None = None
    psu: StageExpressions | None = None
    fpc: StageExpressions | None = None
    calibration: CalibrationSection | None = None
    weight_scale: Annotated[float, Field(gt=0)] = 1.0

    @model_validator(mode="after")
    def _consistent(self) -> DesignSection:
        try:
            self.design()
        except EstimationError as error:
            raise ValueError(str(error).removeprefix("Design: ")) from None
        return self

    def design(self) -> Design:
        """The estimation design on the harmonised column names (a column option given in
        the profile is the harmonised column of its name; a list, one expression per stage of
        a multi-stage design, gives ``psu``, ``psu2``, ...)."""
        options = {o.name: getattr(self, o.name) for o in dataclasses.fields(DesignOptions)}
        for name in COLUMN_OPTIONS:
            columns = list(self.columns(name))
            options[name] = (
                columns if isinstance(options[name], list) else next(iter(columns), None)
            )
        calibration = self.calibration.calibration() if self.calibration else None
        return Design(**{**options, "calibration": calibration})

    def columns(self, option: str) -> dict[str, str]:
        """Harmonised column -> SQL expression of a column option (``psu``, or ``psu``,
        ``psu2``, ... for one expression per stage); empty when the option is not given."""
        value = getattr(self, option)
        if value is None:
            return {}
        if isinstance(value, str):
            return {option: value}
        return {option if k == 1 else f"{option}{k}": sql for k, sql in enumerate(value, start=1)}


def _reliability(value: object) -> str | dict[str, Any]:
    """A bundled reliability rule set's name, or a mapping of thresholds over one, checked."""
    # The rules belong to the indicators, which read profiles: imported when a profile is
    # validated, once both packages are loaded.
    from decentwork.indicators.reliability import rule_from

    if not isinstance(value, str | dict):
        raise ValueError(f"{value!r} is neither a rule set's name nor a mapping of thresholds")
    rule_from(value)
    return value


ReliabilitySpec = Annotated[str | dict[str, Any], PlainValidator(_reliability)]
"""A profile's ``reliability``: a bundled rule set's name or a mapping of thresholds over one
(:func:`decentwork.indicators.reliability.rule_from`)."""


class Variant(Section):
    """Another definition of some variables, usually the national one: its observations get
    their own ``source`` code and carry ``note`` (their ``note_indicator``)."""

    note: Annotated[str, Field(min_length=1)]
    source: Annotated[str, Field(pattern=r"^[A-Za-z0-9_:.-]+$")]
    variables: Annotated[dict[StandardName, Expression], Field(min_length=1)]


class Profile(Section):
    """A validated survey profile; :attr:`origin` is the file it came from."""

    metadata: Metadata
    input: Input
    design: DesignSection
    variables: dict[StandardName, Expression]
    notes: dict[StandardName, Annotated[str, Field(min_length=1)]] = {}
    """Standard variable -> the definition it follows where that is not the ILO's (a national
    concept, a nonstandard threshold): the ``note_indicator`` of every observation computed
    from the variable, as ILOSTAT notes national definitions."""
    variants: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], Variant] = {}
    reliability: ReliabilitySpec | None = None
    """The reliability rule of the observations computed with this profile: a bundled rule
    set's name (``default``, ``statcan-lfs``, ``one-tier``) or thresholds over one
    (``{based_on: statcan-lfs, min_count: 10}``); none: ``default``."""
    _origin: str = PrivateAttr(default="<profile>")

    @model_validator(mode="after")
    def _regions_mapped(self) -> Profile:
        if self.metadata.regions and "ilo_region" not in self.variables:
            raise ValueError(
                "metadata.regions names areas for ilo_region, which variables does not map"
            )
        return self

    @model_validator(mode="after")
    def _calibration_names(self) -> Profile:
        calibration = self.design.calibration
        taken = {*self.variables, *COLUMN_OPTIONS, "time"}
        clash = sorted(taken & set(calibration.variables)) if calibration else []
        if clash:
            raise ValueError(
                f"design.calibration.variables: {', '.join(clash)} is the name of a "
                "harmonised column already; give the control variable another name"
            )
        return self

    @model_validator(mode="after")
    def _notes_mapped(self) -> Profile:
        unmapped = sorted(set(self.notes) - set(self.variables))
        if unmapped:
            raise ValueError(
                f"notes: {', '.join(unmapped)} not mapped in variables; a note states the "
                "definition a mapped variable follows"
            )
        return self

    @model_validator(mode="after")
    def _variants_replace(self) -> Profile:
        for name, variant in self.variants.items():
            unmapped = sorted(set(variant.variables) - set(self.variables))
            if unmapped:
                raise ValueError(
                    f"variants.{name}: {', '.join(unmapped)} not mapped in "
                    "variables; a variant gives other expressions for mapped ones"
                )
            if variant.source == self.metadata.source:
                raise ValueError(
                    f"variants.{name}.source: {variant.source!r} is "
                    "metadata.source; a variant's observations need a source code "
                    "of their own"
                )
        return self

    def with_variant(self, name: str) -> Profile:
        """The profile with the variant ``name``'s expressions and source, and no variants;
        the notes of the variables the variant redefines are dropped (its own note says what
        its definition is).

        Raises:
            NotFound: the profile has no such variant.
        """
        if name not in self.variants:
            raise NotFound(
                f"{self.origin}: no variant {name!r} (variants: "
                f"{', '.join(self.variants) or 'none'})",
                parameter="variant",
                given=name,
            )
        variant = self.variants[name]
        varied = self.model_copy(
            update={
                "metadata": self.metadata.model_copy(update={"source": variant.source}),
                "variables": {**self.variables, **variant.variables},
                "notes": {k: v for k, v in self.notes.items() if k not in variant.variables},
                "variants": {},
            }
        )
        varied._origin = f"{self.origin}, variant {name}"
        return varied

    @property
    def origin(self) -> str:
        """The profile file (or bundled name) this profile was read from."""
        return self._origin

    def expressions(self) -> dict[str, str]:
        """Harmonised column -> SQL expression: variables, ``time`` and design columns
        (the weight before ``weight_scale``); replicate weights are not included."""
        time = self.metadata.time
        out = dict(self.variables)
        out["time"] = f"'{time}'" if LITERAL_TIME.match(time) else time
        for column in COLUMN_OPTIONS:
            out.update(self.design.columns(column))
        if self.design.calibration:
            out.update(self.design.calibration.variables)
        return out

    def columns_used(self) -> dict[str, frozenset[str]]:
        """Harmonised column -> the raw columns its expression reads."""
        return {name: expression_columns(sql) for name, sql in self.expressions().items()}

    def replicate_columns(self, available: list[str]) -> list[str]:
        """The raw replicate-weight columns (a pattern is matched against ``available``)."""
        if self.design.replicate_weights is None:
            return []
        try:
            return self.design.design().replicate_columns(available)
        except EstimationError as error:
            raise ProfileError(f"{self.origin}: design.replicate_weights: {error}") from None

    def raw_columns(self, available: list[str], data: str = "the data") -> list[str]:
        """Every raw column the profile reads, checked against the ``available`` columns of
        the file ``data`` and spelled as in the data.

        Raises:
            ProfileError: naming each expression that uses a column the data lack.
        """
        used = self.columns_used()
        replicates = self.replicate_columns(available)
        if replicates:
            used["design.replicate_weights"] = frozenset(replicates)
        if self.metadata.scope:
            used["metadata.scope"] = expression_columns(self.metadata.scope)
        problems = missing_columns(used, available, data)
        if problems:
            raise ProfileError("\n".join(f"{self.origin}: {problem}" for problem in problems))
        wanted = {c.lower() for columns in used.values() for c in columns}
        return [c for c in available if c.lower() in wanted]


def bundled_profiles() -> list[str]:
    """Names of the profiles shipped with decentwork."""
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in resources.files(BUNDLED).iterdir()
        if entry.name.endswith(".yaml")
    )


def load_profile(profile: str | Path) -> Profile:
    """Read and validate a profile, given a bundled name (``"statcan-lfs"``) or a path.

    Raises:
        NotFound: no such file or bundled profile.
        ProfileError: the file is not YAML, or not a valid profile; the message names the
            file, the section or variable and the problem.
    """
    path = Path(profile)
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ProfileError(f"{path}: cannot read the profile ({error})", given=path) from None
        return parse_profile(text, origin=str(path), base=path.parent)
    if path.suffix.lower() in (".yaml", ".yml"):
        raise NotFound(f"{path}: no such profile file", given=path)
    if str(profile) not in bundled_profiles():
        raise NotFound(
            f"{profile}: no such profile file or bundled profile "
            f"(bundled: {', '.join(bundled_profiles())})",
            given=profile,
            expected="a YAML file or a bundled profile",
        )
    text = resources.files(BUNDLED).joinpath(f"{profile}.yaml").read_text(encoding="utf-8")
    return parse_profile(text, origin=f"{profile} (bundled)")


def parse_profile(text: str, origin: str = "<profile>", base: Path | None = None) -> Profile:
    """Validate the YAML ``text`` of a profile; ``origin`` names it in error messages and
    ``base`` is the folder its relative paths (calibration controls) start from (default:
    the working directory)."""
    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ProfileError(f"{origin}: {where}not valid YAML ({problem})") from None
    if not isinstance(content, dict):
        raise ProfileError(
            f"{origin}: a profile is a YAML mapping with sections metadata, input, design, "
            "variables"
        )
    try:
        profile = Profile.model_validate(content, context={"base": base or Path()})
    except ValidationError as error:
        raise ProfileError("\n".join(f"{origin}: {_describe(e)}" for e in error.errors())) from None
    profile._origin = origin
    return profile


def _describe(error: Any) -> str:
    """One Pydantic error as ``section.key: problem``."""
    loc = [str(part) for part in error["loc"]]
    kind = error["type"]
    if loc[-1:] == ["[key]"] and loc[:-2] == ["variants"]:
        return (
            f"variants: {loc[-2]!r} is not a variant name (a lower-case letter, then "
            "lower-case letters, digits or _)"
        )
    if loc[-1:] == ["[key]"]:
        return (
            f"{'.'.join(loc[:-2])}: {loc[-2]!r} is not a standard variable name "
            "(ilo_ followed by lower-case letters, digits or _)"
        )
    where = ".".join(loc) or "profile"
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        return f"{where}: unknown key (allowed: {', '.join(_allowed(loc[:-1]))})"
    if kind == "missing":
        return f"{where}: required key missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}"


def _allowed(loc: list[str]) -> list[str]:
    """The keys allowed at ``loc`` (a path of section names, models or validated dataclasses,
    and keys of mappings of sections such as ``variants.national``)."""
    section: Any = Profile
    for part in loc:
        if typing.get_origin(section) is dict:
            section = typing.get_args(section)[1]
        else:
            section = section.__pydantic_fields__[part].annotation
        if typing.get_origin(section) in (typing.Union, UnionType):  # an optional section
            section = next(a for a in typing.get_args(section) if a is not type(None))
    return list(section.__pydantic_fields__)
