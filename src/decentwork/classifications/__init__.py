"""Reference classifications (ISCO-08, ISCO-88 to ISCO-08, ISIC Rev.4 and Rev.3.1, ISCED 2011,
ICSE-93, ICSE-18) read from the publishers' files: hierarchy navigation, code validation and
labels in several languages."""

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

__all__ = [
    "FetchError",
    "Hierarchy",
    "Node",
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
