"""Loading a file into the warehouse: one release, one transaction, nothing overwritten.

A load compares the file with the warehouse's latest view: keys it does not have are added,
keys whose values differ get a new row that supersedes the old one, identical keys add
nothing; in a full release of a dataset, the dataset's keys missing from the file get a
withdrawal row. The same file loaded twice (same dataset, same SHA-256) adds nothing.
"""

from __future__ import annotations

import contextlib
import csv
import getpass
import hashlib
import platform
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from decentwork import __version__
from decentwork import observations as schema
from decentwork.errors import BadInput, DecentworkError
from decentwork.warehouse import importers
from decentwork.warehouse.database import WarehouseError, shown, write_lock
from decentwork.warehouse.tables import KEY, VALUES, indicators, labels, observations, releases
from decentwork.warehouse.views import Filters, view_query

BATCH = 20_000
MAX_DATASET = 200


NOTHING_LOADED = "Nothing was loaded: the files of one load are loaded together or not at all."


class LoadError(BadInput):
    """A file or a load was refused; the message says why (each bad row as
    ``file:line: field: problem``)."""


@dataclass(frozen=True)
class IndicatorMetadata:
    """What the warehouse records about an indicator whose observations it stores, supplied
    with them by the caller that knows it (decentwork's indicator catalogue)."""

    code: str
    unit: str
    """``percent``, ``thousands``, ``hours``..."""
    definition: str
    """The definition in words."""
    label: str
    """The English label (kept only where no loaded dictionary gave one)."""


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


def checksum(path: Path) -> str:
    """SHA-256 of the file's bytes (hex).

    Raises:
        importers.UnreadableFile: the file cannot be read.
    """
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        raise importers.UnreadableFile(f"{path}: cannot be read ({error.strerror})",
                                       given=str(path)) from None
    return digest.hexdigest()


def load_file(engine: sa.Engine, path: Path, *, dataset: str | None = None, full: bool = True,
              skip_bad: bool = False, rejects: Path | None = None,
              metadata: Iterable[IndicatorMetadata] = ()) -> LoadReport:
    """Load one file as a release of ``dataset`` (default: the file's name).

    Args:
        full: the file is the whole dataset, so its keys the file lacks are withdrawn.
        skip_bad: load the good rows and write the bad ones to ``rejects`` (default
            ``<file>.rejects.csv``) instead of refusing the file.
        metadata: indicators' units, definitions and labels, recorded for those the file
            has observations of (see :func:`describe_indicators`).

    Raises:
        LoadError: bad rows (without ``skip_bad``), listed with file, line, field and problem.
        importers.UnreadableFile: the file is not in a format decentwork reads.
        WarehouseError: the database refused the load.
    """
    return load_files(engine, [path], dataset=dataset, full=full, skip_bad=skip_bad,
                      rejects=rejects, metadata=metadata)[0]


def load_files(engine: sa.Engine, paths: list[Path], *, dataset: str | None = None,
               full: bool = True, skip_bad: bool = False, rejects: Path | None = None,
               metadata: Iterable[IndicatorMetadata] = ()) -> list[LoadReport]:
    """Load files in one transaction, one release each: if any file is refused, none is
    loaded (the error's hint says so). Arguments as :func:`load_file` (``rejects`` only with
    one file)."""
    described = list(metadata)
    try:
        if dataset and full and len(paths) > 1:
            raise LoadError(f"dataset {dataset} with {len(paths)} files: each would be a full "
                            "release of the dataset and withdraw the others' rows; load them "
                            "as partial releases (full=False), or as one file",
                            parameter="dataset", given=dataset)
        if dataset and len(dataset) > MAX_DATASET:
            raise LoadError(f"a dataset name of {len(dataset)} characters: at most "
                            f"{MAX_DATASET} are allowed", parameter="dataset", given=dataset,
                            expected=f"at most {MAX_DATASET} characters")
        with _refusals(engine), engine.begin() as connection:
            write_lock(connection)
            return [_load(connection, path, dataset, full, skip_bad,
                          rejects if len(paths) == 1 else None, described) for path in paths]
    except DecentworkError as error:
        error.hint = f"{error.hint} {NOTHING_LOADED}" if error.hint else NOTHING_LOADED
        raise


