"""The PES statistics' indicators as data (``indicators.yaml``): code, English label, unit,
definition and the note each observation carries."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml


@dataclass(frozen=True)
class IndicatorInfo:
    """An indicator of the PES statistics."""

    code: str
    label: str
    unit: str
    definition: str
    note: str


@functools.cache
def indicator_info() -> dict[str, IndicatorInfo]:
    """The indicators of the PES statistics, by code, in publication order."""
    text = resources.files(__package__).joinpath("indicators.yaml").read_text(encoding="utf-8")
    return {entry["code"]: IndicatorInfo(**entry) for entry in yaml.safe_load(text)}
