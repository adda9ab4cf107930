"""The request helpers the API and the pages share: the paging model, the format an address
asks for, and looking up what an address names."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from starlette.requests import Request

from decentwork.errors import BadInput, NotFound
from decentwork.web.requests import MAX_LIMIT, RELEASE, Page, look_up, output_format


def request(query: str) -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "scheme": "http",
            "path": "/things",
            "query_string": query.encode(),
            "headers": [],
            "server": ("example.org", 80),
        }
    )


@pytest.mark.parametrize(
    ("limit", "offset", "total", "previous", "following"),
    [
        (10, 0, 25, None, 10),
        (10, 10, 25, 0, 20),
        (10, 20, 25, 10, None),
        (10, 5, 25, 0, 15),
        (10, 30, 25, 20, None),
        (10, 0, 10, None, None),
        (10, 0, 0, None, None),
    ],
)
def test_the_previous_and_next_pages(
    limit: int, offset: int, total: int, previous: int | None, following: int | None
) -> None:
    page = Page(limit=limit, offset=offset)
    assert (page.preceding(), page.following(total)) == (previous, following)


def test_a_page_as_json_and_as_csv_headers() -> None:
    page = Page(limit=10, offset=10)
    asked = request("q=a&limit=10&offset=10")
    assert page.described(asked, 25) == {
        "total": 25,
        "limit": 10,
        "offset": 10,
        "next": "http://example.org/things?q=a&limit=10&offset=20",
        "previous": "http://example.org/things?q=a&limit=10&offset=0",
    }
    assert page.headers(asked, 25) == {
        "X-Total-Count": "25",
        "Link": '<http://example.org/things?q=a&limit=10&offset=20>; rel="next", '
        '<http://example.org/things?q=a&limit=10&offset=0>; rel="previous"',
    }
    assert Page(limit=10).headers(request(""), 3) == {"X-Total-Count": "3"}


@pytest.mark.parametrize(
    "fields", [{"limit": 0}, {"limit": MAX_LIMIT + 1}, {"offset": -1}, {"colour": "red"}]
)
def test_a_bad_page_is_refused(fields: dict[str, int | str]) -> None:
    with pytest.raises(ValidationError):
        Page.model_validate(fields)


def test_the_format_from_the_suffix_or_the_parameter() -> None:
    assert output_format("csv", None, "html") == "csv"
    assert output_format(None, "json", "html") == "json"
    assert output_format("csv", "csv", "json") == "csv"
    assert output_format(None, None, "html") == "html"
    with pytest.raises(BadInput, match=r"format: 'json' contradicts the path's \.csv") as raised:
        output_format("csv", "json", "html")
    assert (raised.value.parameter, raised.value.given) == ("format", "json")


def test_look_up_or_404() -> None:
    assert look_up(RELEASE, 3, {"id": 3}) == {"id": 3}
    with pytest.raises(NotFound) as raised:
        look_up(RELEASE, 999, None)
    assert raised.value.status == 404
    assert raised.value.message == "release 999: no such release"
    assert raised.value.details() == {
        "parameter": "release",
        "given": "999",
        "hint": "GET /api/v1/releases lists the releases",
    }
