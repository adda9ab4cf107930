"""The indicator catalogue: derived variables, ILOSTAT classifications and indicators, read
from a YAML data file (the bundled ``catalogue.yaml`` or a user's own) and validated.

:meth:`Catalogue.resolve` turns it into SQL for one survey profile: each derived variable
takes its first recipe whose standard variables the profile maps, and every expression is
rewritten over the standard variables alone (derived variables are inlined), so the result
runs as one projection on any SQL engine.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import sqlglot
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlglot import exp

from decentwork.errors import BadInput, NotFound
from decentwork.survey.errors import ProfileError
from decentwork.survey.expressions import DIALECT, expression_columns

BUNDLED = "decentwork.indicators"
CODE = r"^[A-Z0-9_]+$"


class CatalogueError(BadInput):
    """The catalogue file is not valid; the message names the file, entry and problem."""


class Entry(BaseModel):
    """A catalogue entry: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Variable(Entry):
    """A derived person-level variable: SQL recipes in order of preference."""

    label: str
    reference: str
    recipes: Annotated[list[str], Field(min_length=1)]


class Classification(Entry):
    """An ILOSTAT classification: the whole population's code and the splits into categories."""

    label: str
    total: str
    splits: Annotated[list[str], Field(min_length=1)]
    universe: str | None = None
    """A derived 0/1 variable: the splits classify only its records (others are NULL)."""


class Indicator(Entry):
    """An ILOSTAT indicator: exactly one of ``ratio`` (percent), ``mean`` (a ratio of a sum of
    values to a count, in ``unit``) or ``total`` (thousands)."""

    code: Annotated[str, Field(pattern=CODE)]
    label: str
    ratio: tuple[str, str] | None = None
    mean: tuple[str, str] | None = None
    total: str | None = None
    unit: str | None = None
    classif1: list[Annotated[str, Field(pattern=CODE)]] = []
    classif2: list[Annotated[str, Field(pattern=CODE)]] = []

    @model_validator(mode="after")
    def _one_kind(self) -> Indicator:
        given = [k for k in ("ratio", "mean", "total") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of ratio, mean or total")
        if self.classif2 and not self.classif1:
            raise ValueError("classif2 needs classif1")
        return self

    @property
    def kind(self) -> Literal["ratio", "mean", "total"]:
        """ratio, mean or total."""
        return "ratio" if self.ratio else "mean" if self.mean else "total"

    @property
    def unit_name(self) -> str:
        """``percent`` (ratios), ``thousands`` (totals), or the mean's ``unit``."""
        return {"ratio": "percent", "total": "thousands"}.get(self.kind) or self.unit or ""

    @property
    def variables(self) -> tuple[str, ...]:
        """The derived variables the indicator reads."""
        return self.ratio or self.mean or ((self.total,) if self.total else ())


class CatalogueFile(Entry):
    """The catalogue file's three sections."""

    variables: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], Variable]
    classifications: dict[Annotated[str, Field(pattern=CODE)], Classification]
    indicators: list[Indicator]


@dataclass(frozen=True)
class Resolved:
    """The catalogue for one profile: SQL over standard variables for each derived variable
    and classification split that can be computed, and what was skipped."""

    variables: dict[str, str]
    splits: dict[str, list[str]]
    skipped: dict[str, str]


