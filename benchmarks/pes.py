"""Benchmark of PES matching (issue 14): a vacancy's top 20 among 1,000,000 active seekers, and
the batch mode (every seeker's top 20 among the vacancies), each beside a plain approach in
the same run: scoring every row with pandas.

The records are drawn by decentwork's own seeded synthetic PES
(:func:`decentwork.pes.synthetic.generate`, Cambodia, written as its import files in chunks
of 100,000 seekers with seeds ``seed``, ``seed + 1``...), read back as the matching facts
:func:`decentwork.pes.matching.facts.active_seekers` would give from a database, and indexed
by :class:`~decentwork.pes.matching.index.MatchIndex` exactly as from a database (a million
rows are not inserted into SQLite first: the index is built from the same facts either way).
Every generated seeker is taken as active and every vacancy as open, its expiry date taken as
its start date. The synthetic PES lists no skills, so the benchmark adds some with its own
seeded draws: three in five seekers list 3 to 8 of ESCO's skills of their first occupation's
unit group, half the vacancies require 2 to 5 of its essential skills (the others are matched
with ESCO's skills of their unit group); a third of the seekers say they would move, a third
that they would not.

1. ``single``: the index's one-off build (time; size of its arrays; the process's peak
   memory), then the top 20 seekers of ``--queries`` vacancies drawn at random (median, 90th
   percentile and worst time; target: median under 50 ms), beside a pandas frame of the same
   seekers scoring every row for ``--baseline-queries`` of them (the same factors, through
   the same functions, on every row: no postings, no ceiling), as a ratio of medians; the top
   20 of both must be the same.
2. ``batch``: every one of ``--batch-seekers`` seekers' top 20 among ``--vacancies``
   vacancies (target: under 3 minutes), beside the pandas frame of the vacancies scoring every
   vacancy for ``--baseline-seekers`` seekers, extrapolated to all of them.

    python benchmarks/pes.py [--seekers 1000000] [--vacancies 20000] [--batch-seekers 100000]
        [--queries 50] [--from ../shared/data] [--quick]

``--quick`` divides the sizes by 20. The two cores of the development machine are shared:
times are wall times, and the ratios, measured in the same run, are the figures to compare.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from decentwork.pes.matching.batch import every_seeker
from decentwork.pes.matching.factors import Pairs, evaluate, fit, years_in
from decentwork.pes.matching.facts import SeekerFacts, VacancyFacts
from decentwork.pes.matching.index import MatchIndex
from decentwork.pes.matching.profiles import SkillProfiles, skill_profiles
from decentwork.pes.matching.queries import SeekerQuery, VacancyQuery
from decentwork.pes.matching.ranking import Scope
from decentwork.pes.matching.segments import SeekerSegment, VacancySegment
from decentwork.pes.matching.weights import Weights, bundled_weights
from decentwork.pes.synthetic import UNTIL, generate

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
CHUNK = 100_000
K = 20


# The records ----------------------------------------------------------------------------------


def _cell(row: dict[str, str], name: str) -> str | None:
    value = row.get(name, "")
    return sys.intern(value) if value else None


def _seeker(number: int, row: dict[str, str], centres: dict[str, int]) -> SeekerFacts:
    """A seeker of the synthetic seekers file as matching's facts."""
    occupations = tuple(
        (sys.intern(row[f"occupation_{i}"]), sys.intern(row[f"occupation_{i}_text"]))
        for i in (1, 2, 3)
        if row[f"occupation_{i}"]
    )
    jobs = tuple(
        (sys.intern(code), float(years))
        for code, years in (
            item.strip().split(":") for item in row["work_history"].split(";") if item
        )
    )
    wage = row["expected_wage"]
    return SeekerFacts(
        id=number,
        version=1,
        centre=centres.setdefault(row["centre"], len(centres) + 1),
        area=sys.intern(row["area"]),
        education=_cell(row, "education"),
        willing_to_move=None,
        available_from=datetime.strptime(row["available_from"], "%Y-%m-%d").date(),
        expected_wage=float(wage) if wage else None,
        wage_currency=_cell(row, "wage_currency"),
        wage_period=_cell(row, "wage_period"),
        occupations=occupations,
        jobs=jobs,
        skills=(),
    )


