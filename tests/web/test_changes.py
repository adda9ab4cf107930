"""``/api/v1/changes`` and the indicator page's changes: a warehouse holding the observations
and the changes ``decentwork compute --changes`` gave for a seeded 3-month synthetic survey
answers with the same numbers (JSON and CSV, filtered, as of a release), and the explorer
shows each change with its SE and significance, numbers written for the page's language."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from decentwork.formatting import number, style_of
from decentwork.observations import CHANGE_COLUMNS, KEY_COLUMNS
from decentwork.web.app import create_app
from tests.indicators.test_compute_changes import CODES
from tests.indicators.test_compute_changes import months as months
from tests.warehouse.conftest import assert_ok, invoke
from tests.warehouse.test_changes import computed as computed
from tests.warehouse.test_changes import read_changes

KEY = list(KEY_COLUMNS)
CODE = CODES[0]


@pytest.fixture
def client(url: str, computed: tuple[Path, Path], tmp_path: Path) -> Iterator[TestClient]:
    """A client of the application on a warehouse holding the observations, the changes
    (release 2) and a revision of the first change (release 3)."""
    observations, changes = computed
    assert_ok(invoke("load", "--db", url, observations))
    assert_ok(invoke("load", "--db", url, changes))
    revised = read_changes(changes)
    revised.loc[0, "change"] += 1.0
    revised.to_csv(tmp_path / "lfs-changes.csv", index=False)
    assert_ok(invoke("load", "--db", url, tmp_path / "lfs-changes.csv"))
    with TestClient(create_app(url)) as served:
        yield served


def test_the_api_gives_the_changes_loaded(client: TestClient, computed: tuple[Path, Path]) -> None:
    written = read_changes(computed[1])
    answer = client.get("/api/v1/changes", params={"as_of": "2", "limit": 1000}).json()
    assert answer["total"] == len(written)
    found = pd.DataFrame(answer["changes"]).sort_values(KEY).reset_index(drop=True)
    assert list(answer["changes"][0]) == [*KEY, *CHANGE_COLUMNS]
    assert found[[*KEY, "since"]].values.tolist() == written[[*KEY, "since"]].values.tolist()
    for column in ("change", "change_se"):
        np.testing.assert_allclose(found[column], written[column], rtol=1e-12)
    assert found["change_significant"].tolist() == written["change_significant"].tolist()

    latest = client.get("/api/v1/changes.json", params={"limit": 1000}).json()["changes"]
    first = written.iloc[0]
    row = next(r for r in latest if all(r[k] == first[k] for k in KEY))
    assert row["change"] == pytest.approx(first["change"] + 1.0, rel=1e-12)

    women = client.get("/api/v1/changes.csv", params={"sex": "SEX_F", "time": "2024"})
    assert women.status_code == 200 and women.headers["content-type"].startswith("text/csv")
    table = pd.read_csv(io.StringIO(women.text), keep_default_na=False)
    assert list(table.columns) == [*KEY, *CHANGE_COLUMNS]
    assert set(table["sex"]) == {"SEX_F"} and len(table) == (written["sex"] == "SEX_F").sum()
    assert int(women.headers["X-Total-Count"]) == len(table)
    unknown = client.get("/api/v1/changes", params={"ref_area": "XYZ"})
    assert unknown.status_code == 404


def test_the_indicator_page_shows_the_changes(
    client: TestClient, computed: tuple[Path, Path]
) -> None:
    written = read_changes(computed[1])
    national = written[
        (written["sex"] == "SEX_T")
        & (written["indicator"] == CODE)
        & (written["time"] == "2024M03")
    ].iloc[0]
    style = style_of(code=CODE)
    page = client.get(
        f"/indicators/{CODE}", params={"ref_area": "X_DW", "classif1": national["classif1"]}
    )
    assert page.status_code == 200
    assert "Changes since the previous period" in page.text
    assert number(national["change"], style, signed=True) in page.text
    assert number(national["change_se"], style) in page.text
    french = client.get(
        f"/indicators/{CODE}",
        params={"ref_area": "X_DW", "classif1": national["classif1"], "lang": "fr"},
    )
    assert "Évolutions depuis la période précédente" in french.text
    assert number(national["change_se"], style, "fr") in french.text
    json = client.get(f"/indicators/{CODE}", params={"ref_area": "X_DW", "format": "json"})
    assert "changes" not in json.json()  # the page's data and downloads are the observations
