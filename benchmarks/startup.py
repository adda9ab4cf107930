"""Start-up time of the ``decentwork`` program: how long ``decentwork --help`` takes, and how
long importing ``decentwork.cli`` takes, beside the bare Python interpreter in the same run
(these machines are shared and noisy, so the ratio to ``python -c pass`` is the figure to
compare across runs).

The command line assembles its sub-commands from ``decentwork.commands``; each imports its
area's packages (pandas, DuckDB, SQLAlchemy, FastAPI...) only when it runs, so that asking for
help or mistyping a flag answers at once. The issue's target: ``decentwork --help`` well under
a second.

    python benchmarks/startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def timed(command: list[str], runs: int) -> tuple[float, float]:
    """Median and maximum wall time of ``command`` over ``runs`` runs (after one warm-up run,
    so that the file cache does not count)."""
    subprocess.run(command, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="Runs of each command.")
    runs = parser.parse_args().runs
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import decentwork.cli": [sys.executable, "-c", "import decentwork.cli"],
        "decentwork --help": [str(BIN / "decentwork"), "--help"],
        "decentwork load --help": [str(BIN / "decentwork"), "load", "--help"],
    }
    base = None
    print(f"{'command':<26} {'median s':>9} {'max s':>7} {'x python':>9}")
    for name, command in cases.items():
        median, worst = timed(command, runs)
        base = base or median
        print(f"{name:<26} {median:>9.3f} {worst:>7.3f} {median / base:>9.1f}")


if __name__ == "__main__":
    main()