def _vacancy(number: int, row: dict[str, str], centres: dict[str, int]) -> VacancyFacts:
    """A vacancy of the synthetic vacancies file as matching's facts, open, starting on its
    expiry date."""

    def amount(name: str) -> float | None:
        return float(row[name]) if row[name] else None

    return VacancyFacts(
        id=number,
        version=1,
        centre=centres.setdefault(row["centre"], len(centres) + 1),
        employer=int(row["employer_registration"]),
        area=sys.intern(row["area"]),
        isco=sys.intern(row["isco"]),
        title=sys.intern(row["title"]),
        education=_cell(row, "education"),
        experience_years=amount("experience_years"),
        wage_min=amount("wage_min"),
        wage_max=amount("wage_max"),
        wage_currency=_cell(row, "wage_currency"),
        wage_period=_cell(row, "wage_period"),
        starts_on=datetime.strptime(row["expires_on"], "%Y-%m-%d").date(),
        expires_on=None,
        skills=(),
    )


def synthetic(
    seekers: int, vacancies: int, seed: int, folder: Path, classifications: Path
) -> tuple[list[SeekerFacts], list[VacancyFacts]]:
    """``seekers`` seekers and ``vacancies`` vacancies of the synthetic PES (see the
    module's description)."""
    centres: dict[str, int] = {}
    found_seekers: list[SeekerFacts] = []
    found_vacancies: list[VacancyFacts] = []
    for chunk, start in enumerate(range(0, max(seekers, 1), CHUNK)):
        count = min(CHUNK, seekers - start)
        made = generate(
            "KHM",
            seekers=count,
            vacancies=vacancies if chunk == 0 else 0,
            seed=seed + chunk,
            out=folder,
            classifications=classifications,
        )
        with made.files[1].open(encoding="utf-8") as handle:
            found_seekers += [
                _seeker(start + i, row, centres)
                for i, row in enumerate(csv.DictReader(handle), start=1)
            ]
        if chunk == 0:
            with made.files[2].open(encoding="utf-8") as handle:
                found_vacancies = [
                    _vacancy(i, row, centres)
                    for i, row in enumerate(csv.DictReader(handle), start=1)
                ]
        print(f"  drawn {len(found_seekers):,} seekers", flush=True)
    return found_seekers, found_vacancies


def with_skills(
    seekers: list[SeekerFacts], vacancies: list[VacancyFacts], profiles: SkillProfiles, seed: int
) -> tuple[list[SeekerFacts], list[VacancyFacts]]:
    """The records with the skills and willingness to move the benchmark adds (see the
    module's description)."""
    rng = random.Random(seed)

    def skills_of(code: str) -> list[str]:
        return sorted(
            profiles.essential.get(code, frozenset()) | profiles.optional.get(code, frozenset())
        )

    pools: dict[str, list[str]] = {}
    people = []
    for person in seekers:
        code = person.occupations[0][0] if person.occupations else None
        pool = pools.setdefault(code, skills_of(code)) if code else []
        listed = (
            tuple(rng.sample(pool, min(len(pool), rng.randint(3, 8))))
            if pool and rng.random() < 0.6
            else ()
        )
        willing = rng.choice([True, False, None])
        people.append(replace(person, skills=listed, willing_to_move=willing))
    jobs = []
    for job in vacancies:
        essential = sorted(profiles.essential.get(job.isco, frozenset()))
        required = (
            tuple(rng.sample(essential, min(len(essential), rng.randint(2, 5))))
            if essential and rng.random() < 0.5
            else ()
        )
        jobs.append(replace(job, skills=required))
    return people, jobs


