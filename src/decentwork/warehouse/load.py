"""Loading a file into the warehouse: one release, one transaction, nothing overwritten.

A table of changes between periods (``decentwork compute --changes``, recognised by its
columns) is a release too, stored by :func:`~decentwork.warehouse.period_changes.
store_changes` under the same rules, withdrawing nothing.

A load first reads and checks every file, outside any transaction (so that other writers
are not kept waiting while a big file is parsed), keeping the parsed rows on disk; then it
takes the warehouse's write lock and writes. It compares each file with the warehouse's
latest view: keys it does not have are added, keys whose values differ get a new row that
supersedes the old one, identical keys add nothing; in a full release of a dataset, the
dataset's keys missing from the file get a withdrawal row. The same content loaded twice for
a dataset (the same bytes, or the same rows in other bytes: a .csv.gz and its .csv) adds
nothing. Each release records its operator, and the moment it was committed.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import tempfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from decentwork import __version__
from decentwork import observations as schema
from decentwork.errors import BadInput, DecentworkError
from decentwork.warehouse import importers, settings
from decentwork.warehouse.checks import Known
from decentwork.warehouse.database import WarehouseError, busy, shown, write_lock
from decentwork.warehouse.descriptions import (
    IndicatorMetadata,
    describe_indicators,
    record_labels,
)
from decentwork.warehouse.period_changes import store_changes
from decentwork.warehouse.tables import KEY, VALUES, labels, observations, releases
from decentwork.warehouse.views import Filters, view_query

__all__ = [
    "IndicatorMetadata",
    "LoadError",
    "LoadReport",
    "load_file",
    "load_files",
    "load_frame",
    "load_labels",
]

BATCH = 20_000
MAX_DATASET = 200
LABEL_KEY = ("kind", "code", "lang")


NOTHING_LOADED = "Nothing was loaded: the files of one load are loaded together or not at all."


class LoadError(BadInput):
    """A file or a load was refused; the message says why (each bad row as
    ``file:line: field: problem``)."""


@dataclass(frozen=True)
class LoadReport:
    """What a load did."""

    file: str
    format: str
    dataset: str
    release: int | None
    rows_read: int
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    rejected: int = 0
    already_loaded: bool = False
    unlabelled: tuple[str, ...] = ()
    """Indicators of the file the warehouse has no label of, though it has labels of
    indicators (a dictionary loaded): perhaps a code mistyped."""


@dataclass(frozen=True)
class Prepared:
    """A file read and checked, ready to write: its rows kept on disk (``spool``) or its
    labels; or already loaded (``previous``)."""

    path: Path
    dataset: str
    checksum: str
    content: str
    format: str
    full: bool
    rows_read: int
    rejected: int = 0
    spool: Path | None = None
    labels: pd.DataFrame | None = None
    unlabelled: tuple[str, ...] = ()
    previous: LoadReport | None = None


def checksum(path: Path) -> str:
    """SHA-256 of the file's bytes (hex).

    Raises:
        importers.MissingFile: there is no file at ``path``.
        importers.UnreadableFile: the file cannot be read.
    """
    if not path.is_file():
        raise importers.MissingFile(f"{path}: no such file", given=str(path))
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        raise importers.UnreadableFile(
            f"{path}: cannot be read ({error.strerror})", given=str(path)
        ) from None
    return digest.hexdigest()


def content_digest(table: pd.DataFrame, key: Sequence[str]) -> str:
    """SHA-256 (hex) of a table's content, whatever the bytes it was read from: its rows
    sorted by ``key`` (unique), written as CSV with every number exact."""
    order = table[list(key)].reset_index(drop=True).sort_values(list(key), kind="stable").index
    digest = hashlib.sha256()
    for start in range(0, max(len(table), 1), importers.CHUNK):
        part = table.iloc[order[start : start + importers.CHUNK]]
        digest.update(
            part.to_csv(
                index=False, header=start == 0, float_format="%r", lineterminator="\n"
            ).encode("utf-8")
        )
    return digest.hexdigest()


def load_file(
    engine: sa.Engine,
    path: Path,
    *,
    dataset: str | None = None,
    full: bool = True,
    skip_bad: bool = False,
    rejects: Path | None = None,
    metadata: Iterable[IndicatorMetadata] = (),
    operator: str | None = None,
    limits: settings.Limits | None = None,
) -> LoadReport:
    """Load one file as a release of ``dataset`` (default: the file's name).

    Args:
        full: the file is the whole dataset, so its keys the file lacks are withdrawn.
        skip_bad: load the good rows and write the bad ones to ``rejects`` (default
            ``<file>.rejects.csv``) instead of refusing the file.
        metadata: indicators' units, definitions and labels, recorded for those the file
            has observations of (see :func:`describe_indicators`).
        operator: who loads, recorded with the release (default: see
            :func:`decentwork.warehouse.settings.operator`).
        limits: how much the file may hold (default: from the environment, see
            :class:`~decentwork.warehouse.settings.Limits`).

    Raises:
        LoadError: bad rows (without ``skip_bad``), listed with file, line, field and problem.
        importers.UnreadableFile: the file is not in a format decentwork reads, or too big.
        Busy: another writer held the write lock too long.
        WarehouseError: the database refused the load.
    """
    return load_files(
        engine,
        [path],
        dataset=dataset,
        full=full,
        skip_bad=skip_bad,
        rejects=rejects,
        metadata=metadata,
        operator=operator,
        limits=limits,
    )[0]


def load_files(
    engine: sa.Engine,
    paths: list[Path],
    *,
    dataset: str | None = None,
    full: bool = True,
    skip_bad: bool = False,
    rejects: Path | None = None,
    metadata: Iterable[IndicatorMetadata] = (),
    operator: str | None = None,
    limits: settings.Limits | None = None,
) -> list[LoadReport]:
    """Load files in one transaction, one release each: if any file is refused, none is
    loaded (the error's hint says so). Arguments as :func:`load_file` (``rejects`` only with
    one file). Every file is read and checked before the write lock is taken."""
    described = list(metadata)
    try:
        _check_dataset(dataset, full, len(paths))
        who = f"{settings.operator(operator)} (decentwork {__version__})"
        limits = limits or settings.Limits.from_environment()
        digests = [checksum(path) for path in paths]
        with _refusals(engine):
            with engine.connect() as connection:
                known = _known(connection)
                previous = [
                    _loaded(connection, dataset or importers.dataset_name(path), digest, path)
                    for path, digest in zip(paths, digests, strict=True)
                ]
            with tempfile.TemporaryDirectory(prefix="decentwork-load-") as spool:
                prepared = []
                for k, (path, digest, before) in enumerate(
                    zip(paths, digests, previous, strict=True)
                ):
                    item = before or _prepare(
                        path,
                        digest,
                        dataset,
                        full,
                        skip_bad,
                        rejects if len(paths) == 1 else None,
                        known,
                        limits,
                        Path(spool) / f"{k}.parquet",
                        {m.code for m in described},
                    )
                    prepared.append(item)
                    if item.labels is not None and not item.labels.empty:
                        kind = str(item.labels["kind"].iloc[0])
                        known = known.adding(kind, frozenset(item.labels["code"]))
                with engine.begin() as connection:
                    write_lock(connection)
                    reports = [_write(connection, item, who, described) for item in prepared]
                    _stamp(
                        connection,
                        [
                            r.release
                            for r in reports
                            if not r.already_loaded and r.release is not None
                        ],
                    )
        return reports
    except DecentworkError as error:
        error.hint = f"{error.hint} {NOTHING_LOADED}" if error.hint else NOTHING_LOADED
        raise


def _check_dataset(dataset: str | None, full: bool, files: int) -> None:
    """Refuse a dataset name that is too long or has control characters or quotes, and one
    name for several full releases."""
    if dataset and full and files > 1:
        raise LoadError(
            f"dataset {dataset} with {files} files: each would be a full "
            "release of the dataset and withdraw the others' rows; load them "
            "as partial releases (full=False), or as one file",
            parameter="dataset",
            given=dataset,
        )
    if dataset is None:
        return
    expected = f'a name of 1 to {MAX_DATASET} characters, without control characters or "'
    if not dataset.strip() or len(dataset) > MAX_DATASET:
        raise LoadError(
            f"a dataset name of {len(dataset)} characters: 1 to {MAX_DATASET} are allowed",
            parameter="dataset",
            given=dataset,
            expected=expected,
        )
    if settings.CONTROL.search(dataset) or '"' in dataset:
        raise LoadError(
            f"dataset {dataset!r}: a name cannot contain a control character or a double quote",
            parameter="dataset",
            given=dataset,
            expected=expected,
        )


@contextlib.contextmanager
def _refusals(engine: sa.Engine) -> Iterator[None]:
    """The database refusing a load (a lock held too long, a read-only warehouse, a server
    gone) as a :class:`WarehouseError` (:class:`Busy` for a lock) naming the warehouse."""
    try:
        yield
    except (sa.exc.OperationalError, sa.exc.InternalError) as error:
        if getattr(error.orig, "sqlstate", None) == "55P03":  # PostgreSQL: lock_timeout
            raise busy(shown(engine.url), settings.lock_wait()) from None
        raise WarehouseError(
            f"the warehouse {shown(engine.url)} refused the load "
            f"({str(error.orig).splitlines()[0]})",
            given=shown(engine.url),
            hint="If another load was running, try again when it has finished.",
        ) from None


def _loaded(
    connection: sa.Connection, name: str, digest: str, path: Path, content: str | None = None
) -> Prepared | None:
    """The file as already loaded for dataset ``name``: a release with the same bytes
    (``digest``) or, given, the same ``content``; None if there is none."""
    same = releases.c.checksum == digest
    if content is not None:
        same = sa.or_(same, releases.c.content == content)
    found = connection.execute(
        sa.select(releases.c.id, releases.c.format, releases.c.rows_read)
        .where(releases.c.dataset == name, same)
        .order_by(releases.c.id)
        .limit(1)
    ).first()
    if found is None:
        return None
    report = LoadReport(
        str(path), found.format, name, int(found.id), int(found.rows_read), already_loaded=True
    )
    return Prepared(
        path,
        name,
        digest,
        content or "",
        found.format,
        False,
        int(found.rows_read),
        previous=report,
    )


def _known(connection: sa.Connection) -> Known:
    """The area and indicator codes the warehouse has labels of (from loaded dictionaries
    and the catalogue)."""
    rows = connection.execute(
        sa.select(labels.c.kind, labels.c.code)
        .where(labels.c.kind.in_(["ref_area", "indicator"]))
        .distinct()
    )
    codes: dict[str, set[str]] = {"ref_area": set(), "indicator": set()}
    for kind, code in rows:
        codes[kind].add(code)
    return Known(frozenset(codes["ref_area"]), frozenset(codes["indicator"]))


def _prepare(
    path: Path,
    digest: str,
    dataset: str | None,
    full: bool,
    skip_bad: bool,
    rejects: Path | None,
    known: Known,
    limits: settings.Limits,
    spool: Path,
    described: set[str],
) -> Prepared:
    """Read and check one file (no transaction, no lock), its rows written to ``spool``."""
    name = dataset or importers.dataset_name(path)
    parsed = importers.read(path, known, limits)
    if parsed.problems and not skip_bad:
        listed = parsed.problems[: importers.MAX_PROBLEMS]
        more = len(parsed.problems) - len(listed)
        raise LoadError(
            f"{path}: {len(parsed.problems)} problem(s); nothing loaded (skip_bad loads the "
            "good rows):\n"
            + "\n".join(str(p) for p in listed)
            + (f"\n... and {more} more" if more else ""),
            given=str(path),
        )
    if parsed.problems:
        target = rejects or path.with_name(path.name + ".rejects.csv")
        try:
            _write_rejects(parsed, target)
        except OSError as error:
            raise LoadError(
                f"{path}: cannot write the rejected rows to {target} ({error}); nothing loaded",
                parameter="rejects",
                given=str(target),
            ) from None
        full = False  # the rejected rows' keys are not absent: withdraw nothing
    if parsed.labels is not None:
        table = parsed.labels.drop_duplicates(list(LABEL_KEY), keep="last")
        return Prepared(
            path,
            name,
            digest,
            content_digest(table, LABEL_KEY),
            parsed.format,
            full,
            len(parsed.labels),
            len(parsed.rejected),
            labels=table,
        )
    if parsed.format == importers.CHANGES_FORMAT:
        full = False  # a release of changes withdraws nothing
    if parsed.rows.empty and full:
        raise LoadError(
            f"{path}: no observations; as a full release it would withdraw every "
            f"row of dataset {name} (load it as a partial release, full=False, if "
            "that is meant)",
            given=str(path),
        )
    content = content_digest(parsed.rows, KEY)
    unlabelled: tuple[str, ...] = ()
    if known.indicators and parsed.format != "wdi-csv":
        unlabelled = tuple(sorted(set(parsed.rows["indicator"]) - known.indicators - described))
    parsed.rows.to_parquet(spool, index=False)
    return Prepared(
        path,
        name,
        digest,
        content,
        parsed.format,
        full,
        len(parsed.rows),
        len(parsed.rejected),
        spool=spool,
        unlabelled=unlabelled,
    )


def _write(
    connection: sa.Connection, item: Prepared, who: str, metadata: Collection[IndicatorMetadata]
) -> LoadReport:
    """Write one prepared file as a release (under the write lock), unless its content is
    loaded already."""
    if item.previous is not None:
        return item.previous
    again = _loaded(connection, item.dataset, item.checksum, item.path, item.content)
    if again is not None and again.previous is not None:
        return again.previous
    release = _new_release(
        connection,
        str(item.path),
        item.dataset,
        item.checksum,
        item.content,
        item.format,
        item.full,
        item.rows_read,
        who,
    )
    if item.labels is not None:
        counts = record_labels(connection, item.labels, release)
    else:
        assert item.spool is not None  # prepared with its rows spooled
        rows = pd.read_parquet(item.spool)  # an observation table or changes, as spooled
        if item.format == importers.CHANGES_FORMAT:
            counts = store_changes(connection, rows, item.dataset, release)
        else:
            counts = _load_observations(connection, rows, item.dataset, release, item.full)
            describe_indicators(connection, set(rows["indicator"]), metadata, release)
    _count(connection, release, counts)
    return LoadReport(
        str(item.path),
        item.format,
        item.dataset,
        release,
        item.rows_read,
        *counts,
        rejected=item.rejected,
        unlabelled=item.unlabelled,
    )


def _stamp(connection: sa.Connection, ids: list[int]) -> None:
    """Stamp the releases ``ids`` with the time now, after all their rows are written and
    just before the transaction commits, so that a view as of an earlier moment never shows
    them."""
    if ids:
        connection.execute(
            releases.update().where(releases.c.id.in_(ids)).values(loaded_at=datetime.now(UTC))
        )


def load_frame(
    connection: sa.Connection,
    rows: pd.DataFrame,
    dataset: str,
    origin: str,
    fmt: str,
    full: bool = True,
    metadata: Iterable[IndicatorMetadata] = (),
    operator: str | None = None,
) -> LoadReport:
    """Store observations computed inside decentwork (e.g. group aggregates) as a release of
    ``dataset`` (full, or partial: nothing withdrawn), with the same revision rules as a
    file, and the ``metadata`` of their indicators (see :func:`describe_indicators`);
    ``origin`` says what produced them, ``operator`` who (see
    :func:`decentwork.warehouse.settings.operator`). Identical content already loaded for
    the dataset adds nothing. The caller holds the write lock (:func:`write_lock`) and
    commits right after: the release is stamped with the time its rows were all written."""
    who = f"{settings.operator(operator)} (decentwork {__version__})"
    rows = schema.frame(rows)
    digest = content_digest(rows, KEY)
    previous = _same_content(connection, dataset, digest)
    if previous is not None:
        return LoadReport(origin, fmt, dataset, previous, len(rows), already_loaded=True)
    release = _new_release(connection, origin, dataset, digest, digest, fmt, full, len(rows), who)
    counts = _load_observations(connection, rows, dataset, release, full)
    describe_indicators(connection, set(rows["indicator"]), metadata, release)
    _count(connection, release, counts)
    _stamp(connection, [release])
    return LoadReport(origin, fmt, dataset, release, len(rows), *counts)


def load_labels(
    connection: sa.Connection,
    table: pd.DataFrame,
    dataset: str,
    origin: str,
    fmt: str,
    operator: str | None = None,
) -> LoadReport:
    """Store labels computed inside decentwork (columns kind, code, lang, label) as a
    release of ``dataset``, as a dictionary's labels are stored: added or changed, each
    change kept in the labels' history (:func:`record_labels`). ``origin`` says what
    produced them, ``operator`` who. The same labels already loaded for the dataset add
    nothing. The caller holds the write lock (:func:`write_lock`) and commits right after."""
    who = f"{settings.operator(operator)} (decentwork {__version__})"
    table = table[[*LABEL_KEY, "label"]].drop_duplicates(list(LABEL_KEY), keep="last")
    digest = content_digest(table, LABEL_KEY)
    previous = _same_content(connection, dataset, digest)
    if previous is not None:
        return LoadReport(origin, fmt, dataset, previous, len(table), already_loaded=True)
    release = _new_release(connection, origin, dataset, digest, digest, fmt, False, len(table), who)
    counts = record_labels(connection, table, release)
    _count(connection, release, counts)
    _stamp(connection, [release])
    return LoadReport(origin, fmt, dataset, release, len(table), *counts)


def _same_content(connection: sa.Connection, dataset: str, digest: str) -> int | None:
    """The first release of ``dataset`` whose bytes or content have ``digest``, or None."""
    found = connection.execute(
        sa.select(releases.c.id)
        .where(
            releases.c.dataset == dataset,
            sa.or_(releases.c.checksum == digest, releases.c.content == digest),
        )
        .order_by(releases.c.id)
        .limit(1)
    ).scalar()
    return None if found is None else int(found)


def _count(connection: sa.Connection, release: int, counts: tuple[int, int, int, int]) -> None:
    connection.execute(
        releases.update()
        .where(releases.c.id == release)
        .values(
            rows_added=counts[0],
            rows_changed=counts[1],
            rows_unchanged=counts[2],
            rows_withdrawn=counts[3],
        )
    )


def _write_rejects(parsed: importers.Parsed, target: Path) -> None:
    columns = list(dict.fromkeys(k for _, record in parsed.rejected for k in record))
    by_line: dict[int, list[str]] = {}
    for problem in parsed.problems:
        by_line.setdefault(problem.line, []).append(f"{problem.field}: {problem.problem}")
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "problems", *columns])
        for line, record in parsed.rejected:
            writer.writerow(
                [line, "; ".join(by_line.get(line, [])), *(record.get(c, "") for c in columns)]
            )


def _new_release(
    connection: sa.Connection,
    origin: str,
    name: str,
    digest: str,
    content: str,
    fmt: str,
    full: bool,
    rows_read: int,
    who: str,
) -> int:
    """A new release (its time stamped again by :func:`_stamp` at commit)."""
    return int(
        connection.execute(
            releases.insert()
            .values(
                dataset=name,
                file=origin,
                checksum=digest,
                content=content,
                format=fmt,
                loaded_at=datetime.now(UTC),
                loaded_by=who,
                full=full,
                rows_read=rows_read,
                rows_added=0,
                rows_changed=0,
                rows_unchanged=0,
                rows_withdrawn=0,
            )
            .returning(releases.c.id)
        ).scalar_one()
    )


def _current(connection: sa.Connection, indicators: list[str], name: str) -> pd.DataFrame:
    """The latest view's rows (withdrawals included) of these indicators and of the
    indicators the dataset has published before (the filter applies inside the view's
    grouping, so only those indicators' rows are read)."""
    published = (
        connection.execute(
            sa.select(observations.c.indicator).where(observations.c.dataset == name).distinct()
        )
        .scalars()
        .all()
    )
    wanted = sorted({*indicators, *published})
    query = view_query(Filters({"indicator": wanted}), None, include_withdrawn=True)
    rows = connection.execute(query).mappings().all()
    return pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in observations.c])


