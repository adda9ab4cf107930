"""The warehouse's commands (registered by :mod:`decentwork.cli`): ``info``, ``migrate``,
``backup``, ``load``, ``query``, ``export``, ``releases``, ``ilostat pull``,
``groups list|define|delete`` and ``aggregate``. Reading commands open the warehouse
read-only; writing commands create or migrate it.

Registered on the ``decentwork`` program by :mod:`decentwork.cli`; heavy imports happen inside
the commands so that the program starts quickly.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from decentwork.terminal import console, errors, fail

if TYPE_CHECKING:
    import pandas as pd
    import sqlalchemy as sa

    from decentwork.observations.writers import Format
    from decentwork.warehouse.load import IndicatorMetadata, LoadReport

Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: $DECENTWORK_DB, else the embedded SQLite "
        "file that 'decentwork info' prints).",
    ),
]
FORMATS = ("table", "csv", "json", "xlsx", "sdmx-csv", "parquet")
Years = Annotated[str | None, typer.Option(help="Years: 2020, 2015:2023, 2015: or :2023.")]
Sexes = Annotated[str | None, typer.Option(help="SEX_T, SEX_M, SEX_F, comma-separated.")]
Classif1 = Annotated[str | None, typer.Option(help="classif1 codes, comma-separated.")]
Operator = Annotated[
    str | None,
    typer.Option(
        "--operator",
        help="Who loads, recorded with each release (default: "
        "$DECENTWORK_OPERATOR, else 'unknown operator' with the OS account).",
    ),
]


def open_warehouse(db: str | None, *, read_only: bool = False) -> sa.Engine:
    """The warehouse at ``db`` (see ``decentwork info``): to write, created or migrated if
    need be; ``read_only``, it must exist with its schema current (see
    :func:`decentwork.warehouse.database.engine`)."""
    from decentwork.warehouse.database import engine

    return engine(db, read_only=read_only)


@contextlib.contextmanager
def _writing(db: str | None) -> Iterator[sa.Connection]:
    """A transaction holding the warehouse's write lock (rolled back if the command fails)."""
    from decentwork.warehouse.database import write_lock

    with open_warehouse(db).begin() as connection:
        write_lock(connection)
        yield connection


def catalogue_metadata() -> list[IndicatorMetadata]:
    """The unit, definition and English label of every indicator of decentwork's catalogue,
    which the warehouse records with the observations of those indicators."""
    from decentwork.indicators.catalogue import load_catalogue
    from decentwork.warehouse.load import IndicatorMetadata

    catalogue = load_catalogue()
    return [
        IndicatorMetadata(i.code, i.unit_name, catalogue.definition(i), i.label)
        for i in catalogue.indicators
    ]


def info(db: Db = None) -> None:
    """Where the warehouse is and what it holds (a warehouse not created yet is not
    created)."""
    import sqlalchemy as sa

    from decentwork.warehouse.database import (
        NoWarehouse,
        default_path,
        parse_url,
        schema_revision,
        shown,
    )
    from decentwork.warehouse.tables import labels, observations, releases

    console.print(f"Warehouse: {shown(parse_url(db))}")
    console.print(f"Embedded default file: {default_path()}")
    try:
        target = open_warehouse(db, read_only=True)
    except NoWarehouse as error:
        console.print(f"Not created yet: {error}")
        return
    with target.connect() as connection:
        count = connection.execute(sa.select(sa.func.count()).select_from(releases)).scalar()
        rows = connection.execute(sa.select(sa.func.count()).select_from(observations)).scalar()
        series = connection.execute(
            sa.select(sa.func.count(sa.distinct(observations.c.indicator)))
        ).scalar()
        areas = connection.execute(
            sa.select(sa.func.count(sa.distinct(observations.c.ref_area)))
        ).scalar()
        named = connection.execute(sa.select(sa.func.count()).select_from(labels)).scalar()
    console.print(f"Schema revision: {schema_revision(target)}")
    console.print(
        f"Releases: {count:,}; observation rows (all revisions): {rows:,}; "
        f"indicators: {series:,}; areas: {areas:,}; labels: {named:,}"
    )
    target.dispose()