# Measuring ---------------------------------------------------------------------------------


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """The CPU time (user and system) of this process and of its children that have ended
    (the batch's worker processes), in seconds."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )


def load() -> str:
    """The machine's load averages over 1, 5 and 15 minutes (other work shares the cores)."""
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def rss_mb() -> float:
    """The process's resident memory now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def nbytes(value: Any, seen: set[int] | None = None) -> int:
    """The bytes of the numpy arrays and sparse matrices held by ``value`` (a segment, and
    what it holds)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if sp.issparse(value):
        return int(value.data.nbytes + value.indices.nbytes + value.indptr.nbytes)
    if isinstance(value, dict):
        return sum(nbytes(v, seen) for v in value.values())
    if isinstance(value, list | tuple):
        return sum(nbytes(v, seen) for v in value)
    if hasattr(value, "__dict__"):
        return sum(nbytes(v, seen) for v in vars(value).values())
    return 0


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    """The wall time ``action`` takes, and what it gives."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def cpu_timed(action: Callable[[], Any]) -> tuple[float, float, Any]:
    """The wall time and the CPU time (:func:`cpu_seconds`) ``action`` takes, and what it
    gives."""
    start = cpu_seconds()
    seconds, result = timed(action)
    return seconds, cpu_seconds() - start, result


# The plain approach: a pandas frame scored row by row -----------------------------------------


def _columns(prefix: str, matrix: np.ndarray) -> dict[str, np.ndarray]:
    return {f"{prefix}{i}": matrix[:, i] for i in range(matrix.shape[1])}


def _frame(segment: SeekerSegment | VacancySegment) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per record with its columns, and the skills as a long frame (row, skill)."""
    skills = segment.skills if isinstance(segment, SeekerSegment) else segment.required
    coo = skills.matrix.tocoo()
    names = np.array(list(skills.vocabulary), dtype=object)
    long = pd.DataFrame({"row": coo.row, "skill": names[coo.col] if len(names) else []})
    if isinstance(segment, SeekerSegment):
        frame = pd.DataFrame(
            {
                "id": segment.ids,
                **_columns("desired", segment.desired),
                **_columns("text", segment.texts),
                **_columns("past", segment.past),
                **_columns("years", segment.years),
                "area": segment.area,
                "province": segment.province,
                "willing": segment.willing,
                "education": segment.education,
                "available": segment.available,
                "wage": segment.wage,
                "currency": segment.currency,
                "period": segment.period,
                "skills": skills.sizes,
            }
        )
    else:
        frame = pd.DataFrame(
            {
                "id": segment.ids,
                "isco": segment.isco,
                "title": segment.title,
                "area": segment.area,
                "province": segment.province,
                "education": segment.education,
                "experience": segment.experience,
                "offer": segment.offer,
                "currency": segment.currency,
                "period": segment.period,
                "start": segment.start,
                "required": skills.sizes,
            }
        )
    return frame, long


def _matrix(frame: pd.DataFrame, prefix: str) -> np.ndarray:
    return frame[[c for c in frame.columns if c.startswith(prefix)]].to_numpy()


def _hits(frame: pd.DataFrame, long: pd.DataFrame, skills: Sequence[str]) -> np.ndarray:
    counted = long[long["skill"].isin(list(skills))].groupby("row").size()
    return counted.reindex(range(len(frame)), fill_value=0).to_numpy(dtype=float)


def _top(frame: pd.DataFrame, pairs: Pairs, weights: Weights) -> list[int]:
    found = evaluate(pairs, weights)
    scored = frame[["id"]].assign(score=found.score, confidence=found.confidence)
    return (
        scored.sort_values(["score", "confidence", "id"], ascending=[False, False, True])
        .head(K)["id"]
        .tolist()
    )