@contextlib.contextmanager
def _refusals(engine: sa.Engine) -> Iterator[None]:
    """The database refusing a load (a lock held too long, a read-only warehouse, a server
    gone) as a :class:`WarehouseError` naming the warehouse."""
    try:
        yield
    except (sa.exc.OperationalError, sa.exc.InternalError) as error:
        raise WarehouseError(
            f"the warehouse {shown(engine.url)} refused the load "
            f"({str(error.orig).splitlines()[0]})", given=shown(engine.url),
            hint="If another load was running, try again when it has finished.") from None


def _load(connection: sa.Connection, path: Path, dataset: str | None, full: bool,
          skip_bad: bool, rejects: Path | None,
          metadata: Collection[IndicatorMetadata]) -> LoadReport:
    if not path.is_file():
        raise importers.MissingFile(f"{path}: no such file", given=str(path))
    name = dataset or importers.dataset_name(path)
    digest = checksum(path)
    previous = connection.execute(
        sa.select(releases.c.id, releases.c.format, releases.c.rows_read)
        .where(releases.c.dataset == name, releases.c.checksum == digest)
    ).first()
    if previous is not None:
        return LoadReport(str(path), previous.format, name, int(previous.id),
                          int(previous.rows_read), already_loaded=True)
    parsed = importers.read(path, _groups(connection))
    if parsed.problems and not skip_bad:
        listed = parsed.problems[:importers.MAX_PROBLEMS]
        more = len(parsed.problems) - len(listed)
        raise LoadError(
            f"{path}: {len(parsed.problems)} problem(s); nothing loaded (skip_bad loads the "
            "good rows):\n" + "\n".join(str(p) for p in listed)
            + (f"\n... and {more} more" if more else ""), given=str(path))
    if parsed.problems:
        target = rejects or path.with_name(path.name + ".rejects.csv")
        try:
            _write_rejects(parsed, target)
        except OSError as error:
            raise LoadError(f"{path}: cannot write the rejected rows to {target} ({error}); "
                            "nothing loaded", parameter="rejects", given=str(target)) from None
        full = False  # the rejected rows' keys are not absent: withdraw nothing
    if parsed.labels is None and parsed.rows.empty and full:
        raise LoadError(f"{path}: no observations; as a full release it would withdraw every "
                        f"row of dataset {name} (load it as a partial release, full=False, if "
                        "that is meant)", given=str(path))
    rows_read = len(parsed.rows) if parsed.labels is None else len(parsed.labels)
    release = _new_release(connection, str(path), name, digest, parsed.format, full, rows_read)
    if parsed.labels is not None:
        counts = _load_labels(connection, parsed.labels)
    else:
        counts = _load_observations(connection, parsed.rows, name, release, full)
        describe_indicators(connection, set(parsed.rows["indicator"]), metadata)
    _count(connection, release, counts)
    return LoadReport(str(path), parsed.format, name, release, rows_read, *counts,
                      rejected=len(parsed.rejected))


def describe_indicators(connection: sa.Connection, codes: Collection[str],
                        metadata: Iterable[IndicatorMetadata]) -> None:
    """Record the unit and definition of the indicators among ``codes`` that ``metadata``
    describes (and their English label, unless a dictionary gave one)."""
    found = sorted((m for m in metadata if m.code in codes), key=lambda m: m.code)
    if not found:
        return
    connection.execute(indicators.delete().where(indicators.c.code.in_([i.code for i in found])))
    connection.execute(indicators.insert(), [
        {"code": i.code, "unit": i.unit, "definition": i.definition} for i in found
    ])
    labelled = set(connection.execute(sa.select(labels.c.code).where(
        labels.c.kind == "indicator", labels.c.lang == "en",
        labels.c.code.in_([i.code for i in found]))).scalars())
    missing = [{"kind": "indicator", "code": i.code, "lang": "en", "label": i.label}
               for i in found if i.code not in labelled]
    if missing:
        connection.execute(labels.insert(), missing)


