"""The seeded synthetic PES: plausible seekers and vacancies of Cambodia and Lao PDR, names in
the country's script, the same records for the same seed, into a registry or as files."""

from __future__ import annotations

import csv
import filecmp
from pathlib import Path

import pytest

from decentwork.errors import BadInput, Conflict
from decentwork.pes import aggregates, audit, seekers, vacancies
from decentwork.pes.registry import Registry
from decentwork.pes.synthetic import UNTIL, generate
from tests.pes.conftest import SHARED, World


def script_of(text: str) -> set[str]:
    return {
        "khmer" if "\u1780" <= c <= "\u17ff" else "lao" if "\u0e80" <= c <= "\u0eff" else "other"
        for c in text
        if c.isalpha()
    }


def test_a_synthetic_cambodian_registry_is_plausible(world: World) -> None:
    registry, admin = world.registry, world.admin
    made = generate("KHM", 600, 80, 7, registry=registry)
    assert (made.centres, made.employers, made.seekers, made.vacancies) == (25, 20, 600, 80)
    found = seekers.search(registry, admin, limit=500) + seekers.search(
        registry, admin, limit=500, offset=500
    )
    generated = [s for s in found if s.centre not in (world.centre_a, world.centre_b)]
    assert len(generated) == 600
    assert all(script_of(s.family_name + s.given_names) == {"khmer"} for s in generated)
    assert all(s.area.startswith("KH-") and s.registered_on <= UNTIL for s in generated)
    counts = {
        row["age_band"]: row["seekers"]
        for row in aggregates.seeker_counts(registry, admin, by=["age_band"])
    }
    assert set(counts) <= {"15-24", "25-34", "35-44", "45-54", "55-64"}
    assert counts["15-24"] + counts["25-34"] > 0.5 * 600  # job seekers are mostly young
    by_area = {
        row["area"]: row["seekers"]
        for row in aggregates.seeker_counts(registry, admin, by=["area"])
    }
    assert max(by_area, key=by_area.__getitem__) == "KH-12"  # Phnom Penh registers most
    status = {
        row["status"]: row["seekers"]
        for row in aggregates.seeker_counts(registry, admin, by=["status"])
    }
    assert 0.1 < status["placed"] / 600 < 0.3
    sexes = {
        row["sex"]: row["seekers"] for row in aggregates.seeker_counts(registry, admin, by=["sex"])
    }
    assert 0.35 < sexes["F"] / 600 < 0.65
    record = seekers.read(registry, admin, generated[0].id)
    assert record.occupations and record.occupations[0].text
    assert record.consent_purpose and record.created_by is None
    posted = vacancies.search(registry, admin, limit=100)
    assert len(posted) == 80 and all(v.title and v.isco.isdigit() for v in posted)
    assert {e.action for e in audit.entries(registry, admin, action="seeker.generate")} == {
        "seeker.generate"
    }
    with pytest.raises(Conflict, match="taken already"):  # generated once per registry
        generate("KHM", 10, 1, 8, registry=registry)


def test_lao_names_are_in_lao_script(tmp_path: Path) -> None:
    made = generate("LAO", 50, 5, 1, out=tmp_path, classifications=SHARED)
    with (tmp_path / "seekers.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 50 and made.centres == 18
    assert all(script_of(r["family_name"] + r["given_names"]) == {"lao"} for r in rows)
    assert {r["wage_currency"] for r in rows} == {"LAK", ""}
    assert all(r["area"].startswith("LA-") for r in rows)


def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    for folder, seed in (("a", 11), ("b", 11), ("c", 12)):
        generate("KHM", 200, 30, seed, out=tmp_path / folder, classifications=SHARED)
    for name in ("centres.csv", "seekers.csv", "vacancies.csv"):
        assert filecmp.cmp(tmp_path / "a" / name, tmp_path / "b" / name, shallow=False)
    assert not filecmp.cmp(
        tmp_path / "a" / "seekers.csv", tmp_path / "c" / "seekers.csv", shallow=False
    )


def test_bad_arguments_are_refused(registry: Registry, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no synthetic PES for 'FRA'") as caught:
        generate("FRA", out=tmp_path)
    assert caught.value.parameter == "country"
    with pytest.raises(BadInput, match="seekers -1 is negative"):
        generate("KHM", -1, out=tmp_path)
    with pytest.raises(BadInput, match="either a registry or a folder"):
        generate("KHM", 1, 1)
    with pytest.raises(BadInput, match="either a registry or a folder"):
        generate("KHM", 1, 1, registry=registry, out=tmp_path)
    (tmp_path / "file").write_text("")
    with pytest.raises(BadInput, match="cannot be written") as caught:
        generate("KHM", 5, 1, out=tmp_path / "file" / "x", classifications=SHARED)
    assert caught.value.parameter == "out"
