"""The dashboard fully translated (issue 21): in Khmer, Lao and Chinese the home, area,
indicator and progress pages show no English text that a catalogue translates and no label
left in English, every message of the catalogues has its translation, and a brief and a page
give the same name to the same indicator and area."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from decentwork import demo, names
from decentwork.commands.warehouse import catalogue_metadata
from decentwork.monitoring.frameworks import bundled, load_framework
from decentwork.reports.brief import collect
from decentwork.reports.render import html as brief_html
from decentwork.synthetic import generate
from decentwork.translations import LANGUAGES, SOURCE, catalogue
from decentwork.warehouse import engine
from decentwork.warehouse.load import load_files
from decentwork.web.app import create_app
from tests.warehouse.conftest import DICTIONARY, bulk_file

LANGS = ("km", "lo", "zh")
UNEMPLOYMENT = "SDG_0852_SEX_AGE_RT"
PAGES = (
    "/",
    "/areas/KHM",
    "/areas/X_DW",
    f"/indicators/{UNEMPLOYMENT}?ref_area=KHM,LAO,X_DW",
    "/indicators/UNE_DEAP_SEX_AGE_RT?ref_area=X_DW",
    "/progress/sdg8?area=KHM,LAO,X_DW",
    "/progress/sdg8/8.5.2?area=KHM,X_DW",
)
"""The pages checked: home, areas with ILOSTAT's series (KHM) and the synthetic survey's
(X_DW), the explorer on each, a framework's grid and an indicator's progress."""
CATALOGUES = ("decentwork.names", "decentwork.web")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo's warehouse in small: ILOSTAT's SDG 8.5.2 bulk file (the unemployment rate
    of KHM, LAO...) with its English area, indicator, sex and classification dictionaries,
    and the synthetic survey's indicators (X_DW, 3,000 records) with the catalogue's
    labels."""
    address = f"sqlite:///{tmp_path_factory.mktemp('translated')}/w.sqlite"
    target = engine(address)
    dictionaries = ("ref_area_en.csv", "indicator_en.csv", "sex_en.csv", "classif1_en.csv")
    load_files(
        target,
        [bulk_file("SDG_0852_SEX_AGE_RT_A.csv"), *(DICTIONARY / name for name in dictionaries)],
    )
    found = demo.synthetic_indicators(generate(3000, seed=7))
    demo.load_synthetic(target, found, "synthetic survey, translated pages", catalogue_metadata())
    target.dispose()
    return address


@pytest.fixture(scope="module")
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as served:
        yield served


def english_messages(lang: str) -> dict[str, str]:
    """The English texts of the catalogues that ``lang`` translates otherwise (but those
    with placeholders, which never show as they are written), each with its translation."""
    found = {}
    for package in CATALOGUES:
        with catalogue(package, lang).open("rb") as po:
            for m in read_po(po, locale=lang):
                if m.id and m.string and m.string != m.id and "%" not in m.id:
                    found[m.id] = m.string
    return found