def _same(new: pd.DataFrame, old: pd.DataFrame) -> np.ndarray:
    """Row-wise: do the two frames, aligned row by row, carry the same values?"""
    equal = np.ones(len(new), dtype=bool)
    for column in VALUES:
        a, b = new[column], old[column]
        if column in schema.FLOAT_COLUMNS or column == "sample_count":
            a = pd.to_numeric(a, errors="coerce").to_numpy(dtype=float)
            b = pd.to_numeric(b, errors="coerce").to_numpy(dtype=float)
            equal &= (a == b) | (np.isnan(a) & np.isnan(b))
        else:
            same = a.fillna("").astype("str").reset_index(drop=True) == b.fillna("").astype(
                "str"
            ).reset_index(drop=True)
            equal &= same.to_numpy(dtype=bool)
    return equal


def _load_observations(
    connection: sa.Connection, rows: pd.DataFrame, name: str, release: int, full: bool
) -> tuple[int, int, int, int]:
    """Insert what the file adds or changes, and withdrawals; returns the four counts."""
    current = _current(connection, sorted(set(rows["indicator"])), name)
    # the latest row of each of the file's keys, in the file's order (a left join on
    # unique keys keeps the left side's rows and order)
    found = rows[list(KEY)].merge(current, on=list(KEY), how="left", indicator="_found")
    known = (found["_found"] == "both").to_numpy()
    live = known & ~found["withdrawn"].fillna(False).astype(bool).to_numpy()
    # A key another dataset published last changes hands even with the same values, so
    # that the dataset now publishing it is the one whose full releases can withdraw it.
    owned = (found["dataset"].fillna(name) == name).to_numpy()
    same = live & owned & _same(rows, found)
    replaced = found.loc[known & ~same, "id"].tolist()
    del found
    added = int((~live).sum())
    changed = int((live & ~same).sum())
    _insert(connection, rows[~same] if same.any() else rows, name, release, withdrawn=False)
    withdrawn = 0
    if full and not current.empty:
        mine = current[(current["dataset"] == name) & ~current["withdrawn"].astype(bool)]
        gone = mine.merge(rows[list(KEY)], on=list(KEY), how="left", indicator="_found")
        gone = gone[gone["_found"] == "left_only"]
        withdrawn = len(gone)
        tombstones = schema.frame(gone[list(KEY)])
        _insert(connection, tombstones, name, release, withdrawn=True)
        replaced += gone["id"].tolist()
    _supersede(connection, replaced)
    return added, changed, int(same.sum()), withdrawn


def _supersede(connection: sa.Connection, ids: list) -> None:
    """Flag the rows a release has just replaced or withdrawn as superseded."""
    for start in range(0, len(ids), BATCH):
        part = [int(i) for i in ids[start : start + BATCH]]
        connection.execute(
            observations.update().where(observations.c.id.in_(part)).values(superseded=True)
        )


def _insert(
    connection: sa.Connection, frame: pd.DataFrame, name: str, release: int, withdrawn: bool
) -> None:
    for start in range(0, len(frame), BATCH):
        part = frame.iloc[start : start + BATCH]
        records = part.astype(object).where(part.notna(), None).to_dict("records")
        for record in records:
            record.update(release_id=release, dataset=name, withdrawn=withdrawn)
            if record["sample_count"] is not None:
                record["sample_count"] = int(record["sample_count"])
        connection.execute(observations.insert(), records)
