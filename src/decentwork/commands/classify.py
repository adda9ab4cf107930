"""The coder commands: ``classify occupation`` (one title, or a CSV file of them) and
``classify train`` (a ministry's own coded examples), registered on ``decentwork classify``."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from decentwork.terminal import console, errors, fail, progress_bar

if TYPE_CHECKING:
    from decentwork.classifications.occupation_coder import Coding, OccupationCoder

BATCH = 2_000
Lang = Annotated[str | None, typer.Option(
    "--lang", help="Language of the titles: en, fr, es, or one your examples add (km, lo...); "
    "zh codes Chinese titles to CSCO 2022.")]
Classification = Annotated[str | None, typer.Option(
    "--classification", help="isco08 (default) or csco2022 (the default for --lang zh).")]
Folder = Annotated[Path | None, typer.Option(
    "--classifications", help="Folder of fetched classification files (default: those "
    "'decentwork classifications fetch' put in the data directory).")]


def _coder(classification: str | None, lang: str | None, folder: Path | None,
           threshold: float) -> OccupationCoder:
    from decentwork.classifications.occupation_coder import CSCO, ISCO, CoderError, OccupationCoder
    from decentwork.classifications.sources import FetchError

    chosen = classification or (CSCO if lang == "zh" else ISCO)
    try:
        with console.status("Loading the occupation coder") as status:
            return OccupationCoder(folder, classification=chosen, threshold=threshold,
                                   progress=lambda what: status.update(what))
    except (CoderError, FetchError) as error:
        fail(str(error))


def occupation(
    text: Annotated[str | None, typer.Argument(help="A job title (or use --input).")] = None,
    input_file: Annotated[Path | None, typer.Option(
        "--input", help="CSV file (UTF-8) of titles to code.")] = None,
    column: Annotated[str, typer.Option(help="The column of --input holding the titles.")]
    = "title",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="CSV file to write (with --input): the input columns, then the "
        "decision and candidates.")] = None,
    lang: Lang = None,
    k: Annotated[int, typer.Option("-k", help="Candidates per title.")] = 5,
    threshold: Annotated[float, typer.Option(
        help="Calibrated confidence a level needs to be decided without review.")] = 0.9,
    classification: Classification = None,
    folder: Folder = None,
) -> None:
    """Code job titles to ISCO-08 unit groups (Chinese titles to CSCO 2022): candidates with
    calibrated confidence, and a decision (auto-coded, or needs review with the deepest
    reliable level)."""
    from decentwork.classifications.occupation_coder import CoderError

    if (text is None) == (input_file is None):
        fail("give either a TEXT to code or --input FILE.csv (not both)")
    if input_file is not None and out is None:
        fail("--input needs --out FILE.csv for the coded rows")
    coder = _coder(classification, lang, folder, threshold)
    try:
        if text is not None:
            _show(coder.code([text], k=k, lang=lang)[0])
        else:
            _batch(coder, input_file, column, out, k, lang)
    except CoderError as error:
        fail(str(error))


def _show(coding: Coding) -> None:
    from rich.table import Table

    decision = coding.decision
    where = (f"{decision.code} (level {decision.level})" if decision.code
             else "no level reliable enough")
    console.print(f"[bold]{decision.status}[/]: {where}, confidence {decision.confidence:.2f}")
    listing = Table(title=f"Candidates for {coding.text!r}", title_justify="left")
    for name in ("code", "title", "score", "confidence"):
        listing.add_column(name)
    for candidate in coding.candidates:
        listing.add_row(candidate.code, candidate.title, f"{candidate.score:.3f}",
                        f"{candidate.confidence:.2f}")
    console.print(listing)


def _batch(coder: OccupationCoder, path: Path, column: str, out: Path, k: int,
           lang: str | None) -> None:
    from decentwork.classifications.occupation_coder import MAX_LENGTH
    from decentwork.classifications.text_features import normalise

    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            fields = list(reader.fieldnames or [])
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except UnicodeDecodeError as error:
        fail(f"{path}: not UTF-8 text ({error.reason} at byte {error.start}); save it as CSV "
             "UTF-8")
    if column not in fields:
        fail(f"{path}: no column {column!r} (columns: {', '.join(fields) or 'none'}); "
             "choose one with --column")
    prefix = coder.classification
    added = [f"{prefix}_status", f"{prefix}_code", f"{prefix}_level", f"{prefix}_confidence",
             f"{prefix}_candidates"]
    skipped = {"no text": 0, "too long": 0}
    for row in rows:
        title = row.get(column) or ""
        problem = ("no text" if not normalise(title)
                   else "too long" if len(title) > MAX_LENGTH else None)
        if problem:
            skipped[problem] += 1
            row.update(dict.fromkeys(added, ""), **{f"{prefix}_status": problem})
    todo = [row for row in rows if not row.get(f"{prefix}_status")]
    with progress_bar() as bar:
        task = bar.add_task(f"Coding {len(todo):,} titles", total=len(todo))
        for start in range(0, len(todo), BATCH):
            chunk = todo[start:start + BATCH]
            for row, coding in zip(chunk, coder.code([r[column] for r in chunk], k=k,
                                                     lang=lang), strict=True):
                decision = coding.decision
                row.update({
                    f"{prefix}_status": decision.status, f"{prefix}_code": decision.code or "",
                    f"{prefix}_level": decision.level or "",
                    f"{prefix}_confidence": f"{decision.confidence:.4f}",
                    f"{prefix}_candidates": "; ".join(
                        f"{c.code} {c.confidence:.4f}" for c in coding.candidates),
                })
            bar.advance(task, len(chunk))
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*fields, *added])
        writer.writeheader()
        writer.writerows(rows)
    partial.replace(out)
    auto = sum(row[f"{prefix}_status"] == "auto-coded" for row in rows)
    console.print(f"Wrote {len(rows):,} rows to {out}: {auto:,} auto-coded, "
                  f"{len(todo) - auto:,} to review")
    for problem, count in skipped.items():
        if count:
            errors.print(f"{count:,} rows with {problem} (status {problem!r}, not coded)")


def train(
    examples: Annotated[Path, typer.Option(
        "--examples", help="CSV (UTF-8) with columns title, code and optionally lang.")],
    replace: Annotated[bool, typer.Option(
        help="Forget the examples kept before (default: add to them).")] = False,
    classification: Classification = None,
    folder: Folder = None,
) -> None:
    """Teach the coder your own coded titles (any language, codes at any level): checked,
    kept in the data directory, and used by every later coding at once."""
    from decentwork.classifications.occupation_coder import ISCO, CoderError, add_examples
    from decentwork.classifications.sources import FetchError

    try:
        read, kept = add_examples(examples, classification=classification or ISCO,
                                  folder=folder, replace=replace)
    except (CoderError, FetchError, FileNotFoundError) as error:
        fail(str(error))
    console.print(f"{read:,} examples read from {examples}; the coder now keeps {kept:,}")
