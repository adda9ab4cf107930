"""Writing a synthetic survey to Parquet, chunk by chunk, with bounded memory."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import chain

import pyarrow as pa
import pyarrow.parquet as pq

from decentwork.errors import BadInput
from decentwork.synthetic.sample_design import SampleDesign
from decentwork.synthetic.schema import SCHEMA
from decentwork.synthetic.sizes import check_integer
from decentwork.synthetic.survey import blocks, plan


def rechunk(tables: Iterable[pa.Table], rows: int) -> Iterator[pa.Table]:
    """The rows of ``tables`` again, in tables of ``rows`` rows (the last may be shorter)."""
    pending: list[pa.Table] = []
    buffered = 0
    for table in tables:
        pending.append(table)
        buffered += table.num_rows
        if buffered < rows:
            continue
        merged = pa.concat_tables(pending)
        offset = 0
        while buffered - offset >= rows:
            yield merged.slice(offset, rows)
            offset += rows
        pending = [merged.slice(offset)]
        buffered -= offset
    if buffered:
        yield pa.concat_tables(pending)


def write_parquet(
    path: str | os.PathLike[str],
    records: int,
    seed: int,
    strata: int | None = None,
    psus: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    chunk_records: int = 1_000_000,
) -> None:
    """Write the survey of :func:`decentwork.synthetic.generate` to a Parquet file.

    Records are generated block by block and written in row groups of ``chunk_records``
    rows, each encoded by a background thread while the next is generated, so memory grows
    with ``chunk_records`` (about two chunks at a time), not with ``records``. The file holds the
    same table as ``generate(records, seed, strata, psus)`` whatever ``chunk_records`` is.

    Args:
        path: the Parquet file to write (replaced if it exists).
        records, seed, strata, psus: as for :func:`decentwork.synthetic.generate`.
        on_progress: called after each row group with the number of records written so far.
        chunk_records: rows per row group (at least 1).

    Raises:
        BadInput: a bad size, seed or ``chunk_records`` (nothing is written then), or a file
            that cannot be written.
    """
    chunk_records = check_integer("chunk_records", chunk_records)
    if chunk_records < 1:
        raise BadInput(
            f"chunk_records must be at least 1, got {chunk_records}",
            parameter="chunk_records",
            given=chunk_records,
            expected="at least 1",
        )
    design = plan(records, seed, strata, psus)
    try:
        _write(path, design, seed, chunk_records, on_progress)
    except OSError as error:
        raise BadInput(f"cannot write {path}: {error.strerror or error}", given=path) from None


def _write(
    path: str | os.PathLike[str],
    design: SampleDesign,
    seed: int,
    chunk_records: int,
    on_progress: Callable[[int], None] | None,
) -> None:
    """Write the records of ``design`` in row groups of ``chunk_records`` rows."""
    written = 0
    in_flight: tuple[Future[None], int] | None = None
    with pq.ParquetWriter(path, SCHEMA) as writer, ThreadPoolExecutor(1) as encoder:
        for chunk in chain(rechunk(blocks(design, seed), chunk_records), [None]):
            if in_flight is not None:
                write, rows = in_flight
                write.result()
                written += rows
                if on_progress is not None:
                    on_progress(written)
            if chunk is not None:
                write = encoder.submit(writer.write_table, chunk, row_group_size=chunk_records)
                in_flight = (write, chunk.num_rows)
