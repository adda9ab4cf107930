"""Who publishes a key, and loads that must not withdraw what they did not mean to: a key
passing to another dataset, ``--skip-bad``, empty files, several files into one dataset,
filtered aggregates; strict numbers and lengths; SDMX-CSV notes and other dimensions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from decentwork import observations
from decentwork.observations.writers import write
from decentwork.warehouse import LoadError, load_file, load_files, view
from decentwork.warehouse.views import Filters
from tests.warehouse.conftest import assert_refused, invoke, write_csv

HEADER = (
    "ref_area",
    "indicator",
    "source",
    "sex",
    "classif1",
    "time",
    "obs_value",
    "obs_status",
    "sample_count",
)


def _row(time: str, value: str = "1.5", area: str = "KHM", count: str = "") -> list[str]:
    return [
        area,
        "UNE_DEAP_SEX_AGE_RT",
        "BA:1321",
        "SEX_T",
        "AGE_YTHADULT_YGE15",
        time,
        value,
        "",
        count,
    ]


def _latest(target: sa.Engine) -> list[str]:
    with target.connect() as connection:
        return sorted(view(connection)["time"])


def test_a_key_passes_to_the_dataset_that_publishes_it_last(
    warehouse: sa.Engine, tmp_path: Path
) -> None:
    load_file(
        warehouse, write_csv(tmp_path / "a1.csv", HEADER, [_row("2020"), _row("2021")]), dataset="A"
    )
    moved = load_file(
        warehouse, write_csv(tmp_path / "b1.csv", HEADER, [_row("2021")]), dataset="B"
    )
    assert (moved.changed, moved.unchanged) == (1, 0)  # same value, new publisher
    load_file(warehouse, write_csv(tmp_path / "a2.csv", HEADER, [_row("2020")]), dataset="A")
    assert _latest(warehouse) == ["2020", "2021"]  # A no longer owns 2021: not withdrawn


def test_skip_bad_withdraws_nothing(warehouse: sa.Engine, tmp_path: Path) -> None:
    load_file(warehouse, write_csv(tmp_path / "v1" / "d.csv", HEADER, [_row("2019"), _row("2020")]))
    report = load_file(
        warehouse,
        write_csv(tmp_path / "v2" / "d.csv", HEADER, [_row("2019", "2.5"), _row("2020", "n/a")]),
        skip_bad=True,
    )
    assert (report.changed, report.withdrawn, report.rejected) == (1, 0, 1)
    assert _latest(warehouse) == ["2019", "2020"]


def test_an_empty_full_release_is_refused(warehouse: sa.Engine, tmp_path: Path) -> None:
    load_file(warehouse, write_csv(tmp_path / "v1" / "d.csv", HEADER, [_row("2019")]))
    empty = write_csv(tmp_path / "v2" / "d.csv", HEADER, [])
    with pytest.raises(LoadError, match="no observations; as a full release it would withdraw"):
        load_file(warehouse, empty)
    assert load_file(warehouse, empty, full=False).added == 0
    assert _latest(warehouse) == ["2019"]


def test_several_files_into_one_dataset_must_be_partial(
    warehouse: sa.Engine, url: str, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "a.csv", HEADER, [_row("2019")])
    second = write_csv(tmp_path / "b.csv", HEADER, [_row("2020", area="LAO")])
    with pytest.raises(
        LoadError,
        match=r"withdraw the others' rows; load them as partial "
        r"releases \(full=False\)",
    ) as refused:
        load_files(warehouse, [first, second], dataset="X")
    assert refused.value.parameter == "dataset"
    assert_refused(
        invoke("load", "--db", url, "--dataset", "X", first, second),
        "--dataset X with 2 files",
        "Hint: Nothing was loaded",
    )
    load_files(warehouse, [first, second], dataset="X", full=False)
    with warehouse.connect() as connection:
        assert sorted(view(connection)["ref_area"]) == ["KHM", "LAO"]


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("obs_value", "1_000", "'1_000' is not a number"),
        ("obs_value", "١٢", "'١٢' is not a number"),
        ("obs_value", "inf", "'inf' is not a number"),
        ("sample_count", "2.7", "'2.7' is not a whole number of records"),
        ("sample_count", "1e30", "'1e30' is not a whole number of records"),
        ("sample_count", "99999999999999999999", "is not a whole number of records"),
        ("source", "S" * 101, "longer than 100 characters"),
    ],
)
def test_strict_numbers_and_lengths(
    warehouse: sa.Engine, tmp_path: Path, field: str, value: str, problem: str
) -> None:
    row = _row("2020", count="12")
    row[HEADER.index(field)] = value
    path = write_csv(tmp_path / "d.csv", HEADER, [row])
    with pytest.raises(LoadError, match=None) as raised:
        load_file(warehouse, path)
    assert f"d.csv:2: {field}: " in str(raised.value) and problem in str(raised.value)


def test_plain_numbers_are_read(warehouse: sa.Engine, tmp_path: Path) -> None:
    rows = [
        _row("2018", " 12 ", count="7"),
        _row("2019", "1e3", count="7.0"),
        _row("2020", "-0", count="+3"),
        _row("2021", ".5"),
    ]
    load_file(warehouse, write_csv(tmp_path / "d.csv", HEADER, rows))
    with warehouse.connect() as connection:
        found = view(connection).set_index("time")
    assert found["obs_value"].tolist() == [12.0, 1000.0, 0.0, 0.5]
    assert found["sample_count"].tolist()[:3] == [7, 7, 3]


def test_an_unwritable_rejects_file_refuses_the_load(warehouse: sa.Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", HEADER, [_row("2019"), _row("2020", "n/a")])
    (tmp_path / "d.csv.rejects.csv").mkdir()
    with pytest.raises(LoadError, match="cannot write the rejected rows"):
        load_file(warehouse, path, skip_bad=True)
    with warehouse.connect() as connection:
        assert view(connection).empty


def test_sdmx_csv_keeps_notes_and_other_dimensions(warehouse: sa.Engine, tmp_path: Path) -> None:
    frame = observations.frame(
        pd.DataFrame(
            [
                {
                    "ref_area": "KHM",
                    "indicator": "SDG_0852_SEX_DSB_RT",
                    "source": "BA:1321",
                    "sex": "SEX_T",
                    "classif1": "DSB_STATUS_DIS",
                    "classif2": "AGE_YTHADULT_YGE15",
                    "time": "2019",
                    "obs_value": 0.5,
                    "note_indicator": "T30:110",
                    "note_source": "R1:3513",
                    "note_classif": "C6:1",
                },
                {
                    "ref_area": "KHM",
                    "indicator": "SDG_0852_SEX_DSB_RT",
                    "source": "BA:1321",
                    "sex": "SEX_T",
                    "classif1": "DSB_STATUS_NODIS",
                    "classif2": "AGE_YTHADULT_YGE15",
                    "time": "2019",
                    "obs_value": 0.4,
                },
            ]
        )
    )
    path = tmp_path / "dsb.csv"
    write(frame, path, "sdmx-csv")
    load_file(warehouse, path)
    with warehouse.connect() as connection:
        found = view(connection, Filters({"indicator": ["SDG_0852_SEX_DSB_RT"]}))
    pd.testing.assert_frame_equal(found, observations.sort(frame), check_exact=True)
