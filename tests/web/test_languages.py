"""The dashboard's languages: complete catalogues, ``?lang=`` and its cookie, the English
fallback of labels, and unknown languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from decentwork.web import languages
from tests.web.conftest import Served

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "src" / "decentwork" / "web" / "templates"


def template_messages() -> set[str]:
    """The msgids ``pybabel extract -F babel.cfg`` finds in the templates."""
    found = extract_from_dir(
        TEMPLATES,
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
    )
    return {message for _file, _line, message, _comments, _context in found}


@pytest.mark.parametrize("lang", [lang for lang in languages.LANGUAGES if lang != "en"])
def test_every_message_is_translated(lang: str) -> None:
    wanted = template_messages()
    assert len(wanted) > 50
    with languages.catalogue_path(lang).open("rb") as po:
        catalogue = read_po(po, locale=lang)
    translated = {m.id: m.string for m in catalogue if m.id}
    assert not [m for m in wanted if not translated.get(m)], lang
    assert not [m for m in catalogue if m.id and m.fuzzy]


def test_babel_cfg_extracts_the_templates() -> None:
    assert "jinja2: src/decentwork/web/templates/**.html" in (ROOT / "babel.cfg").read_text()


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("km", "ព័ត៌មានទីផ្សារការងារ"),
        ("zh", "劳动力市场信息"),
        ("lo", "ຂໍ້ມູນຕະຫຼາດແຮງງານ"),
        ("fr", "Information sur le marché du travail"),
        ("es", "Información del mercado laboral"),
    ],
)
def test_lang_translates_and_the_cookie_remembers(served: Served, lang: str, text: str) -> None:
    client = served.client
    try:
        response = client.get("/", params={"lang": lang})
        assert response.status_code == 200
        assert text in response.text and f'<html lang="{lang}">' in response.text
        assert response.cookies.get("lang") == lang
        later = client.get("/releases")
        assert f'<html lang="{lang}">' in later.text
        assert later.headers["content-language"] == lang
    finally:
        client.cookies.clear()
    assert '<html lang="en">' in client.get("/releases").text


def test_names_come_from_the_shared_catalogue_and_the_cldr(served: Served) -> None:
    html = served.client.get("/areas/KHM", params={"lang": "zh"}).text
    served.client.cookies.clear()
    assert "<h1>柬埔寨 <small>KHM</small></h1>" in html  # the CLDR's name, as in the briefs
    assert "主要指标" in html and "fallback" not in html
    english = served.client.get("/areas/KHM").text
    assert "<h1>Cambodia <small>KHM</small></h1>" in english and "fallback" not in english


def test_english_is_marked_where_no_translation_exists() -> None:
    marked = languages.named("A text no catalogue holds", lang="zh")
    mark = "\uff08英文\uff09"  # (English), in full-width brackets
    assert marked == (
        f'<span lang="en">A text no catalogue holds</span> <small class="fallback">{mark}</small>'
    )
    assert languages.named("No data", lang="zh") == "无数据"
    assert languages.named("No data", lang="en") == "No data"
    assert languages.plain("A text no catalogue holds", lang="km") == "A text no catalogue holds"


def test_an_unknown_language_is_refused(served: Served) -> None:
    response = served.client.get("/areas/KHM", params={"lang": "xx"})
    assert response.status_code == 422
    assert "lang &#39;xx&#39;: expected one of en, zh, fr, es, km, lo" in response.text
    assert "lang" not in response.cookies


def test_a_stale_cookie_falls_back_to_english(served: Served) -> None:
    served.client.cookies.set("lang", "xx")
    try:
        assert '<html lang="en">' in served.client.get("/").text
    finally:
        served.client.cookies.clear()