def migrate(
    db: Db = None,
    backup: Annotated[
        bool,
        typer.Option(
            "--backup/--no-backup",
            help="Copy a SQLite file beside itself before changing its schema.",
        ),
    ] = True,
) -> None:
    """Bring the warehouse's schema to the newest migration (creating the warehouse if there
    is none), so that reading commands and the dashboard can open it."""
    from decentwork.warehouse.migration import migrate as upgrade_schema

    done = upgrade_schema(db, backup=backup)
    if done.backup is not None:
        console.print(f"Backed up {done.warehouse} to {done.backup}")
    if done.before == done.after:
        console.print(
            f"Warehouse {done.warehouse}: schema revision {done.after}, already the newest"
        )
    else:
        console.print(
            f"Warehouse {done.warehouse}: schema revision {done.before or 'none'} -> {done.after}"
        )


def backup(
    db: Db = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="The backup file, which must not exist (default: beside a SQLite "
            "file, or <database>.<time>.dump here for PostgreSQL).",
        ),
    ] = None,
) -> None:
    """Back the warehouse up: a SQLite file with SQLite's online backup API (safe while
    others load), a PostgreSQL database with pg_dump. docs/warehouse.md says how to
    restore."""
    from decentwork.warehouse.backup import backup as make_backup

    done = make_backup(db, out)
    console.print(f"Backed up {done.warehouse} to {done.file} ({done.how})")


def load(
    files: Annotated[list[Path], typer.Argument(help="Files to load (format detected).")],
    db: Db = None,
    dataset: Annotated[
        str | None,
        typer.Option(
            help="Dataset name (default: the file name); a dataset's releases supersede each other."
        ),
    ] = None,
    partial: Annotated[
        bool,
        typer.Option(
            "--partial",
            help="The file updates part of the dataset: keys it lacks stay as they "
            "are (default: a full release withdraws them).",
        ),
    ] = False,
    skip_bad: Annotated[
        bool,
        typer.Option(
            "--skip-bad", help="Load the good rows; write the bad ones to FILE.rejects.csv."
        ),
    ] = False,
    operator: Operator = None,
) -> None:
    """Load observation files (decentwork CSV/Parquet, ILOSTAT bulk CSV/.csv.gz, SDMX-CSV,
    World Bank WDI CSV) or ILOSTAT dictionaries into the warehouse, one release per file, with
    revision history: nothing is overwritten, the same content loaded twice adds nothing."""

    target = open_warehouse(db)
    errors.print(f"Loading {len(files)} file(s) in one transaction ...")
    load_and_report(
        target, files, dataset=dataset, full=not partial, skip_bad=skip_bad, operator=operator
    )


def load_and_report(
    target: sa.Engine,
    files: list[Path],
    *,
    dataset: str | None = None,
    full: bool = True,
    skip_bad: bool = False,
    operator: str | None = None,
) -> None:
    """Load ``files`` in one transaction (see ``load_files``), with the catalogue's
    indicator metadata, and print what each load did."""
    from decentwork.warehouse.load import load_files

    print_loaded(
        load_files(
            target,
            files,
            dataset=dataset,
            full=full,
            skip_bad=skip_bad,
            metadata=catalogue_metadata(),
            operator=operator,
        )
    )


def print_loaded(reports: list[LoadReport]) -> None:
    """The table of what each load did."""
    from rich.table import Table

    table = Table(title="Loaded", title_justify="left")
    for column in (
        "file",
        "format",
        "dataset",
        "release",
        "read",
        "added",
        "changed",
        "unchanged",
        "withdrawn",
        "rejected",
    ):
        table.add_column(
            column, justify="left" if column in ("file", "format", "dataset") else "right"
        )
    for report in reports:
        release = (
            f"{report.release} (already loaded)" if report.already_loaded else str(report.release)
        )
        table.add_row(
            Path(report.file).name,
            report.format,
            report.dataset,
            release,
            f"{report.rows_read:,}",
            f"{report.added:,}",
            f"{report.changed:,}",
            f"{report.unchanged:,}",
            f"{report.withdrawn:,}",
            f"{report.rejected:,}",
        )
    console.print(table)
    for report in reports:
        if report.unlabelled:
            errors.print(
                f"Note: {Path(report.file).name}: the warehouse has no label of "
                f"indicator(s) {', '.join(report.unlabelled)} (mistyped, or not in "
                "the dictionaries loaded?)",
                soft_wrap=True,
            )