def load_frame(connection: sa.Connection, rows: pd.DataFrame, dataset: str, origin: str,
               fmt: str, full: bool = True,
               metadata: Iterable[IndicatorMetadata] = ()) -> LoadReport:
    """Store observations computed inside decentwork (e.g. group aggregates) as a release of
    ``dataset`` (full, or partial: nothing withdrawn), with the same revision rules as a
    file, and the ``metadata`` of their indicators (see :func:`describe_indicators`);
    ``origin`` says what produced them. Identical content already loaded for the dataset
    adds nothing."""
    rows = schema.frame(rows)
    digest = hashlib.sha256(
        rows.to_csv(index=False, float_format="%r").encode("utf-8")).hexdigest()
    previous = connection.execute(
        sa.select(releases.c.id).where(releases.c.dataset == dataset,
                                       releases.c.checksum == digest)).scalar()
    if previous is not None:
        return LoadReport(origin, fmt, dataset, int(previous), len(rows), already_loaded=True)
    release = _new_release(connection, origin, dataset, digest, fmt, full, len(rows))
    counts = _load_observations(connection, rows, dataset, release, full)
    describe_indicators(connection, set(rows["indicator"]), metadata)
    _count(connection, release, counts)
    return LoadReport(origin, fmt, dataset, release, len(rows), *counts)


def _count(connection: sa.Connection, release: int, counts: tuple[int, int, int, int]) -> None:
    connection.execute(releases.update().where(releases.c.id == release).values(
        rows_added=counts[0], rows_changed=counts[1], rows_unchanged=counts[2],
        rows_withdrawn=counts[3],
    ))


def _groups(connection: sa.Connection) -> frozenset[str]:
    """Area codes the warehouse knows beyond the standard ones (from loaded dictionaries)."""
    rows = connection.execute(
        sa.select(labels.c.code).where(labels.c.kind == "ref_area").distinct()
    )
    return frozenset(code for (code,) in rows)


def _write_rejects(parsed: importers.Parsed, target: Path) -> None:
    columns = list(dict.fromkeys(k for _, record in parsed.rejected for k in record))
    by_line: dict[int, list[str]] = {}
    for problem in parsed.problems:
        by_line.setdefault(problem.line, []).append(f"{problem.field}: {problem.problem}")
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "problems", *columns])
        for line, record in parsed.rejected:
            writer.writerow([line, "; ".join(by_line.get(line, [])),
                             *(record.get(c, "") for c in columns)])


def _new_release(connection: sa.Connection, origin: str, name: str, digest: str, fmt: str,
                 full: bool, rows_read: int) -> int:
    who = f"{getpass.getuser()}@{platform.node()} (decentwork {__version__})"
    return int(connection.execute(releases.insert().values(
        dataset=name, file=origin, checksum=digest, format=fmt,
        loaded_at=datetime.now(UTC), loaded_by=who, full=full, rows_read=rows_read,
        rows_added=0, rows_changed=0, rows_unchanged=0, rows_withdrawn=0,
    ).returning(releases.c.id)).scalar_one())


