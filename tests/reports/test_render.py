"""The brief as PDF and HTML: the text pdftotext reads back (English headings, the area's
name, Khmer strings from the catalogue), every font embedded (pdffonts) with the script's
Noto family among them, two to four pages (pdfinfo), inline SVG charts with text
alternatives, the figures of the warehouse, and a confidence interval from a real standard
error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from decentwork import demo
from decentwork.reports.brief import Z_95, BriefError
from decentwork.reports.render import FORMATS, font_family, html, output_format, write
from decentwork.translations import translations
from tests.reports.conftest import brief_of, run

KHMER = re.compile(r"[\u1780-\u17ff]")


def text_of(pdf: Path) -> str:
    """The PDF's text as pdftotext extracts it."""
    return run("pdftotext", "-layout", pdf, "-")


def squeezed(text: str) -> str:
    """``text`` without white space: pdftotext puts spaces between the clusters of Khmer
    and Lao words, which have none."""
    return "".join(text.split())


def fonts_of(pdf: Path) -> list[tuple[str, str]]:
    """(font name, embedded: yes or no) of every font pdffonts lists."""
    return re.findall(
        r"^(\S+) .* (yes|no) +(?:yes|no) +(?:yes|no) +\d+ +\d+$", run("pdffonts", pdf), re.MULTILINE
    )


def pages_of(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", pdf), re.MULTILINE).group(1))


def test_the_english_pdf_reads_back(rendered: dict[str, Path]) -> None:
    text = " ".join(text_of(rendered["en"]).split())
    for heading in (
        "Decent work country brief",
        "Cambodia",
        "Headline indicators",
        "Trends",
        "SDG 8 progress",
        "Partnership framework status",
        "Milestones",
        "Sources and notes",
        "Methods",
    ):
        assert heading in text, heading
    assert "Unemployment rate 0.4 (2021)" in text  # 0.396: rates to one decimal
    assert "BB:3064" in text and "HIES - Household Socio-Economic Survey" in text
    assert "November 27, 2026" in text


def test_the_khmer_pdf_holds_the_khmer_text(rendered: dict[str, Path]) -> None:
    text = text_of(rendered["km"])
    assert len(KHMER.findall(text)) > 1500
    khmer = translations("decentwork.reports", "km").gettext
    for english in ("Headline indicators", "SDG 8 progress", "Series", "Baseline"):
        assert KHMER.search(khmer(english)), english
        assert squeezed(khmer(english)) in squeezed(text), english
    assert "កម្ពុជា" in text and "KHM" in text
    assert "0.4 (2021)" in text


@pytest.mark.parametrize(
    ("lang", "family"),
    [
        ("en", "Noto-Sans"),
        ("km", "Noto-Sans-Khmer"),
        ("lo", "Noto-Sans-Lao"),
        ("zh", "Noto-Sans-CJK-SC"),
        ("fr", "Noto-Sans"),
        ("es", "Noto-Sans"),
    ],
)
def test_every_font_is_embedded(rendered: dict[str, Path], lang: str, family: str) -> None:
    fonts = fonts_of(rendered[lang])
    assert fonts and all(embedded == "yes" for _, embedded in fonts), fonts
    names = [name.split("+", 1)[-1] for name, _ in fonts]  # subset prefix ABCDEF+
    assert family in names, names
    assert all(name.startswith("Noto-Sans") for name in names), names


@pytest.mark.parametrize("lang", ["en", "zh", "fr", "es", "km", "lo"])
def test_a_brief_has_two_to_four_pages(rendered: dict[str, Path], lang: str) -> None:
    assert 2 <= pages_of(rendered[lang]) <= 4
    assert rendered[lang].read_bytes().startswith(b"%PDF-")


def test_the_chinese_pdf_speaks_chinese(rendered: dict[str, Path]) -> None:
    text = squeezed(text_of(rendered["zh"]))
    for chinese in ("柬埔寨", "主要指标", "失业率", "伙伴关系框架状况"):
        assert chinese in text, chinese


def test_the_html_has_inline_svg_charts_with_text_alternatives(rendered: dict[str, Path]) -> None:
    page = rendered["html"].read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    charts = re.findall(r'<svg class="chart progress-chart".*?</svg>', page, re.DOTALL)
    assert len(charts) == 5  # one per headline indicator (KHM has data for each)
    for chart in charts:
        assert 'role="img"' in chart
        title, desc = re.search(r"<title>(.*?)</title><desc>(.*?)</desc>", chart).groups()
        assert title.startswith("8.") and desc.startswith("Series: ")
    unemployment = next(c for c in charts if "<title>8.5.2 Unemployment rate</title>" in c)
    assert "2021 0.4" in unemployment and "Baseline: 2015 0.4" in unemployment
    assert 'font-family="' in unemployment  # the PDF's fonts reach the chart's text
    assert "<link" not in page and "<script" not in page  # self-contained


def test_the_brief_shows_a_confidence_interval_from_a_real_standard_error(demo_url: str) -> None:
    brief = brief_of(demo_url, demo.DEMO_AREA)
    unemployment = brief.headline[0]
    year, value = unemployment.latest
    se = unemployment.series.se[year]
    page = " ".join(html(brief).split())
    low, high = (
        f"{bound:,.1f}"
        for bound in (value - Z_95 * se, value + Z_95 * se)  # a rate: 1 decimal
    )
    assert f"{low} \u2013 {high}" in page  # an en dash between the bounds
    assert "SYNTHETIC" in page  # its source


def test_the_output_format_comes_from_the_suffix() -> None:
    assert [output_format(Path(f"b.{suffix}")) for suffix in FORMATS] == list(FORMATS)
    assert output_format(Path("B.PDF")) == "pdf"


def test_a_file_the_brief_cannot_be_written_to(brief_url: str, tmp_path: Path) -> None:
    for out, message in (
        (
            tmp_path / "b.docx",
            r"b\.docx: expected a file name ending in "
            r"\.pdf or \.html \(found '\.docx'\)",
        ),
        (tmp_path / "b", r"expected a file name .* \(found 'no suffix'\)"),
        (tmp_path / "no" / "b.pdf", "the folder .*no does not exist"),
    ):
        with pytest.raises(BriefError, match=message) as raised:
            output_format(out)
        assert (raised.value.parameter, raised.value.given) == ("out", str(out))
    folder = tmp_path / "taken.html"
    folder.mkdir()
    with pytest.raises(BriefError, match=r"taken\.html: cannot be written \(Is a directory\)"):
        write(brief_of(brief_url, "KHM"), folder)


def test_each_language_puts_its_scripts_font_first() -> None:
    assert font_family("km").startswith('"Noto Sans Khmer", "Noto Sans",')
    assert font_family("zh").startswith('"Noto Sans CJK SC"')
    assert font_family("en") == (
        '"Noto Sans", "Noto Sans Khmer", "Noto Sans Lao", "Noto Sans CJK SC", sans-serif'
    )
