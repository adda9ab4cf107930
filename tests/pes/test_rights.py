"""A person's rights: everything held about a seeker as JSON, and erasure that leaves no
personal value anywhere in the PES database while the statistics fields stay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from decentwork.errors import Conflict, NotFound, Refused
from decentwork.pes import aggregates, audit, rights, seekers
from decentwork.pes.tables import metadata
from tests.pes.conftest import SKILL, World, is_sqlite, seeker_data

PERSONAL = {
    "family_name": "ប៊ុនធឿន",
    "given_names": "ស្រីល័ក្ខ",
    "national_id": "KH987654321",
    "phone": "+855 17 777 888",
    "email": "sreyleak.bunthoeun@example.org",
    "address": "House 12, Street 598, Boeng Kak",
}
"""A seeker's personal values that must be gone after erasure (as stored)."""
FREE_TEXT = "ជាងដេរ សម្លៀកបំពាក់ នៅ រោងចក្រ Mekong"


def register(world: World) -> int:
    return seekers.register(
        world.registry,
        world.officer_a,
        seeker_data(
            centre=world.centre_a,
            **PERSONAL,
            birth_date="1979-06-30",
            occupations=[{"isco": "7533", "text": FREE_TEXT}],
        ),
    ).id


def test_export_gives_everything_held_with_who_saw_it(world: World) -> None:
    seeker_id = register(world)
    seekers.read(world.registry, world.officer_a, seeker_id)
    exported = rights.person_export(world.registry, world.officer_a, seeker_id)
    text = json.dumps(exported, ensure_ascii=False)
    for value in PERSONAL.values():
        assert value in text
    assert exported["seeker"]["birth_date"] == "1979-06-30"
    assert exported["seeker"]["occupations"][0]["text"] == FREE_TEXT
    assert exported["labels"]["area"] == "Phnom Penh"
    assert exported["labels"]["occupations"]["7533"].startswith("Sewing")
    assert exported["labels"]["skills"] == {SKILL: "manage musical staff"}
    assert exported["job_centre"]["code"] == "PNH"
    assert [e["action"] for e in exported["audit_log"]] == ["seeker.create", "seeker.read"]
    assert (
        audit.entries(world.registry, world.admin, action="seeker.export")[-1].record_id
        == seeker_id
    )


def test_only_administrators_erase(world: World) -> None:
    seeker_id = register(world)
    for actor in (world.officer_a, world.analyst, world.employer_1):
        with pytest.raises(Refused):
            rights.person_erase(world.registry, actor, seeker_id)
    with pytest.raises(NotFound):
        rights.person_erase(world.registry, world.admin, seeker_id + 100)


def database_text(world: World) -> str:
    """Every value of every column of every table of the PES database, as text."""
    found = []
    with world.registry.engine.connect() as connection:
        for table in [
            *metadata.sorted_tables,
            sa.table("pes_alembic_version", sa.column("version_num")),
        ]:
            for row in connection.execute(sa.select(table)):
                found += [str(value) for value in row]
    return "\n".join(found)


def test_erasure_leaves_no_personal_value_anywhere_and_keeps_the_statistics(
    world: World, tmp_path: Path
) -> None:
    registry = world.registry
    seeker_id = register(world)
    keep = seekers.register(registry, world.officer_a, seeker_data(centre=world.centre_a))
    seekers.update(registry, world.officer_a, seeker_id, 1, {"status": "placed"})
    before = aggregates.seeker_counts(registry, world.admin, by=["sex", "age_band", "area"])
    erased = rights.person_erase(registry, world.admin, seeker_id)

    assert (erased.status, erased.status_at_erasure) == ("erased", "placed")
    assert (erased.sex, erased.age_band, erased.area, erased.centre) == (
        "F",
        "45-54",
        "KH-12",
        world.centre_a,
    )
    assert [o.isco for o in erased.occupations] == ["7533"]
    assert [j.isco for j in erased.work_history] == ["8153"]
    assert erased.registered_on is not None and erased.erased_at == world.clock.now
    assert (
        erased.birth_date,
        erased.national_id,
        erased.skills,
        erased.languages,
        erased.education,
        erased.consent_purpose,
    ) == (None, None, [], [], None, None)
    assert aggregates.seeker_counts(registry, world.admin, by=["sex", "age_band", "area"]) == before

    text = database_text(world)
    for value in [*PERSONAL.values(), FREE_TEXT, "1979-06-30", "sreyleak", "ស្រីល័ក្ខ"]:
        assert value not in text, value
    assert "7533" in text and "placed" in text and "45-54" in text
    assert seeker_data()["given_names"] in text  # the other seeker is untouched
    assert seekers.read(registry, world.admin, keep.id).given_names == "សុភា"
    if is_sqlite(registry):  # nor in the file's bytes (secure_delete, emptied log)
        registry.close()
        path = Path(registry.engine.url.database or "")
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        for value in [*PERSONAL.values(), FREE_TEXT]:
            assert value.encode() not in raw, value

    history = audit.entries(registry, world.admin, kind="seeker", record=seeker_id)
    assert [e.action for e in history] == ["seeker.create", "seeker.update", "seeker.erase"]


def test_an_erased_record_no_longer_changes(world: World) -> None:
    registry = world.registry
    seeker_id = register(world)
    rights.person_erase(registry, world.admin, seeker_id)
    with pytest.raises(Conflict, match="erased already"):
        rights.person_erase(registry, world.admin, seeker_id)
    with pytest.raises(Conflict, match="erased"):
        seekers.update(registry, world.admin, seeker_id, 2, {"given_names": "New"})
    # the national ID is free again: the same person can register afresh
    again = seekers.register(
        registry,
        world.officer_a,
        seeker_data(centre=world.centre_a, **PERSONAL, birth_date="1979-06-30"),
    )
    assert again.id != seeker_id
    exported = rights.person_export(registry, world.admin, seeker_id)
    assert exported["seeker"]["given_names"] == "" and exported["seeker"]["status"] == "erased"
