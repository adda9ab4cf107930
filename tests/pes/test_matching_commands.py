"""The matching and referral commands, wired as the lead wires them ('decentwork pes match
vacancy|seeker|all', 'decentwork pes referrals add|outcome|list'), on SQLite and PostgreSQL:
the ranked lists, the batch's CSV, a referral and its hire; errors name the option."""

from __future__ import annotations

import csv
from pathlib import Path

import typer
from typer.testing import CliRunner, Result

from decentwork.commands import pes
from decentwork.pes import seekers, vacancies
from decentwork.pes.records import SeekerRecord, VacancyRecord
from tests.pes.conftest import OTHER_SKILL, SKILL, World, seeker_data, vacancy_data
from tests.pes.test_commands import _group, data_directory, ok, refused

__all__ = ["data_directory"]  # the shared data folder as the data directory, for every test

runner = CliRunner()
app = typer.Typer()
app.add_typer(
    _group(vacancy=pes.match_vacancy, seeker=pes.match_seeker, all=pes.match_all),
    name="match",
)
app.add_typer(
    _group(add=pes.referrals_add, outcome=pes.referrals_outcome, list=pes.referrals_list),
    name="referrals",
)


def invoke(world: World, *args: str | Path) -> Result:
    url = world.registry.engine.url.render_as_string(hide_password=False)
    return runner.invoke(app, [str(a) for a in args] + ["--pes-db", url])


def records(world: World) -> tuple[VacancyRecord, SeekerRecord, SeekerRecord]:
    """A sewing vacancy at centre A, a sewing machinist and a software developer there."""
    job = vacancies.post(
        world.registry, world.admin, vacancy_data(world.employer_1_id, world.centre_a)
    )
    sewing, developer = (
        seekers.register(
            world.registry,
            world.admin,
            seeker_data(
                centre=world.centre_a,
                national_id=f"KH{number:07d}",
                given_names=name,
                birth_date=f"{1980 + number}-01-01",
                skills=skills,
                occupations=[{"isco": isco, "text": text}],
            ),
        )
        for number, name, isco, text, skills in (
            (1, "Sophea", "8153", "sewing machinist", [SKILL]),
            (2, "Dara", "2512", "software developer", [OTHER_SKILL]),
        )
    )
    return job, sewing, developer


def test_match_lists_the_best_seekers_and_vacancies(world: World, tmp_path: Path) -> None:
    job, sewing, developer = records(world)
    listed = ok(invoke(world, "match", "vacancy", str(job.id)))
    assert listed.index("Sophea") < listed.index("Dara")
    assert f"Job seekers for vacancy {job.id}" in listed and "100%" in listed
    only_b = ok(invoke(world, "match", "vacancy", str(job.id), "--centre", "REP"))
    assert "Sophea" not in only_b and "Dara" not in only_b
    assert job.title in ok(invoke(world, "match", "seeker", str(sewing.id)))
    out = tmp_path / "best.csv"
    result = invoke(world, "match", "all", "--out", out, "--k", "1", "--processes", "1")
    assert "Wrote the best 1 vacancies of 2 seekers" in ok(result) + result.stderr
    with out.open(encoding="utf-8") as handle:
        assert {row["seeker"] for row in csv.DictReader(handle)} == {
            str(sewing.id),
            str(developer.id),
        }
    refused(invoke(world, "match", "vacancy", str(job.id), "--k", "0"), "--k", "k 0")
    refused(invoke(world, "match", "vacancy", str(job.id), "--centre", "XXX"), "no job centre XXX")
    refused(invoke(world, "match", "seeker", "999"), "no seeker 999")


def test_a_referral_is_made_and_its_hire_recorded(world: World) -> None:
    job, sewing, _ = records(world)
    made = ok(invoke(world, "referrals", "add", str(sewing.id), str(job.id), "--score", "0.9"))
    assert f"Referral 1: seeker {sewing.id} to vacancy {job.id}" in made
    refused(
        invoke(world, "referrals", "outcome", "1", "married"),
        "OUTCOME 'married' is not a referral's outcome",
    )
    refused(invoke(world, "referrals", "outcome", "1", "hired", "--on", "yesterday"), "--on")
    hired = ok(invoke(world, "referrals", "outcome", "1", "hired"))
    assert "Referral 1: hired on" in hired
    assert vacancies.read(world.registry, world.admin, job.id).filled == 1
    listed = ok(invoke(world, "referrals", "list", "--status", "hired", "--centre", "PNH"))
    assert "Sophea" in listed and "hired" in listed
    refused(invoke(world, "referrals", "list", "--status", "lost"), "--status", "'lost'")
    refused(
        invoke(world, "referrals", "add", str(sewing.id), str(job.id)),
        f"SEEKER {sewing.id} is placed",
    )
