"""The PES commands, wired as the lead wires them under ``decentwork pes`` (and ``decentwork
synth pes``), on SQLite and PostgreSQL: init with a hidden prompt or a password file, users,
centres, imports with bad rows, a person's export and erasure, the audit log; errors are the
family's (exit 2, the option named, no traceback)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from decentwork.cli import Program
from decentwork.commands import pes
from tests.pes.conftest import PASSWORD, SHARED
from tests.pes.test_imports import GOOD, write

runner = CliRunner()


def _group(**commands: object) -> typer.Typer:
    group = typer.Typer(cls=Program, no_args_is_help=True)
    for name, function in commands.items():
        group.command(name.replace("_", "-"))(function)  # type: ignore[arg-type]
    return group


app = _group(init=pes.init, audit=pes.audit)
app.add_typer(
    _group(add=pes.users_add, list=pes.users_list, disable=pes.users_disable), name="users"
)
app.add_typer(_group(add=pes.centres_add, list=pes.centres_list), name="centres")
app.add_typer(
    _group(
        seekers=pes.import_seekers,
        vacancies=pes.import_vacancies,
        centres=pes.import_centres,
        districts=pes.import_districts,
    ),
    name="import",
)
app.add_typer(_group(export=pes.person_export, erase=pes.person_erase), name="person")
synth = _group(pes=pes.synth_pes, other=lambda: None)


@pytest.fixture(autouse=True)
def data_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user data directory whose classification files are the shared data folder's."""
    home = tmp_path / "data-home"
    (home / "decentwork").mkdir(parents=True)
    (home / "decentwork" / "classifications").symlink_to(SHARED.resolve())
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.delenv("DECENTWORK_PES_DB", raising=False)


def invoke(*args: str | Path, url: str | None = None, input: str | None = None) -> Result:
    extra = ["--pes-db", url] if url else []
    return runner.invoke(app, [str(a) for a in args] + extra, input=input)


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def refused(result: Result, *culprits: str) -> str:
    assert result.exit_code == 2, (result.output, result.exception)
    assert "Traceback" not in result.output
    message = " ".join(result.stderr.split())
    assert message.startswith("Error:"), result.stderr
    for culprit in culprits:
        assert culprit in message, (culprit, message)
    return message


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password.txt"
    path.write_text(PASSWORD + "\n")
    return path


@pytest.fixture
def initialised(url: str, password_file: Path) -> str:
    """A PES database with its first administrator and two job centres."""
    ok(invoke("init", "--password-file", password_file, url=url))
    ok(invoke("centres", "add", "PNH", "Phnom Penh job centre", "--area", "KH-12", url=url))
    ok(invoke("centres", "add", "REP", "Siem Reap job centre", "--area", "KH-17", url=url))
    return url


