"""The weights of the matching score and the rules of its factors, from YAML: the bundled
defaults (``weights.yaml`` beside this module, where each setting is explained) with a
service's own file laid over them, validated with Pydantic.

A service's file may give only what it changes (``weights: {wage: 0}``); the rest keeps the
bundled values. The file is the ``path`` given, else ``$DECENTWORK_PES_WEIGHTS``, else none.
"""

from __future__ import annotations

import functools
import itertools
import os
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from decentwork.errors import BadInput, NotFound

ENVIRONMENT = "DECENTWORK_PES_WEIGHTS"
BUNDLED = "weights.yaml"


class Factor(StrEnum):
    """The factors of a match, in the order the explanation lists them."""

    OCCUPATION = "occupation"
    SKILLS = "skills"
    LOCATION = "location"
    EDUCATION = "education"
    EXPERIENCE = "experience"
    WAGE = "wage"
    AVAILABILITY = "availability"


class WeightsError(BadInput):
    """A weights file that cannot be read or is not valid; the message names the file and
    the setting."""


Share = Annotated[float, Field(ge=0, le=1)]
Weight = Annotated[float, Field(ge=0, le=1_000)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FactorWeights(_Section):
    """How much each factor counts (only the ratios matter)."""

    occupation: Weight
    skills: Weight
    location: Weight
    education: Weight
    experience: Weight
    wage: Weight
    availability: Weight

    @model_validator(mode="after")
    def _some(self) -> FactorWeights:
        if self.total() <= 0:
            raise ValueError("every weight is 0: give at least one factor a weight")
        return self

    def of(self, factor: Factor) -> float:
        """The weight of ``factor``."""
        return float(getattr(self, factor.value))

    def total(self) -> float:
        """The sum of the weights."""
        return sum(self.of(factor) for factor in Factor)


class OccupationRule(_Section):
    """Occupation fit: tiers of the ISCO-08 hierarchy, years, and the titles' share."""

    unit_group: Share
    minor_group: Share
    sub_major_group: Share
    major_group: Share
    full_years: Annotated[float, Field(gt=0, le=70)]
    title_share: Share

    @model_validator(mode="after")
    def _falling(self) -> OccupationRule:
        tiers = self.tiers()
        if any(finer < coarser for finer, coarser in itertools.pairwise(tiers)):
            raise ValueError(
                "unit_group >= minor_group >= sub_major_group >= major_group: "
                "a closer occupation may not count less"
            )
        return self

    def tiers(self) -> tuple[float, float, float, float, float]:
        """The values of sharing the unit, minor, sub-major, major group, and none."""
        return (self.unit_group, self.minor_group, self.sub_major_group, self.major_group, 0.0)


class SkillsRule(_Section):
    """Skills: what makes a skill of ESCO essential for a unit group, and the optional
    skills' share."""

    essential_share: Annotated[float, Field(gt=0, le=1)]
    optional_share: Share


class LocationRule(_Section):
    """Location tiers."""

    same_area: Share
    same_province: Share
    willing_to_move: Share


class EducationRule(_Section):
    """Education against the required ISCED level."""

    per_level_below: Share


class ExperienceRule(_Section):
    """Experience against the required years."""

    minor_group_credit: Share


class WageRule(_Section):
    """Expected against offered wage."""

    tolerance: Annotated[float, Field(gt=0, le=100)]


class AvailabilityRule(_Section):
    """Availability against the start date."""

    grace_days: Annotated[int, Field(gt=0, le=3650)]


class Weights(_Section):
    """Everything the score depends on besides the records."""

    weights: FactorWeights
    occupation: OccupationRule
    skills: SkillsRule
    location: LocationRule
    education: EducationRule
    experience: ExperienceRule
    wage: WageRule
    availability: AvailabilityRule

    def with_weight(self, factor: Factor, weight: float) -> Weights:
        """These weights with ``factor``'s weight changed.

        Raises:
            WeightsError: the weights would all be 0 or the weight is out of range.
        """
        return _validated(
            {
                **self.model_dump(mode="json"),
                "weights": {**self.weights.model_dump(), factor.value: weight},
            },
            "changed weights",
        )


def load_weights(path: Path | None = None) -> Weights:
    """The weights: the bundled ones with the YAML file ``path`` (else
    ``$DECENTWORK_PES_WEIGHTS``, else none) laid over them.

    Raises:
        NotFound: the file does not exist.
        WeightsError: it cannot be read, is not YAML, or a setting is wrong (named).
    """
    chosen = path or (Path(os.environ[ENVIRONMENT]) if os.environ.get(ENVIRONMENT) else None)
    if chosen is None:
        return bundled_weights()
    if not chosen.is_file():
        raise NotFound(
            f"{chosen}: no such weights file",
            parameter="weights",
            given=str(chosen),
            expected="a YAML file (see docs/pes.md)",
        )
    try:
        text = chosen.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise WeightsError(
            f"{chosen}: cannot be read ({error})", parameter="weights", given=str(chosen)
        ) from None
    content = _yaml(text, str(chosen))
    if content is None:
        return bundled_weights()
    return _validated(_overlay(_bundled_content(), content, str(chosen)), str(chosen))


@functools.cache
def bundled_weights() -> Weights:
    """The bundled default weights."""
    return _validated(_bundled_content(), f"decentwork's bundled {BUNDLED}")


def _bundled_content() -> dict[str, Any]:
    text = resources.files("decentwork.pes.matching").joinpath(BUNDLED).read_text("utf-8")
    content = _yaml(text, BUNDLED)
    if not isinstance(content, dict):
        raise RuntimeError(f"decentwork's bundled {BUNDLED} is not a mapping")
    return content


def _yaml(text: str, origin: str) -> Any:
    """The YAML ``text`` of ``origin``, parsed.

    Raises:
        WeightsError: not valid YAML (with the line).
    """
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise WeightsError(
            f"{origin}: {where}not valid YAML ({problem})", parameter="weights", given=origin
        ) from None


def _overlay(base: dict[str, Any], changes: Any, origin: str, where: str = "") -> dict[str, Any]:
    """``base`` with the mapping ``changes`` laid over it, section by section.

    Raises:
        WeightsError: ``changes`` (or a section of it) is not a mapping.
    """
    if not isinstance(changes, dict):
        raise WeightsError(
            f"{origin}: {where or 'the file'} is not a mapping of settings",
            parameter="weights",
            given=origin,
            expected="sections such as 'weights:' with settings under them",
        )
    merged = dict(base)
    for key, value in changes.items():
        inner = f"{where}.{key}" if where else str(key)
        merged[key] = (
            _overlay(base[key], value, origin, inner) if isinstance(base.get(key), dict) else value
        )
    return merged


def _validated(content: dict[str, Any], origin: str) -> Weights:
    """The weights in ``content``.

    Raises:
        WeightsError: naming every setting that is wrong.
    """
    try:
        return Weights.model_validate(content)
    except ValidationError as error:
        problems = []
        for each in error.errors():
            where = ".".join(str(part) for part in each["loc"]) or "weights"
            message = str(each["msg"]).removeprefix("Value error, ")
            if each["type"] == "extra_forbidden":
                message = "unknown setting"
            problems.append(f"{where}: {message}")
        raise WeightsError(
            f"{origin}: {'; '.join(problems)}", parameter="weights", given=origin
        ) from None