def pandas_best_seekers(
    frame: pd.DataFrame,
    long: pd.DataFrame,
    seekers: SeekerSegment,
    query: VacancyQuery,
    weights: Weights,
) -> list[int]:
    """The top 20 seekers for the query's vacancy, scoring every row of the frame."""
    v, r = query.segment, query.row
    similarity = seekers.titles.similarity(v.titles, [v.title[r]])[:, 0]
    texts = _matrix(frame, "text")
    best = np.where(texts >= 0, similarity[np.maximum(texts, 0)], -1.0).max(axis=1)
    one = np.ones(1)
    desired, past, years = (
        _matrix(frame, "desired"),
        _matrix(frame, "past"),
        _matrix(frame, "years"),
    )
    isco = np.array([[int(v.isco[r])]])
    pairs = Pairs(
        count=len(frame),
        fit=fit(desired, past, years, isco, weights.occupation),
        occupied=(desired >= 0).any(axis=1) | (past >= 0).any(axis=1),
        years_in=years_in(past, years, isco, weights.experience),
        title_similarity=np.where(best >= 0, best, np.nan),
        required=one * len(query.required),
        required_hits=_hits(frame, long, query.required),
        essential=one * len(query.essential),
        essential_hits=_hits(frame, long, query.essential),
        optional=one * len(query.optional),
        optional_hits=_hits(frame, long, query.optional),
        seeker_skills=frame["skills"].to_numpy(),
        seeker_area=frame["area"].to_numpy(),
        seeker_province=frame["province"].to_numpy(),
        willing=frame["willing"].to_numpy(),
        vacancy_area=v.area[r : r + 1],
        vacancy_province=v.province[r : r + 1],
        level=frame["education"].to_numpy(),
        required_level=v.education[r : r + 1],
        required_years=v.experience[r : r + 1],
        wage=frame["wage"].to_numpy(),
        seeker_currency=frame["currency"].to_numpy(),
        seeker_period=frame["period"].to_numpy(),
        offer=v.offer[r : r + 1],
        vacancy_currency=v.currency[r : r + 1],
        vacancy_period=v.period[r : r + 1],
        available=frame["available"].to_numpy(),
        start=v.start[r : r + 1],
    )
    return _top(frame, pairs, weights)


def pandas_best_vacancies(
    frame: pd.DataFrame,
    long: pd.DataFrame,
    vacancies: VacancySegment,
    query: SeekerQuery,
    profiles: SkillProfiles,
    weights: Weights,
) -> list[int]:
    """The top 20 vacancies for the query's seeker, scoring every row of the frame."""
    s, r = query.segment, query.row
    texts = s.texts[r][s.texts[r] >= 0]
    similarity = (
        vacancies.titles.similarity(s.titles, texts).max(axis=1)
        if texts.size
        else np.full(vacancies.titles.matrix.shape[0], np.nan)
    )
    group = pd.Series(profiles.rows)[frame["isco"].to_numpy()].to_numpy()
    essential_hits, optional_hits = profiles.counts(query.skills)
    essential, optional = profiles.essential_sizes, profiles.optional_sizes

    def by_group(values: np.ndarray) -> np.ndarray:
        return np.where(group >= 0, values[np.maximum(group, 0)], 0.0)

    isco = frame["isco"].to_numpy(dtype=np.int64)[:, None]
    pairs = Pairs(
        count=len(frame),
        fit=fit(
            s.desired[r : r + 1], s.past[r : r + 1], s.years[r : r + 1], isco, weights.occupation
        ),
        occupied=s.occupied[r : r + 1],
        years_in=years_in(s.past[r : r + 1], s.years[r : r + 1], isco, weights.experience),
        title_similarity=similarity[frame["title"].to_numpy()],
        required=frame["required"].to_numpy(),
        required_hits=_hits(frame, long, query.skills),
        essential=by_group(essential),
        essential_hits=by_group(essential_hits),
        optional=by_group(optional),
        optional_hits=by_group(optional_hits),
        seeker_skills=s.skills.sizes[r : r + 1],
        seeker_area=s.area[r : r + 1],
        seeker_province=s.province[r : r + 1],
        willing=s.willing[r : r + 1],
        vacancy_area=frame["area"].to_numpy(),
        vacancy_province=frame["province"].to_numpy(),
        level=s.education[r : r + 1],
        required_level=frame["education"].to_numpy(),
        required_years=frame["experience"].to_numpy(),
        wage=s.wage[r : r + 1],
        seeker_currency=s.currency[r : r + 1],
        seeker_period=s.period[r : r + 1],
        offer=frame["offer"].to_numpy(),
        vacancy_currency=frame["currency"].to_numpy(),
        vacancy_period=frame["period"].to_numpy(),
        available=s.available[r : r + 1],
        start=frame["start"].to_numpy(),
    )
    return _top(frame, pairs, weights)


