"""Load benchmark of the observations API: many concurrent clients against a local server.

The warehouse is the demo's (the synthetic survey's catalogue and ILOSTAT's SDG 8 files from
``--from``, loaded by ``decentwork demo --no-serve``); the server is ``decentwork serve`` in
its own process; the clients are asyncio tasks sharing one HTTP connection pool, each asking
for one area's one indicator (all disaggregations, all years: what a dashboard chart needs)
again and again for ``--seconds``. Reported: requests, errors, requests per second, and
latency percentiles. The issue's target: 200 clients for 30 s, p95 under 100 ms, no errors.

    python benchmarks/web.py [--clients 200] [--seconds 30] [--from ../shared/data]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
AREAS = ("KHM", "LAO", "CHN", "THA", "VNM", "IDN", "PHL", "MYS", "IND", "BRA", "ZAF", "X_DW")
INDICATORS = ("SDG_0852_SEX_AGE_RT", "SDG_0861_SEX_RT", "SDG_0831_SEX_ECO_RT",
              "SDG_0851_SEX_OCU_NB", "SDG_A821_NOC_RT", "UNE_DEAP_SEX_AGE_RT")


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def client(http: httpx.AsyncClient, until: float, seed: int,
                 latencies: list[float], errors: list[str]) -> None:
    """Ask for observations until ``until``, recording each answer's latency."""
    rng = random.Random(seed)
    while time.perf_counter() < until:
        params = {"ref_area": rng.choice(AREAS), "indicator": rng.choice(INDICATORS)}
        started = time.perf_counter()
        try:
            answer = await http.get("/api/v1/observations", params=params)
            if answer.status_code != 200:
                errors.append(f"{answer.status_code} {params}")
        except httpx.HTTPError as error:
            errors.append(f"{type(error).__name__} {params}")
        latencies.append(time.perf_counter() - started)


async def run(base: str, clients: int, seconds: float) -> dict:
    """``clients`` concurrent clients for ``seconds`` against ``base``."""
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        until = time.perf_counter() + seconds
        await asyncio.gather(*(client(http, until, seed, latencies, errors)
                               for seed in range(clients)))
    found = np.array(latencies) * 1000
    return {"clients": clients, "seconds": seconds, "requests": len(found),
            "errors": len(errors), "first_errors": errors[:5],
            "requests_per_second": round(len(found) / seconds, 1),
            "p50_ms": round(float(np.percentile(found, 50)), 1),
            "p95_ms": round(float(np.percentile(found, 95)), 1),
            "p99_ms": round(float(np.percentile(found, 99)), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--from", dest="mirror", type=Path,
                        default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    cli = [str(Path(sys.executable).parent / "decentwork")]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite'}"
        subprocess.run([*cli, "demo", "--no-serve", "--db", url, "--from", str(args.mirror)],
                       check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen([*cli, "serve", "--db", url, "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    httpx.get(f"{base}/api/v1/indicators", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            print(json.dumps(asyncio.run(run(base, args.clients, args.seconds))))
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


if __name__ == "__main__":
    main()
