"""Seeding and block-wise generation of a synthetic survey, and :func:`generate`.

The sample design is drawn from the stream ``SeedSequence(seed, spawn_key=(0,))``. The
records are then drawn in fixed blocks of :data:`BLOCK_RECORDS` consecutive records, block
``b`` from ``SeedSequence(seed, spawn_key=(1, b))``. A household never spans two blocks
(one reaching past the end of a block is cut there). Blocks do not depend on how the output
is written, so any chunking of the output gives the same records; households are numbered
in block order, which is always 0, 1, 2, ...
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from decentwork.synthetic.people import draw_people
from decentwork.synthetic.sample_design import SampleDesign, draw_sample_design
from decentwork.synthetic.schema import to_table
from decentwork.synthetic.sizes import check_seed, resolve_sizes

BLOCK_RECORDS = 1 << 16
DESIGN_STREAM, BLOCK_STREAM = 0, 1


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def plan(
    records: int, seed: int, strata: int | None = None, psus: int | None = None
) -> SampleDesign:
    """Validate the arguments (``ValueError``, or ``TypeError`` for a non-integer) and draw
    the sample design."""
    seed = check_seed(seed)
    return draw_sample_design(resolve_sizes(records, strata, psus), _rng(seed, DESIGN_STREAM))


def blocks(design: SampleDesign, seed: int) -> Iterator[pa.Table]:
    """The records of the survey as Arrow tables of up to :data:`BLOCK_RECORDS` rows each."""
    records = design.sizes.records
    households = 0
    for block, start in enumerate(range(0, records, BLOCK_RECORDS)):
        stop = min(start + BLOCK_RECORDS, records)
        columns, count = draw_people(
            _rng(seed, BLOCK_STREAM, block), design, start, stop, households
        )
        households += count
        yield to_table(columns)


def generate(
    records: int, seed: int, strata: int | None = None, psus: int | None = None
) -> pa.Table:
    """A seeded synthetic labour force survey of ``records`` person records, in memory.

    Households live in PSUs nested in strata nested in ten regions; each record is one
    person with the design variables, demography, education and the answers to a labour
    force questionnaire (null where a question is not asked). See
    :data:`decentwork.synthetic.schema.COLUMNS` for the columns.

    Args:
        records: number of person records (at least 2).
        seed: random seed (a non-negative integer); the same arguments give the same table.
        strata: number of strata; by default one per 5,000 records (at least 1).
        psus: number of primary sampling units; by default one per 100 records and at least
            two per stratum. Requires ``2 * strata <= psus <= records``.

    Returns:
        An Arrow table, equal to what :func:`decentwork.synthetic.write_parquet` writes for
        the same arguments.
    """
    design = plan(records, seed, strata, psus)
    return pa.concat_tables(blocks(design, seed))
