"""Fetching ILOSTAT bulk files: from ILOSTAT's bulk download service, or from a mirror.

The service serves one gzipped CSV per dataset (indicator code plus frequency, e.g.
``SDG_0852_SEX_AGE_RT_A``) at :data:`SERVICE`. A mirror (``--from`` or ``DECENTWORK_MIRROR``)
is a folder or a URL laid out like the team's shared data folder, with the ILOSTAT files under
``ilostat/`` (directly or one folder down). Downloads are cached in the user cache directory
and retried with backoff; a folder mirror is read in place.
"""

from __future__ import annotations

import csv
import functools
import gzip
import os
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from decentwork.download import TIMEOUT, DownloadError, NotFound, download
from decentwork.errors import BadInput, Unavailable
from decentwork.errors import NotFound as Missing
from decentwork.warehouse.importers import csv_rows
from decentwork.warehouse.settings import Limits
from decentwork.warehouse.textfile import UnreadableFile, is_gzip, text_lines

SERVICE = "https://rplumber.ilo.org/data/indicator/?id={id}&type=code&format=.csv.gz"
"""ILOSTAT's bulk download service (the address the ILO's own R package Rilostat uses)."""
MIRROR = "DECENTWORK_MIRROR"
DATASET = re.compile(r"^[A-Z0-9]+_[A-Z0-9_]+$")
MAX_INDEX = 1 << 20
"""The most of a mirror's index page read (bytes)."""
FREQUENCIES = ("_A", "_Q", "_M")

Progress = Callable[[str, int, int | None], None]
"""on_progress(dataset, bytes so far, total bytes or None)."""


class PullError(Unavailable):
    """A dataset could not be fetched; the message says which, from where and why."""


class NotPublished(Missing, PullError):
    """The mirror or the service has no such dataset, or the mirror no such folder."""


@dataclass(frozen=True)
class Fetched:
    """A dataset's file on disk, and where it came from."""

    dataset: str
    path: Path
    origin: str
    cached: bool = False


def dataset_id(code: str) -> str:
    """ILOSTAT's dataset id: the indicator code with its frequency (``_A`` when not given)."""
    code = code.strip().upper()
    if not DATASET.match(code):
        raise BadInput(
            f"{code!r} is not an ILOSTAT indicator code (e.g. SDG_0852_SEX_AGE_RT)",
            given=code,
            expected="an ILOSTAT indicator code",
        )
    return code if code.endswith(FREQUENCIES) else f"{code}_A"


def cache_dir() -> Path:
    """Where downloaded ILOSTAT files are kept."""
    return Path(platformdirs.user_cache_dir("decentwork", appauthor=False)) / "ilostat"


def cached_file(dataset: str, cache: Path | None = None) -> Path:
    """Where the downloaded copy of ``dataset`` (an id such as ``SDG_0852_SEX_AGE_RT_A``) is
    kept in ``cache`` (default: :func:`cache_dir`), whether or not it is there yet."""
    return (cache or cache_dir()) / f"{dataset}.csv.gz"


def fetch(
    codes: Sequence[str],
    *,
    mirror: str | None = None,
    refresh: bool = False,
    on_progress: Progress = lambda *_: None,
    cache: Path | None = None,
) -> list[Fetched]:
    """The files of the ILOSTAT datasets ``codes``, from ``mirror`` (default:
    ``$DECENTWORK_MIRROR``, else ILOSTAT's service).

    Raises:
        BadInput: a code that is not an ILOSTAT indicator code, or a bad limit setting.
        NotPublished: a dataset missing from the mirror or the service.
        PullError: the network down, a damaged download, a cache that cannot be written.
    """
    source = mirror or os.environ.get(MIRROR)
    ids = [dataset_id(code) for code in codes]
    if source and not re.match(r"^https?://", source):
        return [_from_folder(Path(source), i) for i in ids]
    folder = cache or cache_dir()
    limits = Limits.from_environment()
    fetched = []
    for i in ids:
        target = cached_file(i, folder)
        if target.is_file() and not refresh:
            fetched.append(Fetched(i, target, str(target), cached=True))
            continue
        urls = _mirror_urls(source, i) if source else [SERVICE.format(id=i)]
        fetched.append(_download(i, urls, target, on_progress, limits))
    return fetched


def _from_folder(root: Path, dataset: str) -> Fetched:
    if not root.is_dir():
        raise NotPublished(f"mirror {root}: no such folder", given=root)
    base = root / "ilostat"
    for name in (f"{dataset}.csv.gz", f"{dataset}.csv"):
        found = sorted(base.glob(name)) + sorted(base.glob(f"*/{name}"))
        if found:
            return Fetched(dataset, found[-1], str(found[-1]))
    raise NotPublished(
        f"mirror {root}: no {dataset}.csv.gz or {dataset}.csv under {base}", given=dataset
    )


