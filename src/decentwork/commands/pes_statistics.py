"""``decentwork pes statistics``: the public employment service's monthly administrative
statistics from the PES database as observations (docs/pes-statistics.md), printed or
written as CSV or JSON and, with ``--load``, loaded into the warehouse as a release of the
service's dataset (``pes-<country>``) per month, with the indicators' metadata and the
English labels of the codes they use (a labels release of the same dataset).

Registered by :mod:`decentwork.cli` under ``decentwork pes``; heavy imports happen inside
the command so that the program starts quickly.
"""

from __future__ import annotations

import contextlib
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from decentwork.commands.pes import PesDb
from decentwork.commands.warehouse import Db, Operator
from decentwork.terminal import errors

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import pandas as pd
    import sqlalchemy as sa

    from decentwork.pes.statistics import Month, Register
    from decentwork.pes.statistics.labels import CodeLabels
    from decentwork.warehouse.load import IndicatorMetadata, LoadReport

FORMATS = ("csv", "json")
RATES = ("percent", "ratio", "days")
"""The units of the indicators that are not counts."""


def statistics(
    month: Annotated[
        str | None,
        typer.Option(
            help="The month, as YYYY-MM (default: the last month that has ended). Not a "
            "month to come."
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Also every month from this one (YYYY-MM) to --month: a monthly run that "
            "revises earlier months with late corrections."
        ),
    ] = None,
    load: Annotated[
        bool,
        typer.Option(
            "--load",
            help="Load each month into the warehouse (--db) as a release of the service's "
            "dataset pes-<country>, with the indicators' metadata; a month loaded again "
            "after corrections is revised with its history.",
        ),
    ] = False,
    threshold: Annotated[
        int,
        typer.Option(
            help="Counts from 1 to this less one are suppressed (status C), and the cells "
            "that would give them away.",
        ),
    ] = 5,
    fmt: Annotated[str, typer.Option("--format", help="Output format: csv or json.")] = "csv",
    out: Annotated[
        Path | None, typer.Option(help="Write the observations to this file (default: print).")
    ] = None,
    pes_db: PesDb = None,
    db: Db = None,
    operator: Operator = None,
) -> None:
    """The PES's administrative statistics of a month (and, with --since, of every month
    from then): registered job seekers, new registrations, vacancies and openings,
    referrals, placements, placement rates, median time to placement and vacancy-to-seeker
    ratios, as observations with small counts suppressed; no personal field leaves the PES
    database."""
    from decentwork.errors import BadInput
    from decentwork.pes.statistics import month_observations, months_between, parse_month
    from decentwork.pes.times import utc_now

    if fmt not in FORMATS:
        raise BadInput(
            f"format {fmt!r} is not one of {', '.join(FORMATS)}",
            parameter="fmt",
            given=fmt,
            expected=", ".join(FORMATS),
        )
    today = utc_now().date()
    last = parse_month(month, today=today) if month else _last_ended(today)
    months = months_between(parse_month(since, "since"), last) if since else [last]
    register = read_pes(pes_db)
    published = {m: month_observations(register, m, threshold) for m in months}
    _write([row for rows in published.values() for row in rows], fmt, out)
    if load:
        _load(db, register.country, published, operator)


def read_pes(pes_db: str | None) -> Register:
    """The register of the PES database at ``pes_db`` (see ``--pes-db``) as the statistics
    see it.

    Raises:
        NoPesDatabase: there is none.
    """
    from decentwork.pes.registry import open_registry
    from decentwork.pes.statistics import read_register

    registry = open_registry(pes_db, create=False)
    try:
        with registry.engine.connect() as connection:
            return read_register(connection)
    finally:
        registry.close()


def _last_ended(today: date) -> Month:
    """The last month that ended before ``today``."""
    from decentwork.pes.statistics import Month

    return Month(today.year, today.month).back(1)


