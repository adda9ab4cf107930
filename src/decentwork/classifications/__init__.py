"""Reference classifications (ISCO-08, ISCO-88 to ISCO-08, ISIC Rev.4 and Rev.3.1, ISCED 2011,
ICSE-93, ICSE-18) read from the publishers' files: hierarchy navigation, code validation and
labels in several languages; country groupings; the occupation coder (``OccupationCoder``,
imported on first use: it needs scikit-learn)."""

from decentwork.classifications import sources
from decentwork.classifications.hierarchy import Hierarchy, Node, UnknownCode
from decentwork.classifications.reference import (
    code_list,
    isco08,
    isco88_to_isco08,
    isic4,
    isic4_to_isic31,
)
from decentwork.classifications.sources import FetchError, data_dir, fetch


def __getattr__(name: str) -> object:
    if name == "OccupationCoder":
        from decentwork.classifications.occupation_coder import OccupationCoder

        return OccupationCoder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FetchError",
    "Hierarchy",
    "Node",
    "OccupationCoder",
    "UnknownCode",
    "code_list",
    "data_dir",
    "fetch",
    "isco08",
    "isco88_to_isco08",
    "isic4",
    "isic4_to_isic31",
    "sources",
]
