"""The PES pages in six languages: their own catalogues translate every string the templates
mark with ``tr(...)`` (none of which the dashboard's extraction takes for its own), the base
template's strings come from the dashboard's catalogues, and ``?lang=`` and its cookie work as
on the dashboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from decentwork.translations import LANGUAGES, catalogue
from decentwork.web.pes.rendering import PACKAGE
from tests.web.pes.conftest import Site, logged_in

TEMPLATES = Path(__file__).resolve().parents[3] / "src" / "decentwork" / "web" / "templates"


def template_messages(keywords: dict[str, object] | None = None) -> set[str]:
    """The messages ``pybabel extract`` finds in the PES templates (with ``-k tr`` when
    ``keywords`` are given)."""
    found = extract_from_dir(
        TEMPLATES / "pes",
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
        **({"keywords": keywords} if keywords else {}),
    )
    return {message for _file, _line, message, _comments, _context in found}


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_is_translated(lang: str) -> None:
    wanted = template_messages({"tr": None})
    assert len(wanted) > 150
    with catalogue(PACKAGE, lang).open("rb") as po:
        messages = read_po(po, locale=lang)
    translated = {m.id: m.string for m in messages if m.id}
    assert [m for m in wanted if not translated.get(m)] == [], lang
    assert [m.id for m in messages if m.id and m.fuzzy] == []
    assert [m for m in translated if m not in wanted] == []  # nothing stale either
    placeholders = [m for m in wanted if m.count("%(") != translated[m].count("%(")]
    assert placeholders == [], lang


def test_the_dashboards_extraction_takes_none_of_the_pes_strings() -> None:
    assert template_messages() == set()


@pytest.mark.parametrize(
    ("lang", "heading", "skip"),
    [
        ("km", "ចូលទៅសេវាការងារ", "រំលងទៅខ្លឹមសារ"),
        ("lo", "ເຂົ້າສູ່ລະບົບບໍລິການຈັດຫາງານ", None),
        ("zh", "登录就业服务", None),
        ("fr", "Se connecter au service de l'emploi", None),
        ("es", "Iniciar sesión en el servicio de empleo", None),
    ],
)
def test_lang_translates_the_pages_and_the_cookie_keeps_it(
    site: Site, lang: str, heading: str, skip: str | None
) -> None:
    client = site.client()
    page = client.get(f"/pes/login?lang={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text and heading in page.text
    assert page.headers["content-language"] == lang
    assert client.cookies["lang"] == lang
    if skip:
        assert skip in page.text  # the base template's string, from the dashboard's catalogue
    client.cookies.set("lang", lang)
    assert heading in client.get("/pes/login").text
    assert 'hreflang="en"' in page.text and 'href="/pes/login?lang=en"' in page.text


def test_a_logged_in_page_in_khmer(site: Site) -> None:
    client = logged_in(site, "officer.a")
    page = client.get("/pes/seekers/new?lang=km")
    for text in ("ចុះឈ្មោះអ្នកស្វែងរកការងារ", "នាមត្រកូល", "ស្នើលេខកូដ", "រក្សាទុក", "ចាកចេញ"):
        assert text in page.text, text
