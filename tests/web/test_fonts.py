"""The fonts for Khmer, Lao and Chinese: served by the app itself (``/static/fonts.css`` and
``/static/fonts/``), linked from every page, each face limited to its unicode-range."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from tests.web.conftest import Served

STYLE = "/static/fonts.css"
FACE = re.compile(r"@font-face\s*\{([^}]*)\}")


def faces(served: Served) -> list[str]:
    """The bodies of the style sheet's ``@font-face`` rules."""
    response = served.client.get(STYLE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    return FACE.findall(response.text)


def test_every_font_the_style_sheet_names_is_served(served: Served) -> None:
    found = faces(served)
    files = [url for body in found for url in re.findall(r"url\(([^)]+)\)", body)]
    assert len(files) == len(found) > 200
    for url in files:
        assert re.fullmatch(r"fonts/[a-z0-9-]+\.woff2", url), url
        response = served.client.get(f"/static/{url}")
        assert response.status_code == 200, url
        assert response.headers["content-type"] == "font/woff2", url
        assert response.content[:4] == b"wOF2", url


def test_every_face_is_a_subset_shown_while_it_loads(served: Served) -> None:
    families = set()
    for body in faces(served):
        assert "font-display:swap" in body.replace(" ", "")
        assert re.search(r"unicode-range:\s*U\+", body)
        assert re.search(r"font-weight:\s*(400|700)\b", body)
        families.add(re.search(r"font-family:\s*'([^']+)'", body).group(1))
    assert families == {"Noto Sans Khmer", "Noto Sans Lao", "Noto Sans SC"}


@pytest.mark.parametrize(
    ("lang", "family"), [("km", "Noto Sans Khmer"), ("lo", "Noto Sans Lao"), ("zh", "Noto Sans SC")]
)
def test_each_script_has_its_font_stack(served: Served, lang: str, family: str) -> None:
    text = served.client.get(STYLE).text
    assert re.search(rf':lang\({lang}\)\s*\{{\s*font-family:\s*"{family}",', text)


def test_fonts_ship_with_their_licence_and_nothing_from_elsewhere(served: Served) -> None:
    text = served.client.get(STYLE).text
    assert not re.search(r"https?://|//|@import", text.split("*/", 1)[1])
    folder = resources.files("decentwork.web").joinpath("static", "fonts")
    names = {entry.name for entry in folder.iterdir()}
    assert {
        "OFL-noto-sans-khmer.txt",
        "OFL-noto-sans-lao.txt",
        "OFL-noto-sans-sc.txt",
        "README.md",
    } <= names
    assert all(
        "SIL Open Font License, Version 1.1" in folder.joinpath(name).read_text()
        for name in names
        if name.startswith("OFL-")
    )


@pytest.mark.parametrize(
    "path", ["/", "/areas/KHM?lang=km", "/data?lang=lo", "/releases?lang=zh", "/nothing?lang=km"]
)
def test_every_page_links_the_fonts(served: Served, path: str) -> None:
    html = served.client.get(path).text
    assert f'<link rel="stylesheet" href="{STYLE}">' in html