class Catalogue:
    """A validated catalogue; :func:`load_catalogue` reads one."""

    def __init__(self, content: CatalogueFile, origin: str) -> None:
        """Check the references between entries (``origin`` names the file in errors)."""
        self.content = content
        self.origin = origin
        self._check_references()

    @property
    def indicators(self) -> list[Indicator]:
        """The indicators, in catalogue order."""
        return self.content.indicators

    @property
    def classifications(self) -> dict[str, Classification]:
        """The classifications by code."""
        return self.content.classifications

    @property
    def variables(self) -> dict[str, Variable]:
        """The derived variables by name."""
        return self.content.variables

    def definition(self, indicator: Indicator) -> str:
        """The indicator's formula in words, from its variables' labels."""
        names = [self.variables[v].label for v in indicator.variables]
        if indicator.kind == "total":
            return f"Total (thousands): {names[0]}"
        scale = "x 100" if indicator.kind == "ratio" else f"({indicator.unit_name})"
        return f"{names[0]} / {names[1]} {scale}"

    def indicator(self, code: str) -> Indicator:
        """The indicator ``code``; NotFound if the catalogue has none."""
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise NotFound(f"{self.origin}: no indicator {code!r}", parameter="code", given=code)

    def _check_references(self) -> None:
        problems = []
        derived = set(self.variables)
        seen: set[str] = set()
        for indicator in self.indicators:
            if indicator.code in seen:
                problems.append(f"indicators: {indicator.code} is listed twice")
            seen.add(indicator.code)
            for name in indicator.variables:
                if name not in derived:
                    problems.append(f"indicators: {indicator.code}: no variable {name!r}")
            for code in [*indicator.classif1, *indicator.classif2]:
                if code not in self.classifications:
                    problems.append(f"indicators: {indicator.code}: no classification {code!r}")
        for code, classification in self.classifications.items():
            if classification.universe and classification.universe not in derived:
                problems.append(
                    f"classifications.{code}: universe: no variable {classification.universe!r}"
                )
        for where, sqls in self._expressions():
            for sql in sqls:
                try:
                    expression_columns(sql)
                except ProfileError as error:
                    problems.append(f"{where}: {error}")
        if not problems:
            try:
                _order(self.variables)
            except CatalogueError as error:
                problems.append(str(error))
        if problems:
            raise CatalogueError("\n".join(f"{self.origin}: {p}" for p in problems))

    def _expressions(self) -> list[tuple[str, list[str]]]:
        return [
            *((f"variables.{name}", v.recipes) for name, v in self.variables.items()),
            *((f"classifications.{code}", c.splits) for code, c in self.classifications.items()),
        ]

    def resolve(self, mapped: set[str]) -> Resolved:
        """SQL over the ``mapped`` standard variables for every derived variable and
        classification split the profile allows; the others are listed as skipped."""
        variables: dict[str, str] = {}
        skipped: dict[str, str] = {}
        for name in _order(self.variables):
            recipes = self.variables[name].recipes
            for recipe in recipes:
                needs = expression_columns(recipe)
                if all(c in mapped or c in variables for c in needs):
                    variables[name] = inline(recipe, variables)
                    break
            else:
                skipped[name] = _reason(recipes, mapped, variables, skipped)
        splits: dict[str, list[str]] = {}
        for code, classification in self.classifications.items():
            within = classification.splits
            if classification.universe:
                within = [
                    f"CASE WHEN {classification.universe} = 1 THEN ({split}) END"
                    for split in classification.splits
                ]
            lacking = _lacking(within, mapped, variables, skipped)
            if lacking:
                skipped[code] = f"needs {lacking}"
            else:
                splits[code] = [inline(split, variables) for split in within]
        return Resolved(variables, splits, skipped)


def _order(variables: dict[str, Variable]) -> list[str]:
    """Derived variables in an order where each comes after those its recipes use."""
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order:
            return
        if name in visiting:
            raise CatalogueError(f"variables.{name}: recipes refer to each other in a cycle")
        visiting.add(name)
        for recipe in variables[name].recipes:
            for column in sorted(expression_columns(recipe)):
                if column in variables:
                    visit(column)
        visiting.discard(name)
        order.append(name)

    for name in variables:
        visit(name)
    return order


def _lacking(
    sqls: list[str], mapped: set[str], variables: dict[str, str], skipped: dict[str, str]
) -> str:
    """What the expressions ``sqls`` need that neither the profile nor a resolved derived
    variable gives, as text joined by 'and' ('' when nothing)."""
    missing = []
    for sql in sqls:
        for column in sorted(expression_columns(sql)):
            if column in mapped or column in variables:
                continue
            why = f" ({skipped[column]})" if column in skipped else ""
            missing.append(f"{column}{why}")
    return " and ".join(dict.fromkeys(missing))


def _reason(
    recipes: list[str], mapped: set[str], variables: dict[str, str], skipped: dict[str, str]
) -> str:
    options = [_lacking([recipe], mapped, variables, skipped) for recipe in recipes]
    return "needs " + "; or ".join(options)


@functools.lru_cache(maxsize=4096)
def _parse(sql: str) -> exp.Expr:
    return sqlglot.parse_one(sql, read=DIALECT)


def inline(sql: str, variables: dict[str, str]) -> str:
    """``sql`` with each column named in ``variables`` replaced by its expression there
    (derived variables by their resolved SQL, or standard variables by a profile's raw-column
    expressions)."""

    def substitute(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and node.name in variables:
            return exp.Paren(this=_parse(variables[node.name]).copy())
        return node

    return _parse(sql).copy().transform(substitute).sql(DIALECT)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The bundled catalogue, or the YAML catalogue file at ``path``.

    Raises:
        NotFound: no file at ``path``.
        CatalogueError: the file cannot be read, or is not YAML or not a valid catalogue.
    """
    if path is None:
        text = resources.files(BUNDLED).joinpath("catalogue.yaml").read_text(encoding="utf-8")
        return parse_catalogue(text, "catalogue.yaml (bundled)")
    if not Path(path).is_file():
        raise NotFound(f"{path}: no such catalogue file", given=path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogueError(f"{path}: cannot read the catalogue ({error})") from None
    return parse_catalogue(text, str(path))


def parse_catalogue(text: str, origin: str = "<catalogue>") -> Catalogue:
    """Validate a catalogue's YAML ``text``; ``origin`` names it in error messages."""
    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CatalogueError(f"{origin}: not valid YAML ({error})") from None
    try:
        validated = CatalogueFile.model_validate(content)
    except ValidationError as error:
        raise CatalogueError(
            "\n".join(
                f"{origin}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                for e in error.errors()
            )
        ) from None
    return Catalogue(validated, origin)