def _load_labels(connection: sa.Connection, table: pd.DataFrame) -> tuple[int, int, int, int]:
    """Insert or replace labels; returns (added, changed, unchanged, 0)."""
    existing = {
        (k, c, lang): label for k, c, lang, label in connection.execute(
            sa.select(labels.c.kind, labels.c.code, labels.c.lang, labels.c.label)
            .where(labels.c.kind.in_(sorted(set(table["kind"]))))
        )
    }
    added, changed, same = [], [], 0
    for row in table.drop_duplicates(["kind", "code", "lang"], keep="last").to_dict("records"):
        key = (row["kind"], row["code"], row["lang"])
        if key not in existing:
            added.append(row)
        elif existing[key] != row["label"]:
            changed.append(row)
        else:
            same += 1
    for row in changed:
        connection.execute(labels.update().where(
            labels.c.kind == row["kind"], labels.c.code == row["code"],
            labels.c.lang == row["lang"]).values(label=row["label"]))
    if added:
        connection.execute(labels.insert(), added)
    return len(added), len(changed), same, 0


def _current(connection: sa.Connection, indicators: list[str], name: str) -> pd.DataFrame:
    """The latest view's rows (withdrawals included) of these indicators and of the
    indicators the dataset has published before (the filter applies inside the view's
    grouping, so only those indicators' rows are read)."""
    published = connection.execute(
        sa.select(observations.c.indicator).where(observations.c.dataset == name).distinct()
    ).scalars().all()
    wanted = sorted({*indicators, *published})
    query = view_query(Filters({"indicator": wanted}), None, include_withdrawn=True)
    rows = connection.execute(query).mappings().all()
    return pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in observations.c])


def _same(new: pd.DataFrame, old: pd.DataFrame) -> np.ndarray:
    """Row-wise: do the two aligned frames carry the same values?"""
    equal = np.ones(len(new), dtype=bool)
    for column in VALUES:
        a, b = new[column], old[column]
        if column in schema.FLOAT_COLUMNS or column == "sample_count":
            a = pd.to_numeric(a, errors="coerce").to_numpy(dtype=float)
            b = pd.to_numeric(b, errors="coerce").to_numpy(dtype=float)
            equal &= (a == b) | (np.isnan(a) & np.isnan(b))
        else:
            equal &= a.fillna("").astype(str).to_numpy() == b.fillna("").astype(str).to_numpy()
    return equal


def _load_observations(connection: sa.Connection, rows: pd.DataFrame, name: str, release: int,
                       full: bool) -> tuple[int, int, int, int]:
    """Insert what the file adds or changes, and withdrawals; returns the four counts."""
    current = _current(connection, sorted(set(rows["indicator"])), name)
    merged = rows.merge(current, on=list(KEY), how="left", suffixes=("", "_old"),
                        indicator="_found")
    known = (merged["_found"] == "both").to_numpy()
    live = known & ~merged["withdrawn"].fillna(False).astype(bool).to_numpy()
    old = merged[[f"{c}_old" for c in VALUES]].set_axis(list(VALUES), axis=1)
    # A key another dataset published last changes hands even with the same values, so
    # that the dataset now publishing it is the one whose full releases can withdraw it.
    owned = (merged["dataset"].fillna(name) == name).to_numpy()
    same = live & owned & _same(merged[list(VALUES)], old)
    fresh = merged[~same]
    added = int((~live).sum())
    changed = int((live & ~same).sum())
    _insert(connection, fresh[list(schema.COLUMNS)], name, release, withdrawn=False)
    replaced = merged.loc[known & ~same, "id"].tolist()
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
        part = [int(i) for i in ids[start:start + BATCH]]
        connection.execute(observations.update().where(observations.c.id.in_(part))
                           .values(superseded=True))


def _insert(connection: sa.Connection, frame: pd.DataFrame, name: str, release: int,
            withdrawn: bool) -> None:
    for start in range(0, len(frame), BATCH):
        part = frame.iloc[start:start + BATCH]
        records = part.astype(object).where(part.notna(), None).to_dict("records")
        for record in records:
            record.update(release_id=release, dataset=name, withdrawn=withdrawn)
            if record["sample_count"] is not None:
                record["sample_count"] = int(record["sample_count"])
        connection.execute(observations.insert(), records)
