"""Load benchmark of the dashboard and its API: many concurrent clients against a local server.

The warehouse is the demo's (the synthetic survey's catalogue and ILOSTAT's SDG 8 files from
``--from``, loaded by ``decentwork demo --no-serve``); the server is ``decentwork serve`` in
its own process; the clients are ``wrk`` connections (Debian package ``wrk``: a load generator
written in C, so that the clients do not measure their own slowness), accepting gzip as
browsers do. wrk runs one thread (it drives over 20,000 requests per second alone), leaving
the machine's other core to the server.

Workloads (``--workload``, several comma-separated; each from a cold start of the server):

- ``api``: one area's one indicator from the observations API (all disaggregations, all
  years: what a dashboard chart needs), 72 pairs drawn at random; run twice, side by side,
  without the answer cache (``--cache-mb 0``) and with it (the default).
- ``uncached-api``: the same requests with a random time range each (tens of thousands of
  distinct addresses, so that nearly every answer is computed).
- ``mixed``: what a dashboard's visitors ask for, over every area with data and the five
  SDG 8 indicators: about 35 % observations API, 15 % area pages, 15 % indicator explorer,
  10 % data table, the rest home, search, releases and the pages' CSV and JSON twins; a
  fifth of the pages in another of the six languages (``?lang=``).

Reported for each: requests, errors (socket errors, time-outs of 10 s and non-2xx answers),
requests per second, latency percentiles, and the machine's load average (one minute) just
before the run, since other work on the machine shows in the figures. Targets (issue 22):
``mixed`` at 200 clients for 30 s with no errors or time-outs, p95 under 1 s and at least
150 requests/s; ``api`` with its cache above 4,000 requests/s.

    python benchmarks/web.py [--workload api,uncached-api,mixed] [--clients 200]
        [--seconds 30] [--workers N] [--from ../shared/data] [--db URL]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
AREAS = ("KHM", "LAO", "CHN", "THA", "VNM", "IDN", "PHL", "MYS", "IND", "BRA", "ZAF", "X_DW")
INDICATORS = (
    "SDG_0852_SEX_AGE_RT",
    "SDG_0861_SEX_RT",
    "SDG_0831_SEX_ECO_RT",
    "SDG_0851_SEX_OCU_NB",
    "SDG_A821_NOC_RT",
    "UNE_DEAP_SEX_AGE_RT",
)
"""The ``api`` workload's pairs: the demo's chart requests (72 distinct addresses)."""
SDG8 = (
    "SDG_0831_SEX_ECO_RT",
    "SDG_0851_SEX_OCU_NB",
    "SDG_0852_SEX_AGE_RT",
    "SDG_0861_SEX_RT",
    "SDG_A821_NOC_RT",
)
"""The five SDG 8 indicators of the demo's ILOSTAT files (the mixed workload's)."""

SCRIPT = """
local paths = {%(paths)s}
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept-Encoding"] = "gzip"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "socket_errors": %%d, "non_2xx": %%d, '
    .. '"timeouts": %%d, "microseconds": %%d, "p50_ms": %%.1f, "p95_ms": %%.1f, '
    .. '"p99_ms": %%.1f, "max_ms": %%.1f}\\n', summary.requests,
    e.connect + e.read + e.write + e.timeout, e.status, e.timeout, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""
"""wrk's Lua script: a random address of the workload per request; the figures as one JSON
line."""
LANGUAGES = ("zh", "fr", "es", "km", "lo")
SEARCHES = ("unemployment", "Cambodia", "youth", "women", "informal", "Lao", "NEET", "China")


def api_paths(
    rng: random.Random, areas: list[str], indicators: tuple[str, ...], time_ranges: bool
) -> list[str]:
    """The observations API's addresses: every area and indicator pair (with a random time
    range each when ``time_ranges``: 20,000 addresses, nearly all distinct)."""
    if not time_ranges:
        return [
            f"/api/v1/observations?ref_area={a}&indicator={i}" for a in areas for i in indicators
        ]
    paths = []
    for _ in range(20_000):
        start = rng.randrange(1990, 2024)
        paths.append(
            f"/api/v1/observations?ref_area={rng.choice(areas)}"
            f"&indicator={rng.choice(indicators)}"
            f"&time={start}:{rng.randrange(start, 2025)}"
        )
    return paths