def _mirror_urls(base: str, dataset: str) -> list[str]:
    """Candidate addresses of a dataset on a URL mirror: ``ilostat/`` and the folders its
    index page lists under it (links elsewhere, to another host or outside ``ilostat/``,
    are not followed)."""
    root = base.rstrip("/") + "/ilostat/"
    folders = [root]
    try:
        with urllib.request.urlopen(root, timeout=TIMEOUT) as response:
            page = response.read(MAX_INDEX).decode("utf-8", "replace")
        folders += [
            folder
            for href in re.findall(r'href="([^"?#]+/)"', page)
            if _under(root, folder := urllib.parse.urljoin(root, href))
        ]
    except (urllib.error.URLError, OSError):
        pass  # no index page: only the top folder is tried (the download says why it fails)
    return [
        f"{folder}{dataset}{suffix}"
        for folder in dict.fromkeys(folders)
        for suffix in (".csv.gz", ".csv")
    ]


def _under(root: str, address: str) -> bool:
    """Whether ``address`` is a folder below ``root`` on the same host (same scheme, host
    and port; a path under root's, without ``..``)."""
    top, link = urllib.parse.urlsplit(root), urllib.parse.urlsplit(address)
    return (
        (link.scheme, link.netloc) == (top.scheme, top.netloc)
        and link.path.startswith(top.path)
        and link.path != top.path
        and ".." not in link.path.split("/")
    )


def _download(
    dataset: str, urls: list[str], target: Path, on_progress: Progress, limits: Limits
) -> Fetched:
    """The first of ``urls`` that exists, saved gzipped as ``target`` once checked."""
    missing = []
    for url in urls:
        try:
            download(
                url,
                target,
                on_progress=lambda done, total: on_progress(dataset, done, total),
                check=functools.partial(_check_bulk, dataset, url, limits),
            )
            return Fetched(dataset, target, url)
        except NotFound:
            missing.append(url)
        except DownloadError as error:
            raise PullError(
                f"{dataset}: {error}",
                given=dataset,
                hint="read a mirror instead: a folder or URL laid out like the "
                f"shared data folder, given as mirror or in ${MIRROR}",
            ) from None
    raise NotPublished(f"{dataset}: not found (404) at {', '.join(missing)}", given=dataset)


def _check_bulk(dataset: str, url: str, limits: Limits, path: Path) -> None:
    """A complete ILOSTAT bulk CSV (gzipped or not, read as a stream within the load limits,
    so a decompression bomb is refused early); kept gzipped."""
    try:
        lines = text_lines(path, limits)
        header = next(lines, "")
        if not header.startswith("ref_area,"):
            raise DownloadError(
                f"{dataset}: {url} did not send a complete ILOSTAT bulk file "
                f"(it starts {header[:40]!r}); try again, or check the "
                "address",
                given=url,
            )
        for _ in lines:
            pass
    except UnreadableFile as error:
        raise DownloadError(
            f"{dataset}: {url} did not send a complete ILOSTAT bulk file ({error}); try again",
            given=url,
        ) from None
    if not is_gzip(path):  # a plain CSV (a mirror's .csv): keep it gzipped in the cache
        packed = path.with_name(path.name + ".gz")
        with path.open("rb") as source, gzip.open(packed, "wb") as sink:
            shutil.copyfileobj(source, sink)
        packed.replace(path)


def split_by_area(fetched: Fetched, areas: Sequence[str], folder: Path) -> dict[str, Path]:
    """One file per area of ``areas`` with that area's rows of the dataset (header kept),
    written under ``folder``; areas without rows are left out."""
    wanted = {a.strip().upper() for a in areas if a.strip()}
    rows: dict[str, list[list[str]]] = {}
    try:
        records = csv_rows(fetched.path, text_lines(fetched.path, Limits.from_environment()))
        _, _, header = next(records)
        column = header.index("ref_area")
        for _, _, row in records:
            if len(row) > column and row[column] in wanted:
                rows.setdefault(row[column], []).append(row)
    except (UnreadableFile, StopIteration, ValueError) as error:
        raise PullError(
            f"{fetched.path}: not a readable ILOSTAT bulk file ({error or 'empty'})",
            given=str(fetched.path),
            hint="download it again (refresh)",
        ) from None
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for area, selected in sorted(rows.items()):
        path = folder / f"{fetched.dataset}@{area}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(selected)
        out[area] = path
    return out
