"""A country brief as HTML or PDF: one Jinja2 template (``templates/brief.html``, with its
print stylesheet) in the brief's language through the reports' own Babel catalogues
(``locales/<lang>/LC_MESSAGES/messages.po``), charts as inline SVG from the same chart
functions as the dashboard, and WeasyPrint for the A4 PDF, which embeds the Noto fonts
(Debian's ``fonts-noto-core`` and ``fonts-noto-cjk``) that the stylesheet names."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from decentwork import charts, formatting, names
from decentwork.formatting import GROWTH, NUMBER, Style
from decentwork.reports.brief import Brief, BriefError, Row
from decentwork.translations import SOURCE, check_language, translations

PACKAGE = "decentwork.reports"
FORMATS = ("pdf", "html")
CHART_SIZE = (340, 180)
"""Width and height of a trend chart, in CSS pixels (two side by side on an A4 page)."""
FONTS = ("Noto Sans", "Noto Sans Khmer", "Noto Sans Lao", "Noto Sans CJK SC")
"""The font families of the brief: Debian's Noto fonts (``fonts-noto-core``,
``fonts-noto-cjk``), which WeasyPrint embeds in the PDF."""
SCRIPT_FONTS = {"km": "Noto Sans Khmer", "lo": "Noto Sans Lao", "zh": "Noto Sans CJK SC"}
"""The family that comes first for a language with a script of its own."""
METHOD_NAMES = {
    "open-sdg": "Open SDG",
    "unsd": "UNSD",
    "unsd-cagr": "UNSD (CAGR ratio)",
    "escap": "ESCAP",
}
"""The progress methods as the brief names them (message ids)."""
LEGEND = {
    "points": "series",
    "intervals": "interval",
    "baseline": "baseline",
    "target": "target",
    "projected": "projection",
    "milestones": "milestone",
}
"""The arguments of :func:`~decentwork.charts.progress_chart` and their legend keys."""


def output_format(out: Path) -> str:
    """The format of the brief to write to ``out``, from its suffix: ``pdf`` or ``html``.

    Raises:
        BriefError: another suffix, or a folder that does not exist (about the parameter
            ``out``).
    """
    suffix = out.suffix.lower().removeprefix(".")
    if suffix not in FORMATS:
        raise BriefError(
            f"{out}: expected a file name ending in .pdf or .html (found "
            f"{out.suffix or 'no suffix'!r})",
            parameter="out",
            given=out,
            expected="a file name ending in .pdf or .html",
        )
    if not out.parent.is_dir():
        raise BriefError(
            f"{out}: the folder {out.parent} does not exist",
            parameter="out",
            given=out,
            hint="create the folder first, or name another",
        )
    return suffix


def html(brief: Brief) -> str:
    """The brief as one self-contained HTML page (inline stylesheet and SVG charts)."""
    return environment(brief.lang).get_template("brief.html").render(brief=brief)


def pdf(brief: Brief) -> bytes:
    """The brief as an A4 PDF with its fonts embedded."""
    from weasyprint import HTML

    return HTML(string=html(brief)).write_pdf()


def write(brief: Brief, out: Path) -> str:
    """Write the brief to ``out`` as PDF or HTML, by the suffix; returns the format.

    Raises:
        BriefError: the suffix is neither ``.pdf`` nor ``.html``, or the file cannot be
            written (about the parameter ``out``).
    """
    fmt = output_format(out)
    content = pdf(brief) if fmt == "pdf" else html(brief).encode("utf-8")
    try:
        out.write_bytes(content)
    except OSError as error:
        raise BriefError(
            f"{out}: cannot be written ({error.strerror or error})", parameter="out", given=out
        ) from None
    return fmt


def font_family(lang: str) -> str:
    """The CSS font-family list of ``lang``: its script's own Noto family first, then the
    others, so that a text in another script still finds its glyphs."""
    first = SCRIPT_FONTS.get(lang, FONTS[0])
    return ", ".join(f'"{name}"' for name in dict.fromkeys((first, *FONTS))) + ", sans-serif"


@cache
def environment(lang: str) -> Environment:
    """The Jinja2 environment of the brief's template, speaking ``lang``."""
    check_language(lang)
    env = Environment(
        loader=PackageLoader(PACKAGE, "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    strings = translations(PACKAGE, lang)
    env.install_gettext_translations(strings, newstyle=True)  # type: ignore[attr-defined]
    words = _Words(lang, strings.gettext)
    env.globals.update(
        lang=lang, methods=METHOD_NAMES, words=words, font_family=font_family, growth=GROWTH
    )
    env.filters.update(number=words.number, signed=words.signed, day=words.day)
    return env


class _Words:
    """What the template needs in the brief's language: numbers and dates in its locale,
    the translation of texts that come from data (status labels, indicator titles: from the
    names catalogue the dashboard reads too, :mod:`decentwork.names`), and the trend charts
    with their legends in the language."""

    def __init__(self, lang: str, gettext: Callable[[str], str]) -> None:
        self.lang = lang
        self.gettext = gettext

    def number(self, value: float | None, style: Style = NUMBER) -> str:
        """A value in its unit's ``style`` and the locale's notation, as the dashboard
        writes it (:func:`decentwork.formatting.number`); empty for none."""
        return formatting.number(value, style, self.lang, missing="")

    def signed(self, value: float, style: Style = NUMBER) -> str:
        """A change with its sign (+0.2, -0.2; 0.0 when nil once rounded), in its unit's
        ``style`` and the locale's notation."""
        return formatting.number(value, style, self.lang, signed=True)

    def day(self, when: date) -> str:
        """A date in the locale's long form."""
        return format_date(when, "long", locale=self.lang)

    def text(self, english: str) -> Markup:
        """A text from the data (an indicator's title, a status label...) in the brief's
        language where the names catalogue has it, else in English, marked as such."""
        found = names.text(english, self.lang)
        if found.lang == self.lang:
            return escape(found.text)
        return self.english(english)

    def english(self, english: str) -> Markup:
        """An English text in a brief of another language, marked ``(English)``."""
        if self.lang == SOURCE:
            return escape(english)
        mark = self.gettext("(English)")
        return Markup('<span lang="en">{}</span> <span class="english">{}</span>').format(
            english, mark
        )

    def label(self, key: str) -> str:
        """A key of the trend charts' legend (``interval``: 95% confidence interval...) in
        the brief's language."""
        return self.gettext(charts.PROGRESS_LABELS[key])

    def chart(self, row: Row, style: Style = NUMBER) -> Markup:
        """The trend chart of a row: its series with confidence intervals, the baseline of
        the Open SDG assessment, and the target, projection and milestones where set, its
        values in ``style`` (the row's unit). The legend is the page's (:meth:`legend`):
        WeasyPrint cannot shape Khmer or Lao in SVG."""
        width, height = CHART_SIZE
        return charts.progress_chart(
            **_drawn(row),
            style=style,
            lang=self.lang,
            title=f"{row.code} {names.text(row.title, self.lang).text}",
            labels={key: self.label(key) for key in charts.PROGRESS_LABELS},
            width=width,
            height=height,
            font_family=font_family(self.lang),
            legend=False,
        )

    def legend(self, rows: Sequence[Row]) -> list[tuple[Markup, str]]:
        """The legend of the trend charts of ``rows``: the symbol and name of each element
        that one of them draws."""
        drawn = [_drawn(row) for row in rows if row.series.points]
        return [
            (charts.progress_key(key), self.label(key))
            for argument, key in LEGEND.items()
            if any(chart[argument] for chart in drawn)
        ]


def _drawn(row: Row) -> dict[str, Any]:
    """What the trend chart of ``row`` draws, as arguments of
    :func:`~decentwork.charts.progress_chart`."""
    main = row.main
    return {
        "points": row.series.points,
        "intervals": row.intervals(),
        "baseline": None
        if main.baseline_year is None
        else (main.baseline_year, main.baseline_value),
        "target": None if main.target_year is None else (main.target_year, main.target_value),
        "projected": None
        if main.projected_year is None or main.target_value is None
        else (main.projected_year, main.projected_value),
        "milestones": row.milestones,
    }