def pull(
    indicators: Annotated[
        list[str],
        typer.Argument(
            help="ILOSTAT indicator codes, with or without the frequency (_A annual, the "
            "default; _Q; _M)."
        ),
    ],
    db: Db = None,
    areas: Annotated[
        str | None,
        typer.Option(help="Keep these areas only (comma-separated); each area is its own dataset."),
    ] = None,
    mirror: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="A folder or URL laid out like the shared data folder (files under "
            "ilostat/), instead of ILOSTAT's service; default $DECENTWORK_MIRROR.",
        ),
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Download again even if a copy is cached.")
    ] = False,
    operator: Operator = None,
) -> None:
    """Download ILOSTAT bulk files (from ILOSTAT's bulk download service or a mirror, with a
    cache and retries) and load them into the warehouse."""
    from rich.progress import (
        DownloadColumn,
        Progress,
        TaskID,
        TextColumn,
        TransferSpeedColumn,
    )

    from decentwork.warehouse import ilostat

    target = open_warehouse(db)
    with Progress(
        TextColumn("[bold]{task.description}"),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=errors,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def show(dataset: str, done: int, total: int | None) -> None:
            if dataset not in tasks:
                tasks[dataset] = progress.add_task(dataset, total=total)
            progress.update(tasks[dataset], completed=done)

        fetched = ilostat.fetch(indicators, mirror=mirror, refresh=refresh, on_progress=show)
    files: list[Path] = []
    for item in fetched:
        errors.print(f"{item.dataset}: {'cached copy ' if item.cached else ''}{item.origin}")
        if areas:
            split = ilostat.split_by_area(item, areas.split(","), ilostat.cache_dir() / "areas")
            missing = sorted({a.strip().upper() for a in areas.split(",")} - set(split))
            if missing:
                errors.print(f"{item.dataset}: no data for {', '.join(missing)}")
            files += split.values()
        else:
            files.append(item.path)
    if not files:
        fail("nothing to load")
    load_and_report(target, files, operator=operator)


def query(
    db: Db = None,
    indicator: Annotated[str | None, typer.Option(help="Indicator codes, comma-separated.")] = None,
    area: Annotated[
        str | None, typer.Option(help="Area codes (ref_area), comma-separated.")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Source codes, comma-separated.")] = None,
    sex: Sexes = None,
    classif1: Classif1 = None,
    classif2: Annotated[str | None, typer.Option(help="classif2 codes, comma-separated.")] = None,
    time: Years = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="The view as of a release number or a date (default: latest)."
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help=f"One of {', '.join(FORMATS)} (default: from --out's suffix, else table).",
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write.")] = None,
    limit: Annotated[int, typer.Option(help="Rows shown by --format table.")] = 50,
) -> None:
    """Observations of the latest view (or --as-of a release or date), filtered on any
    dimension, as a table or a file. An area or indicator code the warehouse has never held
    is refused, naming the nearest ones."""
    from decentwork.warehouse.contents import check_held
    from decentwork.warehouse.views import Filters, split_codes, view

    codes = {
        "indicator": indicator,
        "ref_area": area,
        "source": source,
        "sex": sex,
        "classif1": classif1,
        "classif2": classif2,
    }
    filters = Filters.parse({k: split_codes(v) for k, v in codes.items()}, time)
    target = open_warehouse(db, read_only=True)
    with target.connect() as connection:
        found = view(connection, filters, as_of)
        check_held(
            connection,
            filters.codes,
            parameters={"ref_area": "area"},
            seen={column: set(found[column]) for column in ("ref_area", "indicator")},
        )
    _emit(found, _chosen(fmt, out, "table"), out, limit, target, as_of)


def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write.")],
    db: Db = None,
    dataset: Annotated[
        str | None, typer.Option(help="Datasets, comma-separated (default: everything).")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="As of a release number or a date (default: latest)."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="csv, json, xlsx, sdmx-csv or parquet (default: from --out)."
        ),
    ] = None,
) -> None:
    """Write whole datasets of the latest view (or --as-of) to a file."""
    from decentwork.warehouse.views import view

    chosen = _chosen(fmt, out, "csv")
    if chosen == "table":
        fail("export writes a file: --format csv, json, xlsx, sdmx-csv or parquet")
    names = [d.strip() for d in dataset.split(",") if d.strip()] if dataset else []
    target = open_warehouse(db, read_only=True)
    with target.connect() as connection:
        found = view(connection, None, as_of, datasets=names)
    _emit(found, chosen, out, 0, target, as_of)


