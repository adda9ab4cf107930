"""The coder commands: ``classify occupation`` (one title, or a CSV file of them) and
``classify train`` (a ministry's own coded examples), registered on ``decentwork classify``."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from decentwork.terminal import console, errors, fail, progress_bar

if TYPE_CHECKING:
    from decentwork.classifications.occupation_coder import Coding, OccupationCoder
    from decentwork.classifications.title_files import TitleTable

Lang = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of the titles: en, fr, es, or one your examples add (km, lo...); "
        "zh codes Chinese titles to CSCO 2022.",
    ),
]
Classification = Annotated[
    str | None,
    typer.Option(
        "--classification", help="isco08 (default) or csco2022 (the default for --lang zh)."
    ),
]
Folder = Annotated[
    Path | None,
    typer.Option(
        "--classifications",
        help="Folder of fetched classification files (default: those "
        "'decentwork classifications fetch' put in the data directory).",
    ),
]


def _coder(
    classification: str | None,
    lang: str | None,
    folder: Path | None,
    threshold: float | None,
    target: float | None = None,
) -> OccupationCoder:
    """The coder, its auto-code threshold a confidence (``threshold``, default 0.9) or set by
    the precision it should reach (``target``: :func:`~decentwork.classifications.
    occupation_coder.precision`)."""
    from decentwork.classifications.occupation_coder import (
        CSCO,
        ISCO,
        THRESHOLD,
        OccupationCoder,
        precision,
    )

    if threshold is not None and target is not None:
        fail("give --threshold (a confidence) or --precision (a target precision), not both")
    chosen = classification or (CSCO if lang == "zh" else ISCO)
    wanted = (
        precision(target) if target is not None else THRESHOLD if threshold is None else threshold
    )
    with _steps("Loading the occupation coder") as step:
        return OccupationCoder(folder, classification=chosen, threshold=wanted, progress=step)


@contextlib.contextmanager
def _steps(first: str) -> Iterator[Callable[[str], None]]:
    """Report the steps of slow work (the coder's first fit takes minutes): on a terminal a
    spinner on standard error showing the current step; on any other output (a pipe, a file,
    a CI log) one line per step on standard error, with the time since ``first``, so that a
    long silence is never mistaken for a hang."""
    if errors.is_terminal:
        with errors.status(first) as status:
            yield status.update
        return
    started = time.monotonic()

    def line(what: str) -> None:
        errors.print(f"[{time.monotonic() - started:6.1f} s] {what}", markup=False, highlight=False)

    line(first)
    yield line


def occupation(
    text: Annotated[str | None, typer.Argument(help="A job title (or use --input).")] = None,
    input_file: Annotated[
        Path | None, typer.Option("--input", help="CSV file (UTF-8) of titles to code.")
    ] = None,
    column: Annotated[
        str, typer.Option(help="The column of --input holding the titles.")
    ] = "title",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="CSV file to write (with --input): the input columns, then the "
            "decision and candidates.",
        ),
    ] = None,
    lang: Lang = None,
    k: Annotated[int, typer.Option("-k", min=1, help="Candidates per title.")] = 5,
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Calibrated confidence a level needs to be decided without review (default 0.9)."
        ),
    ] = None,
    target: Annotated[
        float | None,
        typer.Option(
            "--precision",
            help="Instead of --threshold: auto-code only at confidences where the held-out "
            "titles (or 30+ examples of yours) were right at least this share of the time, "
            "e.g. 0.95.",
        ),
    ] = None,
    classification: Classification = None,
    folder: Folder = None,
) -> None:
    """Code job titles to ISCO-08 unit groups (Chinese titles to CSCO 2022): candidates with
    calibrated confidence, and a decision (auto-coded, or needs review with the deepest
    reliable level)."""
    if text is not None and input_file is None:
        coder = _coder(classification, lang, folder, threshold, target)
        _show(coder.code([text], k=k, lang=lang)[0])
    elif input_file is not None and text is None:
        if out is None:
            fail("--input needs --out FILE.csv for the coded rows")
        from decentwork.classifications.title_files import read_titles

        table = read_titles(input_file, column)
        coder = _coder(classification, lang, folder, threshold, target)
        _batch(coder, table, column, out, k, lang)
    else:
        fail("give either a TEXT to code or --input FILE.csv (not both)")


def _show(coding: Coding) -> None:
    from rich.table import Table

    decision = coding.decision
    where = (
        f"{decision.code} (level {decision.level})" if decision.code else "no level reliable enough"
    )
    console.print(f"[bold]{decision.status}[/]: {where}, confidence {decision.confidence:.2f}")
    listing = Table(title=f"Candidates for {coding.text!r}", title_justify="left")
    for name in ("code", "title", "score", "confidence"):
        listing.add_column(name)
    for candidate in coding.candidates:
        listing.add_row(
            candidate.code, candidate.title, f"{candidate.score:.3f}", f"{candidate.confidence:.2f}"
        )
    console.print(listing)


def _batch(
    coder: OccupationCoder, table: TitleTable, column: str, out: Path, k: int, lang: str | None
) -> None:
    from decentwork.classifications.text_files import write_csv
    from decentwork.classifications.title_files import NOT_CODED, code_titles

    with progress_bar() as bar:
        task = bar.add_task("Coding titles", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=f"Coding {total:,} titles")

        counts = code_titles(coder, table, column, k=k, lang=lang, progress=advance)
    write_csv(out, table.columns, table.rows, parameter="out")
    console.print(
        f"Wrote {len(table.rows):,} rows to {out}: {counts['auto-coded']:,} "
        f"auto-coded, {counts['needs review']:,} to review"
    )
    for problem in NOT_CODED:
        if counts[problem]:
            errors.print(f"{counts[problem]:,} rows with {problem} (status {problem!r}, not coded)")


def train(
    examples: Annotated[
        Path,
        typer.Option(
            "--examples", help="CSV (UTF-8) with columns title, code and optionally lang."
        ),
    ],
    replace: Annotated[
        bool, typer.Option(help="Forget the examples kept before (default: add to them).")
    ] = False,
    refit: Annotated[
        bool,
        typer.Option(
            help="Also fit the coder again with the examples among its training texts "
            "(minutes; needs at least 30 examples). Without it they count as votes at once."
        ),
    ] = False,
    classification: Classification = None,
    folder: Folder = None,
) -> None:
    """Teach the coder your own coded titles (any language, codes at any level): checked,
    kept in the data directory, and used by every later coding at once; with --refit, also
    fitted into the model, its confidence measured by cross-fitting on your examples."""
    from decentwork.classifications import occupation_coder

    chosen = classification or occupation_coder.ISCO
    read, kept = occupation_coder.add_examples(
        examples, classification=chosen, folder=folder, replace=replace
    )
    console.print(f"{read:,} examples read from {examples}; the coder now keeps {kept:,}")
    if refit:
        with _steps("Refitting the occupation coder") as step:
            fitted = occupation_coder.refit(classification=chosen, folder=folder, progress=step)
        console.print(f"the coder is refitted with {fitted:,} examples")
