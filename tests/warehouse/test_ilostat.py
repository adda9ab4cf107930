"""``decentwork ilostat pull``: ILOSTAT bulk files from a folder mirror or a URL mirror (a
local HTTP server serving the shared data folder), per-area datasets, the cache, retries and
clear messages when the network or a dataset is missing."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from decentwork import download
from decentwork.errors import BadInput
from decentwork.warehouse import engine, ilostat, view
from decentwork.warehouse.views import Filters
from tests.warehouse.conftest import SHARED, assert_ok, assert_refused, bulk_file, invoke

DATASET = "SDG_0852_SEX_AGE_RT_A"


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has its own cache folder, no mirror from the environment, and short retry
    delays."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(ilostat.MIRROR, raising=False)
    monkeypatch.setattr(download, "RETRY_DELAYS", (0.01, 0.02, 0.04))


@pytest.fixture
def server() -> Iterator[str]:
    """A local HTTP server serving the shared data folder, like a mirror on the web."""
    handler = functools.partial(_Quiet, directory=str(SHARED.resolve()))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_: object) -> None:
        pass


def _rows(url: str, **codes: list[str]) -> pd.DataFrame:
    with engine(url).connect() as connection:
        return view(connection, Filters(codes))


def _expected(area: str | None = None) -> pd.DataFrame:
    frame = pd.read_csv(
        bulk_file(f"{DATASET}.csv"), dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    return frame if area is None else frame[frame["ref_area"] == area]


def test_dataset_ids() -> None:
    assert ilostat.dataset_id("sdg_0852_sex_age_rt") == DATASET
    assert ilostat.dataset_id("UNE_DEAP_SEX_AGE_RT_Q") == "UNE_DEAP_SEX_AGE_RT_Q"
    with pytest.raises(BadInput, match="not an ILOSTAT indicator code"):
        ilostat.dataset_id("rate; drop")


def test_pull_from_a_folder_mirror_loads_the_dataset(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/w.sqlite"
    result = invoke("ilostat", "pull", "SDG_0852_SEX_AGE_RT", "--from", SHARED, "--db", url)
    assert_ok(result)
    rows = _rows(url, indicator=["SDG_0852_SEX_AGE_RT"])
    assert len(rows) == len(_expected())
    khm = rows[
        (rows["ref_area"] == "KHM")
        & (rows["source"] == "BA:1321")
        & (rows["sex"] == "SEX_T")
        & (rows["classif1"] == "AGE_YTHADULT_YGE15")
        & (rows["time"] == "2019")
    ]
    assert khm[["obs_value", "obs_status"]].values.tolist() == [[0.499, "B"]]
    again = invoke("ilostat", "pull", "SDG_0852_SEX_AGE_RT", "--from", SHARED, "--db", url)
    assert_ok(again)
    assert "already loaded" in again.output


def test_pull_over_http_caches_the_download(tmp_path: Path, server: str) -> None:
    url = f"sqlite:///{tmp_path}/w.sqlite"
    assert_ok(invoke("ilostat", "pull", "SDG_0861_SEX_RT", "--from", server, "--db", url))
    cached = ilostat.cache_dir() / "SDG_0861_SEX_RT_A.csv.gz"
    assert cached.is_file()
    assert len(_rows(url, indicator=["SDG_0861_SEX_RT"])) == 6262
    fetched = ilostat.fetch(["SDG_0861_SEX_RT"], mirror="http://127.0.0.1:1")
    assert fetched[0].cached and fetched[0].path == cached  # no network needed


def test_pull_with_areas_makes_one_dataset_per_area(tmp_path: Path, server: str) -> None:
    url = f"sqlite:///{tmp_path}/w.sqlite"
    result = invoke(
        "ilostat",
        "pull",
        "SDG_0852_SEX_AGE_RT",
        "--areas",
        "KHM,LAO,CHN,ZZZ",
        "--from",
        server,
        "--db",
        url,
    )
    assert_ok(result)
    assert "no data for ZZZ" in " ".join(result.stderr.split())
    rows = _rows(url)
    assert sorted(set(rows["ref_area"])) == ["CHN", "KHM", "LAO"]
    for area in ("KHM", "LAO", "CHN"):
        assert (rows["ref_area"] == area).sum() == len(_expected(area))
    with engine(url).connect() as connection:
        datasets = connection.execute(sa.text("SELECT dataset FROM releases ORDER BY id"))
        assert [d for (d,) in datasets] == [f"{DATASET}@CHN", f"{DATASET}@KHM", f"{DATASET}@LAO"]


def test_offline_gives_a_clear_message(tmp_path: Path) -> None:
    result = invoke(
        "ilostat",
        "pull",
        "SDG_0861_SEX_RT",
        "--from",
        "http://127.0.0.1:1",
        "--db",
        f"sqlite:///{tmp_path}/w.sqlite",
    )
    assert_refused(result, "cannot reach 127.0.0.1:1", "after 4 attempts", "are you offline?")
    assert not (ilostat.cache_dir() / "SDG_0861_SEX_RT_A.csv.gz").exists()


def test_a_dataset_missing_from_the_mirror_is_named(tmp_path: Path, server: str) -> None:
    url = f"sqlite:///{tmp_path}/w.sqlite"
    result = invoke("ilostat", "pull", "UNE_DEAP_SEX_AGE_RT", "--from", server, "--db", url)
    assert_refused(result, "UNE_DEAP_SEX_AGE_RT_A: not found (404)")
    folder = invoke("ilostat", "pull", "UNE_DEAP_SEX_AGE_RT", "--from", SHARED, "--db", url)
    assert_refused(folder, "no UNE_DEAP_SEX_AGE_RT_A.csv.gz or UNE_DEAP_SEX_AGE_RT_A.csv")


def test_a_server_error_is_retried_then_named(tmp_path: Path) -> None:
    calls = []

    class Failing(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            calls.append(self.path)
            self.send_error(503, "busy")

        def log_message(self, *_: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Failing)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with pytest.raises(ilostat.PullError, match="answered 503"):
            ilostat.fetch(["SDG_0861_SEX_RT"], mirror=f"http://127.0.0.1:{httpd.server_address[1]}")
    finally:
        httpd.shutdown()
        httpd.server_close()
    downloads = [c for c in calls if c.endswith(".csv.gz")]
    assert len(downloads) == 4  # the first try and three retries


def test_mirror_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ilostat.MIRROR, str(SHARED))
    fetched = ilostat.fetch(["SDG_0861_SEX_RT"])
    assert fetched[0].path == bulk_file("SDG_0861_SEX_RT_A.csv")


@pytest.mark.parametrize("body", [b"<html>maintenance</html>\n", b"\x1f\x8b\x08\x00broken"])
def test_a_damaged_download_is_not_cached(body: bytes) -> None:
    class Damaged(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Damaged)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with pytest.raises(ilostat.PullError, match=r"damaged or cut off|did not send a complete"):
            ilostat.fetch(["SDG_0861_SEX_RT"], mirror=f"http://127.0.0.1:{httpd.server_address[1]}")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert list(ilostat.cache_dir().glob("*")) == []


def test_a_mirror_index_is_followed_only_below_its_folder(tmp_path: Path) -> None:
    """Links of a URL mirror's index page to another host, another scheme or outside its
    ``ilostat/`` folder are not followed (the index page is the mirror's, not trusted)."""
    links = [
        "bulk_2024/",
        "/ilostat/bulk_2025/",
        "http://evil.example/ilostat/",
        "//evil.example/ilostat/",
        "file:///etc/",
        "../secrets/",
        "/other/",
        "bulk_2024/../../up/",
    ]
    page = "".join(f'<a href="{link}">x</a>' for link in links).encode()

    class Index(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/ilostat/" else 404)
            self.end_headers()
            self.wfile.write(page if self.path == "/ilostat/" else b"")

        def log_message(self, *_: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Index)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        urls = ilostat._mirror_urls(base, DATASET)
        with pytest.raises(ilostat.NotPublished):
            ilostat.fetch([DATASET], mirror=base)
    finally:
        httpd.shutdown()
        httpd.server_close()
    folders = sorted({url.rsplit("/", 1)[0] for url in urls})
    assert folders == [f"{base}/ilostat", f"{base}/ilostat/bulk_2024", f"{base}/ilostat/bulk_2025"]


@pytest.mark.parametrize("address", ["file:///etc/passwd", "ftp://example.org/x.csv"])
def test_only_web_addresses_are_downloaded(tmp_path: Path, address: str) -> None:
    with pytest.raises(download.DownloadError, match="not a web address"):
        download.download(address, tmp_path / "x")
    assert list(tmp_path.iterdir()) == []