def releases(db: Db = None) -> None:
    """The releases loaded, newest first: file, dataset, when, by whom, what changed."""
    from rich.table import Table

    from decentwork.warehouse.contents import release_history

    target = open_warehouse(db, read_only=True)
    with target.connect() as connection:
        rows, _ = release_history(connection)
    listing = Table(title="Releases", title_justify="left")
    for column in (
        "id",
        "loaded_at",
        "dataset",
        "format",
        "file",
        "read",
        "added",
        "changed",
        "withdrawn",
        "loaded_by",
    ):
        listing.add_column(column)
    for row in rows:
        listing.add_row(
            str(row["id"]),
            f"{row['loaded_at']:%Y-%m-%d %H:%M:%S}",
            row["dataset"],
            row["format"],
            Path(row["file"]).name,
            f"{row['rows_read']:,}",
            f"{row['rows_added']:,}",
            f"{row['rows_changed']:,}",
            f"{row['rows_withdrawn']:,}",
            row["loaded_by"],
        )
    console.print(listing)


def _chosen(fmt: str | None, out: Path | None, default: str) -> str:
    """The output format: ``fmt``, else from ``out``'s suffix, else ``default``."""
    if fmt:
        return fmt
    if out is None:
        return default
    from decentwork.observations.writers import SUFFIXES

    return {**SUFFIXES, ".json": "json"}.get(out.suffix.lower(), "csv")


