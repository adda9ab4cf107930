"""The brief's catalogues: every string of the template, of the chart legend and of the
method names has a translation in the reports' catalogue, every text from data that the brief
translates (progress statuses, the two frameworks' titles and milestones) one in the names
catalogue it shares with the dashboard, in each language, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.support import NullTranslations

from decentwork import charts, names
from decentwork.errors import BadInput
from decentwork.monitoring import progress
from decentwork.monitoring.frameworks import load_framework
from decentwork.reports.brief import PARTNERSHIP, SDG8
from decentwork.reports.render import METHOD_NAMES
from decentwork.translations import LANGUAGES, catalogue, check_language, translations

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "decentwork" / "reports" / "templates"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%%")


def template_messages() -> set[str]:
    """The msgids ``pybabel extract`` finds in the brief's template."""
    found = extract_from_dir(
        TEMPLATES,
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
    )
    return {message for _file, _line, message, _comments, _context in found}


def data_messages() -> set[str]:
    """The texts from data that the brief passes through the names catalogue."""
    statuses = {
        label
        for bands in (
            progress.UNSD_BANDS,
            progress.UNSD_CAGR_BANDS,
            progress.OPEN_SDG_RATIO_BANDS,
            progress.OPEN_SDG_CAGR_BANDS,
            progress.ESCAP_BANDS,
        )
        for _, _, label in bands
    }
    texts = {*statuses, "Target achieved", "No assessment", "No data"}
    for name in (SDG8, PARTNERSHIP):
        framework = load_framework(name)
        texts |= {outcome.title for outcome in framework.outcomes}
        texts |= {spec.title for _, _, spec in framework.indicators()}
    partnership = load_framework(PARTNERSHIP)
    return texts | {partnership.title} | {m.event for m in partnership.milestones}


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_is_translated(lang: str) -> None:
    own = template_messages() | {*charts.PROGRESS_LABELS.values(), *METHOD_NAMES.values()}
    assert len(own) > 40 and len(data_messages()) > 40
    with catalogue("decentwork.reports", lang).open("rb") as po:
        found = {m.id: m for m in read_po(po, locale=lang) if m.id}
    assert not sorted(own - {i for i, m in found.items() if m.string}), lang
    assert not sorted(data_messages() - set(names.messages(lang))), lang
    assert not [m.id for m in found.values() if m.fuzzy]
    for message in found.values():
        assert sorted(PLACEHOLDER.findall(message.id)) == sorted(
            PLACEHOLDER.findall(message.string)
        ), message.id
        # data texts and template texts differ in how % is written (%% in the template)
        if message.id not in template_messages():
            assert "%%" not in message.string, message.id


def test_khmer_and_lao_are_written_in_their_scripts() -> None:
    assert re.fullmatch(r"[\u1780-\u17ff ]+", names.text("Unemployment rate", "km").text)
    assert re.fullmatch(r"[\u0e80-\u0eff ]+", names.text("Unemployment rate", "lo").text)
    assert isinstance(translations("decentwork.reports", "en"), NullTranslations)
    assert translations("decentwork.reports", "en").gettext("Trends") == "Trends"


def test_a_language_is_checked() -> None:
    assert [check_language(lang) for lang in LANGUAGES] == list(LANGUAGES)
    with pytest.raises(
        BadInput, match="lang 'de': expected one of en, zh, fr, es, km, lo"
    ) as raised:
        check_language("de")
    assert (raised.value.parameter, raised.value.given) == ("lang", "de")