# The cases ------------------------------------------------------------------------------------


def case_single(
    seekers: list[SeekerFacts],
    vacancies: list[VacancyFacts],
    profiles: SkillProfiles,
    queries: int,
    baseline: int,
    seed: int,
) -> None:
    weights, scope = bundled_weights(), Scope(UNTIL.toordinal())
    print(f"single: load average {load()} (1/5/15 min) at the start", flush=True)
    before = rss_mb()
    build, build_cpu, index = cpu_timed(
        lambda: MatchIndex(seekers, vacancies, {}, datetime.now(UTC))
    )
    large = index.seekers.large
    print(
        f"index of {len(large):,} seekers and {len(index.vacancies.large):,} vacancies: "
        f"built in {build:.1f} s (CPU {build_cpu:.1f} s); arrays "
        f"{nbytes(large) / 2**20:,.0f} MB (seekers) + "
        f"{nbytes(index.vacancies.large) / 2**20:,.1f} MB (vacancies); resident memory "
        f"+{rss_mb() - before:,.0f} MB, peak {peak_mb():,.0f} MB"
    )
    chosen = random.Random(seed).sample([int(i) for i in index.vacancies.large.ids], queries)
    times, cpu_times, answers = [], [], {}
    for vacancy in chosen:
        seconds, cpu, (_, hits) = cpu_timed(
            lambda v=vacancy: index.best_seekers(  # type: ignore[misc]
                v, K, weights, profiles, scope
            )
        )
        times.append(seconds)
        cpu_times.append(cpu)
        answers[vacancy] = [h.id for h in hits]
    times_ms = sorted(t * 1000 for t in times)
    p90 = times_ms[int(0.9 * (len(times_ms) - 1))]
    print(
        f"top {K} seekers of {queries} vacancies (index): median "
        f"{statistics.median(times_ms):.1f} ms (CPU {statistics.median(cpu_times) * 1000:.1f}"
        f" ms), p90 {p90:.1f} ms, worst {times_ms[-1]:.1f} ms; load average {load()}"
    )
    frame_time, (frame, long) = timed(lambda: _frame(large))
    plain = []
    for vacancy in chosen[:baseline]:
        query = VacancyQuery(*index.vacancy(vacancy), profiles, weights)  # type: ignore[misc]
        seconds, top = timed(
            lambda q=query: pandas_best_seekers(  # type: ignore[misc]
                frame, long, large, q, weights
            )
        )
        plain.append(seconds)
        assert top == answers[vacancy], f"vacancy {vacancy}: {top} != {answers[vacancy]}"
    index_median = statistics.median(times[:baseline])
    print(
        f"pandas, every row scored ({frame_time:.1f} s to build the frame): median "
        f"{statistics.median(plain) * 1000:,.0f} ms over {baseline} of the same vacancies; "
        f"same top {K}; {statistics.median(plain) / index_median:,.0f} times the index's "
        f"{index_median * 1000:.1f} ms on those; load average {load()}"
    )


