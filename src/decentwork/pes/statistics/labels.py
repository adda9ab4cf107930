"""The English labels of the codes the PES statistics publish, so that a warehouse holding
only PES data shows names rather than codes: the country (``ref_area``, its ISO 3166 name),
the source, the sexes, and each ``classif1`` category (sub-national areas by their ISO
3166-2 subdivision names; ISCO-08 major and sub-major groups, ISIC Rev.4 sections and ISCED
2011 levels by their titles in the classification files; age bands and disability status).

The labels follow ILOSTAT's dictionaries where ILOSTAT has the code (``Occupation
(ISCO-08): 8. ...``, ``Sex: Total``); a sub-national area is labelled by its name alone
(``Phnom Penh``). Plain data: the command hands them to the warehouse
(:mod:`decentwork.commands.pes_statistics`), which keeps the labels it has from ILOSTAT.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from decentwork.classifications import code_list, isco08, isic4
from decentwork.classifications.hierarchy import Hierarchy, UnknownCode
from decentwork.classifications.sources import FetchError
from decentwork.errors import BadInput
from decentwork.pes.areas import country_subdivisions
from decentwork.pes.statistics import codes

LABELLED = ("ref_area", "source", "sex", "classif1", "classif2")
"""The columns of an observation whose codes are labelled here (indicators are labelled by
their metadata, ``indicators.yaml``)."""
SOURCE_LABEL = "PES - Public employment service register"
FIXED = {
    ("sex", codes.SEX_TOTAL): "Sex: Total",
    ("sex", codes.SEXES["M"]): "Sex: Male",
    ("sex", codes.SEXES["F"]): "Sex: Female",
    ("classif1", codes.AGE_TOTAL): "Age (Youth, adults): 15+",
    ("classif1", codes.YOUTH): "Age (Youth, adults): 15-24",
    ("classif1", codes.ADULTS): "Age (Youth, adults): 25+",
    ("classif1", codes.DISABLED): "Disability status (Aggregate): Persons with disability",
    ("classif1", codes.NOT_DISABLED): ("Disability status (Aggregate): Persons without disability"),
}
"""Labels of codes that need no reference list (ILOSTAT's texts)."""
AREA_PREFIX = codes.area("")
CLASSIFIED = {
    # prefix: (the classification, the label before the group's code, its separator)
    "OCU_ISCO08SUB_": ("isco08", "Occupation (ISCO-08), 2 digit level: ", " - "),
    "OCU_ISCO08_": ("isco08", "Occupation (ISCO-08): ", ". "),
    "ECO_ISIC4_": ("isic4", "Economic activity (ISIC-Rev.4): ", ". "),
    "EDU_ISCED11_": ("isced11", "Education (ISCED-11): ", ". "),
}
"""``classif1`` codes labelled from a classification file, by prefix (the code after the
prefix is the group's own code: ``8``, ``81``, ``C``, ``3``)."""


@dataclass(frozen=True)
class CodeLabel:
    """The English label of one code of one kind (an observation column)."""

    kind: str
    code: str
    label: str


@dataclass(frozen=True)
class CodeLabels:
    """The labels of the codes of some observations, and the codes left without one with
    the reason (a classification file not fetched, a code no list has)."""

    labels: tuple[CodeLabel, ...]
    unlabelled: Mapping[tuple[str, str], str] = field(default_factory=dict)


def used_codes(rows: Iterable[Mapping[str, object]]) -> list[tuple[str, str]]:
    """The (kind, code) pairs of the :data:`LABELLED` columns of observation ``rows``,
    sorted; empty codes (no breakdown) left out."""
    return sorted({(kind, str(row[kind])) for row in rows for kind in LABELLED if row.get(kind)})


def code_labels(rows: Iterable[Mapping[str, object]], folder: Path | None = None) -> CodeLabels:
    """The English labels of every code of observation ``rows`` (see :func:`used_codes`),
    the classification titles read from the files in ``folder`` (default: the data
    directory, where ``decentwork classifications fetch`` puts them). A code that cannot be
    labelled is listed in ``unlabelled`` with the reason, never guessed."""
    lists = _Lists(folder)
    found: list[CodeLabel] = []
    unlabelled: dict[tuple[str, str], str] = {}
    for kind, code in used_codes(rows):
        try:
            found.append(CodeLabel(kind, code, _label(kind, code, lists)))
        except FetchError as error:
            unlabelled[(kind, code)] = f"{error} ({error.hint})" if error.hint else str(error)
        except LookupError as error:
            unlabelled[(kind, code)] = str(error)
    return CodeLabels(tuple(found), unlabelled)


class _Lists:
    """The classifications, each read on first use."""

    def __init__(self, folder: Path | None) -> None:
        self.readers: dict[str, Callable[[], Hierarchy]] = {
            "isco08": lambda: isco08(folder),
            "isic4": lambda: isic4(folder),
            "isced11": lambda: code_list("isced11", folder),
        }

    def title(self, name: str, code: str) -> str:
        """The English title of group ``code`` of classification ``name``.

        Raises:
            UnknownCode: the classification has no such group.
            FetchError: its file has not been fetched.
        """
        return self.readers[name]().label(code)


def _label(kind: str, code: str, lists: _Lists) -> str:
    """The label of ``code`` of ``kind``.

    Raises:
        LookupError: no label is known for it.
        FetchError: the classification file it needs has not been fetched.
    """
    if (kind, code) in FIXED:
        return FIXED[(kind, code)]
    if kind == "ref_area":
        country = pycountry.countries.get(alpha_3=code)
        if country is None:
            raise LookupError(f"ref_area {code!r} is not an ISO 3166-1 alpha-3 country code")
        return str(country.name)
    if kind == "source" and code.startswith("PES:"):
        return SOURCE_LABEL
    if kind == "classif1" and code.startswith(AREA_PREFIX):
        return _area_name(code.removeprefix(AREA_PREFIX))
    if kind == "classif1":
        for prefix, (name, before, separator) in CLASSIFIED.items():
            if code.startswith(prefix):
                group = code.removeprefix(prefix)
                try:
                    return f"{before}{group}{separator}{lists.title(name, group)}"
                except UnknownCode:
                    raise LookupError(f"{kind} {code!r}: {name} has no group {group!r}") from None
    raise LookupError(f"{kind} {code!r}: no label is known for this code")


def _area_name(subdivision: str) -> str:
    """The ISO 3166-2 name of a country's top-level ``subdivision`` (``KH-12``: Phnom Penh).

    Raises:
        LookupError: it is none.
    """
    try:
        names = {a.code: a.name for a in country_subdivisions(subdivision[:2])}
    except BadInput:
        names = {}
    if subdivision not in names:
        raise LookupError(
            f"classif1 {codes.area(subdivision)!r}: {subdivision!r} is not a top-level ISO "
            "3166-2 subdivision"
        )
    return names[subdivision]