class Texts(HTMLParser):
    """The texts a page shows (not its scripts and styles), each with the language of the
    element it is in."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = [("html", lang)]
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "img", "input", "meta", "link", "hr", "wbr", "source"}:
            return
        own = dict(attrs).get("lang")
        self.stack.append((tag, own or self.stack[-1][1]))

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if data.strip() and self.stack[-1][0] not in {"script", "style"}:
            self.found.append((data.strip(), self.stack[-1][1]))


def texts(page: str, lang: str) -> list[tuple[str, str]]:
    """The texts of ``page`` with their languages."""
    parser = Texts(lang)
    parser.feed(page)
    return parser.found


def left_in_english(shown: list[tuple[str, str]], english: dict[str, str]) -> list[str]:
    """The catalogue texts that a page shows in English: a text in the page's language that
    is one of them, or holds one of several words as a whole."""
    several = [m for m in english if " " in m]
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(m)}(?!\w)" for m in several))
    left = []
    for text, _lang in shown:
        if text in english:
            left.append(text)
        elif found := pattern.search(text):
            left.append(found.group(0))
    return left


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", PAGES)
def test_no_catalogue_text_is_left_in_english(client: TestClient, path: str, lang: str) -> None:
    response = client.get(path, params={"lang": lang})
    assert response.status_code == 200
    shown = texts(response.text, lang)
    assert len(shown) > 20
    ours = [(text, in_lang) for text, in_lang in shown if in_lang == lang]
    assert not left_in_english(ours, english_messages(lang)), path
    # every label is in the page's language: none falls back to English
    assert 'class="fallback"' not in response.text, [t for t, in_lang in shown if in_lang == "en"]


def test_the_check_finds_english_left_on_a_page() -> None:
    english = english_messages("zh")
    page = (
        '<html lang="zh"><body><h1>失业率</h1><td>No data</td>'
        "<p>Labour force by sex and age (thousands), 2024</p>"
        '<p lang="en">Sources: ILOSTAT</p><script>var Total = 1;</script></body></html>'
    )
    shown = [(text, lang) for text, lang in texts(page, "zh") if lang == "zh"]
    assert left_in_english(shown, english) == [
        "No data",
        "Labour force by sex and age (thousands)",
    ]


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != SOURCE])
@pytest.mark.parametrize("package", CATALOGUES)
def test_every_message_of_the_catalogues_has_a_translation(package: str, lang: str) -> None:
    with catalogue(package, lang).open("rb") as po:
        found = [m for m in read_po(po, locale=lang) if m.id]
    assert len(found) > 100
    assert not [m.id for m in found if not m.string or m.fuzzy], (package, lang)


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != SOURCE])
def test_every_text_of_the_bundled_frameworks_is_translated(lang: str) -> None:
    texts = set()
    for code in bundled():
        framework = load_framework(code)
        texts |= {framework.title, framework.description.strip()}
        texts |= {o.title for o in framework.outcomes}
        texts |= {t.title for o in framework.outcomes for t in o.targets}
        texts |= {m.event for m in framework.milestones}
        for _outcome, _target, spec in framework.indicators():
            texts |= {spec.title, spec.note or "", *(b.label for b in spec.breakdowns)}
    texts.discard("")
    assert len(texts) > 80
    assert not sorted(t for t in texts if names.text(t, lang).lang != lang), lang


@pytest.mark.parametrize("lang", LANGS)
def test_labels_in_the_json_twins_are_translated(client: TestClient, lang: str) -> None:
    area = client.get("/areas/KHM.json", params={"lang": lang}).json()
    assert (area["label"], area["label_lang"]) == (names.country("KHM", lang), lang)
    unemployment = next(i for i in area["indicators"] if i["indicator"] == UNEMPLOYMENT)
    assert unemployment["label_lang"] == lang
    assert unemployment["label"] == names.translated(
        "SDG indicator 8.5.2 - Unemployment rate (%)", lang
    )
    grid = client.get("/progress/sdg8.json", params={"area": "KHM", "lang": lang}).json()
    row = next(r for r in grid["assessments"] if r["code"] == "8.5.2")
    title = load_framework("sdg8").indicator("8.5.2")[2].title
    assert (row["title"], row["title_lang"]) == (names.text(title, lang).text, lang)
    assert row["label_lang"] == lang and row["breakdown_lang"] == lang
    home = client.get("/index.json", params={"lang": lang}).json()
    labelled = [c for c in home["contents"] if c["label_lang"] is not None]
    assert labelled and all(c["label_lang"] == lang for c in labelled)


@pytest.mark.parametrize("lang", LANGS)
def test_the_brief_and_the_page_name_an_indicator_and_an_area_alike(
    client: TestClient, demo_url: str, lang: str
) -> None:
    target = engine(demo_url)
    try:
        with target.connect() as connection:
            brief = collect(connection, "KHM", lang)
    finally:
        target.dispose()
    row = next(row for row in brief.headline if row.code == "8.5.2")
    name = names.text(row.title, lang)
    assert name.lang == lang and name.text != row.title
    written = brief_html(brief)
    page = client.get("/progress/sdg8/8.5.2", params={"area": "KHM", "lang": lang}).text
    assert f"8.5.2 {name.text}" in written and f"8.5.2 {name.text}</h1>" in page
    assert brief.label == names.country("KHM", lang) and brief.label_lang == lang
    assert f'<h2 id="area-KHM">{brief.label} <small>KHM</small></h2>' in page


def test_a_label_in_two_parts_is_translated_part_by_part() -> None:
    assert names.text("World: Low income", "zh") == names.Name("世界\uff1a低收入", "zh")
    assert names.text("Sex: Female", "fr").text == "Sexe : Femmes"
    assert names.text("Age (Youth, adults): 15-24", "lo").text.endswith(": 15-24")
    # a part the catalogue lacks leaves the whole label in English
    assert names.text("World: Nowhere in particular", "km") == names.Name(
        "World: Nowhere in particular", "en"
    )
    assert names.label("X_DW", "km") == names.Name("X_DW", None)
    # ILOSTAT's dictionaries and the PES write a label with other capitals: the same name
    assert (
        names.text("Occupation (ISCO-08): 3. Technicians and associate professionals", "fr")
        == names.text("Occupation (ISCO-08): 3. Technicians and Associate Professionals", "fr")
        == names.Name("Profession (CITP-08) : 3. Professions intermédiaires", "fr")
    )
    assert names.area("KHM", "lo", own="ກຳປູເຈຍ (ທ້ອງຖິ່ນ)").text == "ກຳປູເຈຍ (ທ້ອງຖິ່ນ)"
