"""``decentwork brief``: the Khmer brief of KHM as PDF through the command line, and clear
errors for an area without data, an unknown language, a wrong suffix, a missing folder and a
missing warehouse (which it does not create)."""

from __future__ import annotations

from pathlib import Path

from tests.reports.conftest import run
from tests.warehouse.conftest import assert_ok, assert_refused, flat, invoke


def test_brief_writes_the_khmer_pdf(brief_url: str, tmp_path: Path) -> None:
    out = tmp_path / "khm-km.pdf"
    result = invoke("brief", "KHM", "--lang", "km", "--out", out, "--db", brief_url)
    assert_ok(result)
    assert f"Wrote the brief of KHM (កម្ពុជា) in ខ្មែរ (km) to {out} (pdf)" in flat(result.stdout)
    assert out.read_bytes().startswith(b"%PDF-")
    assert "កម្ពុជា" in run("pdftotext", out, "-")


def test_brief_writes_html_in_english_by_default(brief_url: str, tmp_path: Path) -> None:
    out = tmp_path / "brief.html"
    assert_ok(invoke("brief", "KHM", "--out", out, "--db", brief_url))
    assert '<html lang="en">' in out.read_text(encoding="utf-8")


def test_brief_refuses_what_it_cannot_do(brief_url: str, tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    assert_refused(
        invoke("brief", "XYZ", "--out", out, "--db", brief_url),
        "area 'XYZ'",
        "no observations",
        "such as KHM",
    )
    assert_refused(
        invoke("brief", "KHM", "--lang", "de", "--out", out, "--db", brief_url),
        "--lang 'de'",
        "en, zh, fr, es, km, lo",
    )
    assert_refused(
        invoke("brief", "KHM", "--out", tmp_path / "b.docx", "--db", brief_url),
        "b.docx",
        ".pdf or .html",
        "'.docx'",
    )
    assert_refused(
        invoke("brief", "KHM", "--out", tmp_path / "no" / "b.pdf", "--db", brief_url),
        "the folder",
        "does not exist",
    )
    wrong = tmp_path / "targets.yaml"
    wrong.write_text("9.9.9:\n  KHM: {target: {value: 1, year: 2030}}\n", encoding="utf-8")
    assert_refused(
        invoke("brief", "KHM", "--targets", wrong, "--out", out, "--db", brief_url),
        "indicator '9.9.9' is not in framework sdg8",
    )
    assert not out.exists()


def test_brief_reads_the_warehouse_and_creates_none(tmp_path: Path) -> None:
    missing = tmp_path / "w.sqlite"
    assert_refused(
        invoke("brief", "KHM", "--out", tmp_path / "b.html", "--db", f"sqlite:///{missing}"),
        "no warehouse at",
    )
    assert list(tmp_path.iterdir()) == []
