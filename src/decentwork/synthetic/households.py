"""Households: splitting a block of records into households, and who lives in them.

A household is a head (line 1), often a spouse (line 2), and children and other relatives.
Ages and sexes follow from the head's: children are born to mothers aged about 16 or more,
spouses are close in age to the head, and some households hold an elderly parent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from decentwork.synthetic.draws import bernoulli

# Household size distribution (1..12 persons) before households are cut at PSU boundaries.
SIZE_PROBABILITIES = np.array(
    [0.08, 0.12, 0.15, 0.17, 0.15, 0.11, 0.08, 0.05, 0.04, 0.02, 0.02, 0.01]
)
SIZE_CUMULATIVE = np.cumsum(SIZE_PROBABILITIES) / SIZE_PROBABILITIES.sum()
MAX_AGE = 95


@dataclass(frozen=True)
class Households:
    """The households of a block: ``start`` and ``size`` per household, and per record the
    household index (``member_of``) and line number within the household (``line``, from 1)."""

    start: np.ndarray
    size: np.ndarray
    member_of: np.ndarray
    line: np.ndarray

    @property
    def count(self) -> int:
        return len(self.start)


def split_households(rng: np.random.Generator, records: int, breaks: np.ndarray) -> Households:
    """Cut ``records`` consecutive records into households that never cross ``breaks``.

    ``breaks`` are record offsets inside the block (PSU boundaries) where a household must
    end; the block's end is one too. Household sizes are drawn from
    :data:`SIZE_PROBABILITIES`; a household crossing a break is cut in two there.
    """
    ends = np.empty(0, dtype=np.int64)
    while ends.size == 0 or ends[-1] < records:
        draws = rng.random(records // 3 + 16)
        sizes = 1 + np.searchsorted(SIZE_CUMULATIVE, draws, side="right")
        last = ends[-1] if ends.size else 0
        ends = np.concatenate((ends, last + np.cumsum(sizes)))
    cuts = np.union1d(ends[ends < records], breaks)
    start = np.concatenate(([0], cuts)).astype(np.int64)
    size = np.diff(np.append(start, records))
    member_of = np.repeat(np.arange(len(start)), size)
    line = np.arange(records) - start[member_of] + 1
    return Households(start=start, size=size, member_of=member_of, line=line)


def draw_members(rng: np.random.Generator, households: Households) -> tuple[np.ndarray, np.ndarray]:
    """Age (0..95) and sex (True for female) of every record of the households."""
    count, size, member_of, line = (
        households.count,
        households.size,
        households.member_of,
        households.line,
    )
    records = len(member_of)
    head_age = np.minimum(18.0 + rng.gamma(4.0, 6.5, count), MAX_AGE)
    head_female = bernoulli(rng, np.where(size == 1, 0.40, 0.20), count)
    couple = (size >= 2) & bernoulli(rng, np.where(head_female, 0.20, 0.88), count)
    gap = rng.normal(4.0, 3.5, count)
    spouse_age = np.clip(head_age + np.where(head_female, gap, -gap), 15, MAX_AGE)
    mother_age = np.where(head_female, head_age, np.where(couple, spouse_age, head_age - 4.0))

    head = line == 1
    spouse = (line == 2) & couple[member_of]
    relative = ~head & ~spouse & bernoulli(rng, 0.22, records)
    child = ~head & ~spouse & ~relative
    parent = relative & bernoulli(rng, 0.40, records)

    u = rng.random(records)
    child_age = (np.clip(mother_age - 16.0, 1.0, 30.0)[member_of] * u**0.85).astype(np.int64)
    parent_age = np.minimum(head_age[member_of] + 20.0 + 15.0 * u, MAX_AGE)
    young_relative_age = 5.0 + 30.0 * u
    age = np.select(
        [head, spouse, child, parent],
        [head_age[member_of], spouse_age[member_of], child_age, parent_age],
        young_relative_age,
    ).astype(np.int32)

    female = np.select(
        [head, spouse],
        [head_female[member_of], ~head_female[member_of]],
        bernoulli(rng, np.where(relative, 0.58, 0.49), records),
    )
    return age, female
