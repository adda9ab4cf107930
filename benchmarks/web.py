"""Load benchmark of the observations API: many concurrent clients against a local server.

The warehouse is the demo's (the synthetic survey's catalogue and ILOSTAT's SDG 8 files from
``--from``, loaded by ``decentwork demo --no-serve``); the server is ``decentwork serve`` in
its own process; the clients are ``wrk`` connections (Debian package ``wrk``: a load generator
written in C, so that the clients do not measure their own slowness), each asking for one
area's one indicator (all disaggregations, all years: what a dashboard chart needs), chosen at
random, again and again for ``--seconds``, accepting gzip as browsers do. wrk runs one thread
(it drives over 20,000 requests per second alone), leaving the machine's other core to the
server: on two cores, a second wrk thread only takes CPU time from the server it measures.

The same load runs twice, side by side: the server without its answer cache
(``--cache-mb 0``: every request reads the warehouse) and with it (the default), each from a
cold start. Reported for each: requests, errors (socket errors and non-2xx answers), requests
per second and latency percentiles; then the ratios. The issue's target: 200 clients for 30 s,
p95 under 100 ms, no errors.

    python benchmarks/web.py [--clients 200] [--seconds 30] [--from ../shared/data]
"""

from __future__ import annotations

import argparse
import json
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
INDICATORS = ("SDG_0852_SEX_AGE_RT", "SDG_0861_SEX_RT", "SDG_0831_SEX_ECO_RT",
              "SDG_0851_SEX_OCU_NB", "SDG_A821_NOC_RT", "UNE_DEAP_SEX_AGE_RT")

SCRIPT = """
local areas = {%(areas)s}
local indicators = {%(indicators)s}
request = function()
  return wrk.format("GET", "/api/v1/observations?ref_area=" .. areas[math.random(#areas)]
                    .. "&indicator=" .. indicators[math.random(#indicators)],
                    {["Accept-Encoding"] = "gzip"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "socket_errors": %%d, "non_2xx": %%d, '
    .. '"microseconds": %%d, "p50_ms": %%.1f, "p95_ms": %%.1f, "p99_ms": %%.1f, '
    .. '"max_ms": %%.1f}\\n', summary.requests, e.connect + e.read + e.write + e.timeout,
    e.status, summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""
"""wrk's Lua script: random area and indicator per request; the figures as one JSON line."""


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def lua_list(codes: tuple[str, ...]) -> str:
    """Codes as the items of a Lua table."""
    return ", ".join(f'"{code}"' for code in codes)


def load(base: str, clients: int, seconds: float, script: Path) -> dict:
    """``clients`` concurrent wrk connections for ``seconds`` against ``base``."""
    done = subprocess.run(
        ["wrk", "--threads", "1", "--connections", str(clients), "--duration",
         f"{seconds:g}s", "--timeout", "10s", "--script", str(script), base],
        check=True, capture_output=True, text=True)
    line = next(row for row in done.stdout.splitlines() if row.startswith("RESULT "))
    found = json.loads(line.removeprefix("RESULT "))
    found["errors"] = found.pop("socket_errors") + found.pop("non_2xx")
    found["requests_per_second"] = round(found["requests"] / (found.pop("microseconds") / 1e6),
                                         1)
    return {"clients": clients, "seconds": seconds, **found}


def serving(cli: list[str], url: str, cache_mb: int, base_port: int) -> subprocess.Popen:
    """``decentwork serve`` on ``url``, once it answers."""
    server = subprocess.Popen([*cli, "serve", "--db", url, "--port", str(base_port),
                               "--cache-mb", str(cache_mb)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--from", dest="mirror", type=Path,
                        default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (Debian's package)")
    cli = [str(Path(sys.executable).parent / "decentwork")]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite'}"
        subprocess.run([*cli, "demo", "--no-serve", "--db", url, "--from", str(args.mirror)],
                       check=True, capture_output=True)
        script = Path(folder) / "observations.lua"
        script.write_text(SCRIPT % {"areas": lua_list(AREAS),
                                    "indicators": lua_list(INDICATORS)})
        results = {}
        for name, cache_mb in (("no cache", 0), ("answer cache", 64)):
            port = free_port()
            server = serving(cli, url, cache_mb, port)
            try:
                results[name] = load(f"http://127.0.0.1:{port}", args.clients, args.seconds,
                                     script)
            finally:
                stop(server)
            print(json.dumps({"server": name, **results[name]}))
        before, after = results["no cache"], results["answer cache"]
        print(json.dumps({
            "throughput_ratio": round(after["requests_per_second"]
                                      / before["requests_per_second"], 1),
            "p95_ratio": round(before["p95_ms"] / after["p95_ms"], 1),
        }))


if __name__ == "__main__":
    main()