def _emit(
    found: pd.DataFrame,
    fmt: str,
    out: Path | None,
    limit: int,
    target: sa.Engine,
    as_of: str | None,
) -> None:
    """Print or write a view (as of ``as_of``) in ``fmt``."""
    from decentwork.observations.writers import write
    from decentwork.warehouse.excel import write_workbook

    if fmt not in FORMATS:
        fail(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if fmt == "table":
        _print_table(found, limit)
        return
    if fmt == "json":
        text = found.to_json(orient="records", force_ascii=False)
        if out is None:
            sys.stdout.write(text + "\n")
        else:
            _write_text(out, text)
    elif fmt == "xlsx":
        if out is None:
            fail("--format xlsx writes a file: give --out PATH")
        write_workbook(found, out, target, as_of=as_of)
    else:
        if out is None and fmt == "parquet":
            fail("--format parquet writes a file: give --out PATH")
        write(found, out, cast("Format", fmt))  # csv, sdmx-csv or parquet: checked above
    if out is not None:
        console.print(f"Wrote {len(found):,} observations to {out} ({fmt})")


def _print_table(found: pd.DataFrame, limit: int) -> None:
    """Print the first ``limit`` observations (all: 0) as a table."""
    from rich.table import Table

    shown = found.head(limit) if limit else found
    listing = Table(title=f"{len(found):,} observations", title_justify="left")
    columns = [
        "ref_area",
        "indicator",
        "source",
        "sex",
        "classif1",
        "classif2",
        "time",
        "obs_value",
        "obs_status",
        "se",
    ]
    for column in columns:
        listing.add_column(column)
    for row in shown.itertuples(index=False):
        listing.add_row(
            *(
                "" if str(getattr(row, c)) in ("nan", "<NA>") else str(getattr(row, c))
                for c in columns
            )
        )
    console.print(listing)


def _write_text(out: Path, text: str) -> None:
    """Write ``text`` to the file ``out``.

    Raises:
        NotFound: the folder of ``out`` does not exist.
        BadInput: ``out`` cannot be written.
    """
    from decentwork.errors import BadInput
    from decentwork.observations.writers import check_folder

    check_folder(out)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise BadInput(
            f"cannot write {out}: {error.strerror or error}", parameter="out", given=out
        ) from None


def groups_list(
    db: Db = None,
    code: Annotated[
        str | None, typer.Option("--code", help="Show only this group, with all its members.")
    ] = None,
) -> None:
    """The area groups: bundled (G20, BRICS, ASEAN, the ILO regions, the World Bank income
    groups once fetched) and your own. Long member lists are cut: --code shows one in full."""
    from rich.table import Table

    from decentwork.warehouse.groups import group as find_group
    from decentwork.warehouse.groups import groups

    with open_warehouse(db, read_only=True).connect() as connection:
        found = {code: find_group(connection, code)} if code else groups(connection)
    listing = Table(title="Area groups", title_justify="left")
    for column in ("code", "label", "members", "defined by"):
        listing.add_column(column)
    for group in found.values():
        shown = group.members if code or len(group.members) <= 12 else group.members[:10]
        members = ", ".join(shown)
        if len(shown) < len(group.members):
            members += f" ... ({len(group.members)} areas)"
        listing.add_row(group.code, group.label, members, "decentwork" if group.bundled else "you")
    console.print(listing)


def groups_define(
    code: Annotated[str, typer.Argument(help="Group code: X_ then capitals, digits or _.")],
    members: Annotated[str, typer.Option(help="Member areas, comma-separated ISO codes.")],
    label: Annotated[str, typer.Option(help="The group's name.")],
    db: Db = None,
) -> None:
    """Define a group of areas (or redefine one, including a bundled group)."""
    from decentwork.warehouse.groups import define

    with _writing(db) as connection:
        group = define(connection, code, label, members.split(","))
    console.print(f"Group {group.code} ({group.label}): {', '.join(group.members)}")


def groups_delete(
    code: Annotated[str, typer.Argument(help="A group you defined.")],
    db: Db = None,
) -> None:
    """Delete a group you defined (a bundled group of the same code comes back)."""
    from decentwork.warehouse.groups import delete

    with _writing(db) as connection:
        delete(connection, code)
    console.print(f"Deleted group {code}")


def aggregate(
    group: Annotated[str, typer.Argument(help="Group code (decentwork groups list).")],
    indicator: Annotated[str, typer.Argument(help="Indicator code: a rate or a level (_NB).")],
    db: Db = None,
    weight: Annotated[
        str | None,
        typer.Option(
            help="The level weighting the rate (default: its denominator, e.g. the labour force "
            "for an unemployment rate)."
        ),
    ] = None,
    time: Years = None,
    sex: Sexes = None,
    classif1: Classif1 = None,
    min_coverage: Annotated[
        float, typer.Option(help="Least share (0-1) of the group's weight with data.")
    ] = 0.5,
    store: Annotated[bool, typer.Option(help="Store the group values in the warehouse.")] = True,
    operator: Operator = None,
) -> None:
    """A group's value of an indicator: the weighted mean of its members' rates (or the sum
    of their levels), with its coverage; stored as observations of the group."""
    from decentwork.warehouse.aggregate import aggregate as compute_aggregate
    from decentwork.warehouse.groups import group as find_group

    codes = {"sex": sex, "classif1": classif1}
    with _writing(db) as connection:
        result = compute_aggregate(
            connection,
            find_group(connection, group),
            indicator,
            weight=weight,
            time=time,
            min_coverage=min_coverage,
            store=store,
            codes={k: v.split(",") for k, v in codes.items() if v},
            metadata=catalogue_metadata(),
            operator=operator,
        )
    _print_table(result.rows, 50)
    if not result.refused.empty:
        errors.print(
            f"{len(result.refused)} value(s) refused: coverage below "
            f"{100 * min_coverage:.0f} % (lowest "
            f"{100 * result.refused['coverage'].min():.1f} %)"
        )
    if result.report is not None:
        print_loaded([result.report])