def _write(rows: list[dict[str, object]], fmt: str, out: Path | None) -> None:
    """The observations as CSV (the observation columns) or JSON (a list of objects), to
    ``out`` or standard output."""
    import pandas as pd

    from decentwork import observations
    from decentwork.observations.writers import write, write_atomically

    if fmt == "csv":
        write(observations.frame(pd.DataFrame(rows)), out, "csv")
        return
    text = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        write_atomically(out, lambda target: target.write_text(text, encoding="utf-8"))


def metadata() -> list[IndicatorMetadata]:
    """The PES indicators' unit, definition and English label, which the warehouse records
    with their observations."""
    from decentwork.pes.statistics import indicator_info
    from decentwork.warehouse.load import IndicatorMetadata

    return [
        IndicatorMetadata(i.code, i.unit, i.definition, i.label) for i in indicator_info().values()
    ]


def _load(
    db: str | None,
    country: str,
    published: dict[Month, list[dict[str, object]]],
    operator: str | None,
) -> None:
    """Load each month as a release of the service's dataset, and say what each did."""
    from decentwork.commands.warehouse import open_warehouse, print_loaded

    target = open_warehouse(db)
    try:
        reports, labelled = load_months(target, country, published, operator)
    finally:
        target.dispose()
    errors.print(f"Loaded {len(reports)} month(s) of PES statistics:")
    with contextlib.redirect_stdout(sys.stderr):  # standard output holds the observations
        print_loaded([*reports, labelled] if labelled is not None else reports)


def load_months(
    target: sa.Engine,
    country: str,
    published: Mapping[Month, list[dict[str, object]]],
    operator: str | None,
) -> tuple[list[LoadReport], LoadReport | None]:
    """Load each month's observations as a release of the service's dataset
    (:func:`load_month`), then the labels of the codes they use (:func:`load_labels`):
    the months' reports, and the labels' (None when they added or changed nothing)."""
    reports = [
        load_month(target, country, month, rows, operator) for month, rows in published.items()
    ]
    every = [row for rows in published.values() for row in rows]
    return reports, load_labels(target, country, every, operator)


def load_month(
    target: sa.Engine,
    country: str,
    month: Month,
    rows: list[dict[str, object]],
    operator: str | None,
) -> LoadReport:
    """Load one month's observations as a partial release of dataset ``pes-<country>``
    (other months stay as they are), with the indicators' metadata. A cell the dataset
    published for the month that the month no longer has is published again as a count of
    0, or, for a rate, ratio or median that can no longer be computed, as missing (status
    ``M``): the month's figures are always the whole of what it now says. The same figures
    loaded again add nothing."""
    import pandas as pd

    from decentwork import observations
    from decentwork.pes.statistics import dataset, indicator_info, source
    from decentwork.warehouse.database import write_lock
    from decentwork.warehouse.load import load_frame

    name = dataset(country)
    with target.begin() as connection:
        write_lock(connection)
        table = observations.frame(pd.DataFrame(rows))
        gone = _gone(connection, name, source(country), month, table)
        counts = gone["indicator"].map(lambda code: indicator_info()[code].unit not in RATES)
        # a count no longer met is 0; a rate no longer computable is missing
        gone.loc[counts, "obs_value"] = 0.0
        gone.loc[~counts, "obs_status"] = "M"
        gone.loc[~counts, "note_source"] = "No longer computed: its denominator is now zero."
        return load_frame(
            connection,
            pd.concat([table, gone], ignore_index=True) if len(gone) else table,
            name,
            f"decentwork pes statistics {month} ({source(country)})",
            "pes-statistics",
            full=False,
            metadata=metadata(),
            operator=operator,
        )