def mixed_paths(
    rng: random.Random, areas: list[str], indicators: tuple[str, ...], count: int = 20_000
) -> list[str]:
    """``count`` addresses drawn as a dashboard's visitors ask for them."""

    def lang() -> str:
        return f"lang={rng.choice(LANGUAGES)}" if rng.random() < 0.2 else ""

    def page(path: str, *query: str) -> str:
        parts = [q for q in (*query, lang()) if q]
        return path + ("?" + "&".join(parts) if parts else "")

    kinds = [
        (0.35, lambda a, i: f"/api/v1/observations?ref_area={a}&indicator={i}"),
        (0.15, lambda a, i: page(f"/areas/{a}")),
        (0.15, lambda a, i: page(f"/indicators/{i}", f"ref_area={a}")),
        (0.10, lambda a, i: page("/data", f"ref_area={a}", f"indicator={i}")),
        (0.07, lambda a, i: page("/")),
        (0.04, lambda a, i: page("/search", f"q={rng.choice(SEARCHES)}")),
        (0.04, lambda a, i: page("/releases")),
        (0.04, lambda a, i: f"/areas/{a}.json"),
        (0.03, lambda a, i: f"/areas/{a}.csv"),
        (0.03, lambda a, i: f"/indicators/{i}.json?ref_area={a}"),
    ]
    weights = [w for w, _ in kinds]
    return [
        rng.choices(kinds, weights)[0][1](rng.choice(areas), rng.choice(indicators))
        for _ in range(count)
    ]


def lua_list(paths: list[str]) -> str:
    """Addresses as the items of a Lua table."""
    return ", ".join(f'"{path}"' for path in paths)


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def load(base: str, clients: int, seconds: float, script: Path) -> dict:
    """``clients`` concurrent wrk connections for ``seconds`` against ``base``."""
    done = subprocess.run(
        [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(clients),
            "--duration",
            f"{seconds:g}s",
            "--timeout",
            "10s",
            "--script",
            str(script),
            base,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(row for row in done.stdout.splitlines() if row.startswith("RESULT "))
    found = json.loads(line.removeprefix("RESULT "))
    found["errors"] = found.pop("socket_errors") + found.pop("non_2xx")
    found["requests_per_second"] = round(found["requests"] / (found.pop("microseconds") / 1e6), 1)
    return {"clients": clients, "seconds": seconds, **found}


def serving(
    cli: list[str], url: str, cache_mb: int, base_port: int, workers: int | None
) -> subprocess.Popen:
    """``decentwork serve`` on ``url`` (with ``workers`` processes, when given), once it
    answers."""
    more = ["--workers", str(workers)] if workers else []
    server = subprocess.Popen(
        [*cli, "serve", "--db", url, "--port", str(base_port), "--cache-mb", str(cache_mb), *more],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            httpx.get(f"http://127.0.0.1:{base_port}/api/v1/releases?limit=1", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    sys.exit("the server did not answer within 30 s")


def stop(server: subprocess.Popen) -> None:
    """Stop a server, forcibly if it does not stop within 10 s."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--workload",
        default="api,uncached-api,mixed",
        help="api, uncached-api, mixed (comma-separated)",
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--workers", type=int, default=None, help="Server processes (default: serve's own default)."
    )
    parser.add_argument("--from", dest="mirror", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--db",
        default=None,
        help="A demo warehouse built before (decentwork demo --no-serve --no-surveys --from "
        "...) to serve instead of building one (about a minute).",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (Debian's package)")
    cli = [str(Path(sys.executable).parent / "decentwork")]
    rng = random.Random(22)
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'demo.sqlite'}"
        if args.db is None:
            subprocess.run(
                [
                    *cli,
                    "demo",
                    "--no-serve",
                    "--no-surveys",
                    "--db",
                    url,
                    "--from",
                    str(args.mirror),
                ],
                check=True,
                capture_output=True,
            )
        runs: list[tuple[str, int, list[str]]] = []
        for workload in args.workload.split(","):
            if workload == "api":
                paths = api_paths(rng, list(AREAS), INDICATORS, time_ranges=False)
                runs += [("api, no cache", 0, paths), ("api, answer cache", 64, paths)]
            elif workload == "uncached-api":
                runs.append(
                    (
                        "uncached api (random time ranges)",
                        64,
                        api_paths(rng, every_area(url), SDG8, time_ranges=True),
                    )
                )
            elif workload == "mixed":
                runs.append(("mixed dashboard", 64, mixed_paths(rng, every_area(url), SDG8)))
            else:
                sys.exit(f"unknown workload {workload!r}: api, uncached-api or mixed")
        for name, cache_mb, paths in runs:
            script = Path(folder) / "workload.lua"
            script.write_text(SCRIPT % {"paths": lua_list(paths)})
            port = free_port()
            before = os.getloadavg()[0]
            server = serving(cli, url, cache_mb, port, args.workers)
            try:
                result = load(f"http://127.0.0.1:{port}", args.clients, args.seconds, script)
            finally:
                stop(server)
            print(
                json.dumps(
                    {
                        "workload": name,
                        "distinct_addresses": len(set(paths)),
                        **result,
                        "load_before": round(before, 2),
                    }
                ),
                flush=True,
            )


def every_area(url: str) -> list[str]:
    """The areas with observations in the warehouse at ``url`` (238 with the SDG 8 files)."""
    import sqlalchemy as sa

    with sa.create_engine(url).connect() as connection:
        return list(
            connection.execute(
                sa.text("SELECT DISTINCT ref_area FROM observations ORDER BY ref_area")
            ).scalars()
        )


if __name__ == "__main__":
    main()