def case_batch(
    seekers: list[SeekerFacts],
    vacancies: list[VacancyFacts],
    profiles: SkillProfiles,
    baseline: int,
    processes: int,
) -> None:
    weights, scope = bundled_weights(), Scope(UNTIL.toordinal())
    print(f"batch: load average {load()} (1/5/15 min) at the start", flush=True)
    build, index = timed(lambda: MatchIndex(seekers, vacancies, {}, datetime.now(UTC)))
    total = len(index.seekers.large)
    print(
        f"index of {total:,} seekers and {len(index.vacancies.large):,} vacancies built in "
        f"{build:.1f} s"
    )
    answers: dict[int, list[int]] = {}

    def run() -> None:
        for done, (seeker, hits) in enumerate(
            every_seeker(index, K, weights, profiles, scope, processes), start=1
        ):
            if done <= baseline:
                answers[seeker] = [h.id for h in hits]
            if done % 20_000 == 0:
                print(f"  {done:,} seekers ranked", flush=True)

    seconds, cpu, _ = cpu_timed(run)
    print(
        f"batch (index, {processes} process(es)): top {K} vacancies of each of {total:,} "
        f"seekers among {len(index.vacancies.large):,} in {seconds:.1f} s "
        f"({seconds / total * 1000:.2f} ms a seeker); CPU {cpu:.1f} s in all "
        f"({cpu / processes:.1f} s a process); load average {load()}"
    )
    frame, long = _frame(index.vacancies.large)
    plain, plain_cpu, _ = cpu_timed(
        lambda: _plain_batch(index, frame, long, answers, profiles, weights)
    )
    estimate = plain / baseline * total
    print(
        f"pandas, every vacancy scored for {baseline:,} seekers: {plain:.1f} s (CPU "
        f"{plain_cpu:.1f} s), same top {K}; for {total:,} seekers about {estimate:,.0f} s "
        f"(CPU {plain_cpu / baseline * total:,.0f} s), {estimate / seconds:,.0f} times the "
        f"index's; load average {load()}"
    )


def _plain_batch(
    index: MatchIndex,
    frame: pd.DataFrame,
    long: pd.DataFrame,
    answers: dict[int, list[int]],
    profiles: SkillProfiles,
    weights: Weights,
) -> None:
    for seeker, expected in answers.items():
        query = SeekerQuery(*index.seeker(seeker), profiles, weights)  # type: ignore[misc]
        top = pandas_best_vacancies(frame, long, index.vacancies.large, query, profiles, weights)
        assert top == expected, f"seeker {seeker}: {top} != {expected}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seekers", type=int, default=1_000_000)
    parser.add_argument("--vacancies", type=int, default=20_000)
    parser.add_argument("--batch-seekers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--baseline-queries", type=int, default=5)
    parser.add_argument("--baseline-seekers", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--from",
        dest="folder",
        type=Path,
        default=SHARED,
        help="The classification files (laid out like the shared data).",
    )
    parser.add_argument("--quick", action="store_true", help="Sizes divided by 20.")
    parser.add_argument("--case", choices=["single", "batch", "both"], default="both")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="Processes of the batch (default: the machine's cores).",
    )
    args = parser.parse_args()
    if args.quick:
        args.seekers //= 20
        args.vacancies //= 20
        args.batch_seekers //= 20
    profiles = skill_profiles(args.folder, bundled_weights().skills.essential_share)
    with tempfile.TemporaryDirectory() as folder:
        draw, (seekers, vacancies) = timed(
            lambda: synthetic(args.seekers, args.vacancies, args.seed, Path(folder), args.folder)
        )
    seekers, vacancies = with_skills(seekers, vacancies, profiles, args.seed)
    print(
        f"drew {len(seekers):,} seekers and {len(vacancies):,} vacancies in {draw:.0f} s "
        f"(pes.synthetic, {CHUNK:,} a chunk; skills added)"
    )
    if args.case in ("single", "both"):
        case_single(seekers, vacancies, profiles, args.queries, args.baseline_queries, args.seed)
    if args.case in ("batch", "both"):
        case_batch(
            seekers[: args.batch_seekers],
            vacancies,
            profiles,
            args.baseline_seekers,
            args.processes,
        )


if __name__ == "__main__":
    main()