def _gone(
    connection: sa.Connection, name: str, code: str, month: Month, table: pd.DataFrame
) -> pd.DataFrame:
    """The cells dataset ``name`` publishes now for ``month`` that ``table`` lacks, as
    observations with no value."""
    import pandas as pd

    from decentwork import observations
    from decentwork.warehouse.tables import KEY
    from decentwork.warehouse.views import Filters, view_query

    query = view_query(Filters({"source": [code], "time": [month.time]}), None, datasets=[name])
    current = pd.DataFrame([dict(r) for r in connection.execute(query).mappings()])
    if current.empty:
        return observations.frame()
    keys = list(KEY)
    merged = current[keys].merge(table[keys], on=keys, how="left", indicator="_found")
    missing = merged[merged["_found"] == "left_only"][keys]
    gone = observations.frame(missing)
    gone["note_indicator"] = gone["indicator"].map(indicator_note)
    return gone


def indicator_note(code: str) -> str:
    """The note every observation of PES indicator ``code`` carries."""
    from decentwork.pes.statistics import indicator_info

    return indicator_info()[code].note


LABELS_FORMAT = "pes-labels"
"""The format the warehouse records for a release of the PES statistics' labels."""


def load_labels(
    target: sa.Engine,
    country: str,
    rows: Iterable[Mapping[str, object]],
    operator: str | None,
    classifications: Path | None = None,
) -> LoadReport | None:
    """Load the English labels of the codes ``rows`` use (the country, source, sexes and
    ``classif1`` categories: :func:`decentwork.pes.statistics.labels.code_labels`, titles
    from the classification files in ``classifications``, default the data directory) as a
    release of dataset ``pes-<country>``, each label with its history. A code the warehouse
    has a label of from elsewhere (an ILOSTAT dictionary) keeps it; a label an earlier
    release of the dataset set is revised when its text has changed. None when there is
    nothing to add or change (no release). Codes that cannot be labelled (a classification
    file not fetched) are said on standard error; the others are loaded."""
    from rich.markup import escape

    from decentwork.pes.statistics import dataset, source
    from decentwork.pes.statistics.labels import code_labels
    from decentwork.warehouse.database import write_lock
    from decentwork.warehouse.load import load_labels as store

    found = code_labels(rows, classifications)
    for (kind, code), why in sorted(found.unlabelled.items()):
        errors.print(escape(f"No label for {kind} {code}: {why}"))
    name = dataset(country)
    with target.begin() as connection:
        write_lock(connection)
        table = _new_labels(connection, found, name)
        if table.empty:
            return None
        return store(
            connection,
            table,
            name,
            f"decentwork pes statistics labels ({source(country)})",
            LABELS_FORMAT,
            operator,
        )


def _new_labels(connection: sa.Connection, found: CodeLabels, name: str) -> pd.DataFrame:
    """The labels of ``found`` that the warehouse lacks, or that it holds as an earlier
    release of dataset ``name`` set them with other text (kind, code, lang, label); a label
    set by another dataset's release (a dictionary), or held before history was kept, is
    left as it is."""
    import pandas as pd
    import sqlalchemy as sa

    from decentwork.warehouse.contents import label_map
    from decentwork.warehouse.tables import label_history, releases

    kinds = sorted({label.kind for label in found.labels})
    held = {key: text for kind in kinds for key, text in label_map(connection, "en", kind).items()}
    history = label_history.c
    setters = connection.execute(
        sa.select(history.kind, history.code, releases.c.dataset)
        .select_from(label_history.outerjoin(releases, releases.c.id == history.release_id))
        .where(
            history.lang == "en",
            history.kind.in_(kinds),
            history.code.in_(sorted({label.code for label in found.labels})),
        )
        .order_by(sa.func.coalesce(history.release_id, 0), history.id)
    )
    last = {(kind, code): setter for kind, code, setter in setters}  # the newest wins
    wanted = [
        {"kind": label.kind, "code": label.code, "lang": "en", "label": label.label}
        for label in found.labels
        if (label.kind, label.code) not in held
        or (
            last.get((label.kind, label.code)) == name
            and held[(label.kind, label.code)] != label.label
        )
    ]
    return pd.DataFrame(wanted, columns=["kind", "code", "lang", "label"])