def test_init_asks_for_the_password_twice_and_refuses_a_second_time(
    url: str, tmp_path: Path
) -> None:
    result = invoke(
        "init", "--admin", "root", url=url, input="short\nshort\n" + f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert "administrator 'root' created" in ok(result)
    assert "a password needs 10 to 1000 characters" in result.stderr
    assert PASSWORD not in result.output
    refused(invoke("init", url=url, input=f"{PASSWORD}\n{PASSWORD}\n"), "has users already")


def test_init_reads_a_password_file_and_refuses_a_bad_one(url: str, tmp_path: Path) -> None:
    short = tmp_path / "short.txt"
    short.write_text("secret\n")
    refused(
        invoke("init", "--password-file", short, url=url),
        f"--password-file: {short}: a password needs 10 to 1000 characters",
    )
    refused(invoke("init", "--password-file", tmp_path / "none.txt", url=url), "no such file")


def test_the_default_database_is_the_user_data_directory_s(
    tmp_path: Path, password_file: Path
) -> None:
    result = invoke("init", "--password-file", password_file)
    assert "pes.sqlite" in ok(result)
    assert (tmp_path / "data-home" / "decentwork" / "pes.sqlite").is_file()


def test_commands_need_an_initialised_registry(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path}/none.sqlite"
    refused(invoke("users", "list", url=missing), "no PES database at", "pes init")
    assert not (tmp_path / "none.sqlite").exists()


def test_users_are_added_listed_disabled_and_the_cli_acts_as_an_administrator(
    initialised: str, password_file: Path
) -> None:
    url = initialised
    ok(
        invoke(
            "users",
            "add",
            "officer.a",
            "--role",
            "officer",
            "--centre",
            "PNH",
            "--centre",
            "REP",
            "--password-file",
            password_file,
            url=url,
        )
    )
    ok(
        invoke(
            "users", "add", "ana", "--role", "analyst", "--password-file", password_file, url=url
        )
    )
    listed = ok(invoke("users", "list", url=url))
    assert "officer.a" in listed and "PNH, REP" in listed
    refused(
        invoke(
            "users",
            "add",
            "o2",
            "--role",
            "officer",
            "--centre",
            "XXX",
            "--password-file",
            password_file,
            url=url,
        ),
        "--centre: no job centre XXX",
    )
    refused(
        invoke("users", "add", "o3", "--role", "boss", "--password-file", password_file, url=url),
        "--role: Input should be",
        "(the user was not written)",
    )
    refused(
        invoke("users", "list", "--as", "ana", url=url), "--as: user 'ana' is not an administrator"
    )
    refused(invoke("users", "list", "--as", "nobody", url=url), "no user 'nobody'")
    assert "disabled" in ok(invoke("users", "disable", "ana", url=url))
    assert "enabled" in ok(invoke("users", "disable", "ana", "--enable", url=url))
    assert "PNH" in ok(invoke("centres", "list", url=url))
    refused(
        invoke("centres", "add", "PNH", "Again", "--area", "KH-12", url=url),
        "job centre code(s) PNH taken already",
    )
    refused(
        invoke("centres", "add", "KPT", "Kampot", "--area", "KH-77", url=url),
        "--area: 'KH-77' is neither",
    )


def test_import_lists_bad_rows_and_imports_nothing_without_skip_bad(
    initialised: str, tmp_path: Path
) -> None:
    url = initialised
    bad = [GOOD[0], ["XXX", *GOOD[1][1:]], GOOD[2]]
    path = write(tmp_path / "seekers.csv", bad)
    message = refused(
        invoke("import", "seekers", path, url=url),
        "seekers.csv: 1 bad row(s), nothing was imported",
        "seekers.csv:3: centre: no job centre 'XXX'",
    )
    assert "skip_bad=True" in message
    assert "bad input" in ok(invoke("audit", "--action", "seeker.import", url=url))
    result = invoke("import", "seekers", path, "--skip-bad", url=url)
    assert "2 seeker record(s) imported, 1 bad row(s) left out" in ok(result)
    assert "seekers.csv:3: centre: no job centre 'XXX'" in result.stderr


def test_a_person_is_exported_and_erased_and_both_are_audited(
    initialised: str, tmp_path: Path
) -> None:
    url = initialised
    ok(invoke("import", "seekers", write(tmp_path / "s.csv", GOOD), url=url))
    exported = json.loads(ok(invoke("person", "export", "1", url=url)))
    assert exported["seeker"]["given_names"] == "សុភា"
    ok(invoke("person", "export", "1", "--out", tmp_path / "one.json", url=url))
    assert json.loads((tmp_path / "one.json").read_text())["seeker"]["id"] == 1
    refused(invoke("person", "export", "99", url=url), "no seeker 99")
    refused(
        invoke("person", "export", "1", "--out", tmp_path / "no" / "x.json", url=url),
        "--out:",
        "cannot be written",
    )
    result = invoke("person", "erase", "1", url=url, input="n\n")
    assert result.exit_code == 1
    assert "erased" in ok(invoke("person", "erase", "1", url=url, input="y\n"))
    refused(invoke("person", "erase", "1", "--yes", url=url), "erased already")
    assert json.loads(ok(invoke("person", "export", "1", url=url)))["seeker"]["given_names"] == ""
    table = ok(invoke("audit", "--kind", "seeker", "--record", "1", url=url))
    for action in ("seeker.create", "seeker.export", "seeker.erase"):
        assert action in table
    ok(
        invoke(
            "audit",
            "--user",
            "admin",
            "--since",
            "2000-01-01",
            "--out",
            tmp_path / "audit.csv",
            url=url,
        )
    )
    with (tmp_path / "audit.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {"seeker.erase", "seeker.export", "centre.create"} <= {r["action"] for r in rows}
    assert all(r["interface"] == "cli" for r in rows)
    refused(invoke("audit", "--since", "yesterday", url=url), "--since: 'yesterday' is not a day")


def test_synth_pes_writes_import_files_that_import(initialised: str, tmp_path: Path) -> None:
    result = runner.invoke(
        synth,
        [
            "pes",
            "--country",
            "LAO",
            "--seekers",
            "300",
            "--vacancies",
            "40",
            "--seed",
            "3",
            "--out",
            str(tmp_path / "lao"),
        ],
    )
    assert "LAO: 18 job centres, 10 employers, 300 seekers and 40 vacancies" in ok(result)
    url = initialised
    ok(invoke("import", "centres", tmp_path / "lao" / "centres.csv", url=url))
    assert "300 seeker record(s) imported" in ok(
        invoke("import", "seekers", tmp_path / "lao" / "seekers.csv", url=url)
    )
    assert "40 vacancy record(s) imported" in ok(
        invoke("import", "vacancies", tmp_path / "lao" / "vacancies.csv", url=url)
    )
    refused(
        runner.invoke(synth, ["pes", "--country", "THA", "--out", str(tmp_path)]),
        "--country: no synthetic PES for 'THA'",
    )
