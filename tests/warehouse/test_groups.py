"""Area groups and ``decentwork aggregate``: a group of Canadian provinces from the real
Statistics Canada file, whose weighted-mean unemployment rate must equal the rate computed
directly from the microdata of those provinces."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from decentwork.indicators import compute
from decentwork.observations.writers import write
from decentwork.survey import load_profile
from decentwork.warehouse import engine, load_file, view
from decentwork.warehouse.aggregate import AggregateError, aggregate, weight_indicator
from decentwork.warehouse.contents import state_mark
from decentwork.warehouse.groups import GroupError, bundled, define, delete, group, groups
from decentwork.warehouse.load import IndicatorMetadata
from decentwork.warehouse.views import Filters
from tests.survey.conftest import STATCAN_2024_01
from tests.warehouse.conftest import assert_ok, assert_refused, invoke

ATLANTIC = ["CA-NL", "CA-PE", "CA-NS", "CA-NB"]
PROV = {"CA-NL": 10, "CA-PE": 11, "CA-NS": 12, "CA-NB": 13}
INDICATORS = [
    "UNE_DEAP_SEX_AGE_RT",
    "EAP_TEAP_SEX_AGE_NB",
    "POP_XWAP_SEX_AGE_NB",
    "EAP_DWAP_SEX_AGE_RT",
]


@pytest.fixture(scope="module")
def statcan_observations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The January 2024 indicators of the Statistics Canada file, as an observation CSV."""
    assert STATCAN_2024_01.is_file(), f"{STATCAN_2024_01} is missing"
    # Statistics Canada's definition only (the profile's ICLS variant is a source of its own).
    national = load_profile("statcan-lfs").model_copy(update={"variants": {}})
    result = compute(national, STATCAN_2024_01, indicators=INDICATORS)
    path = tmp_path_factory.mktemp("statcan") / "can-2024m01.csv"
    write(result.observations, path, "csv")
    return path


@pytest.fixture
def loaded(url: str, statcan_observations: Path) -> sa.Engine:
    target = engine(url)
    load_file(target, statcan_observations)
    return target


def _microdata_rate(provinces: list[str]) -> float:
    """Unemployment rate (percent) of these provinces straight from the PUMF."""
    with zipfile.ZipFile(STATCAN_2024_01) as archive:
        member = next(n for n in archive.namelist() if n.startswith("pub"))
        with archive.open(member) as handle:
            frame = pd.read_csv(handle, usecols=["PROV", "LFSSTAT", "FINALWT"])
    frame = frame[frame["PROV"].isin([PROV[p] for p in provinces])]
    unemployed = frame.loc[frame["LFSSTAT"] == 3, "FINALWT"].sum()
    labour_force = frame.loc[frame["LFSSTAT"].isin([1, 2, 3]), "FINALWT"].sum()
    return 100 * unemployed / labour_force


def test_bundled_groups() -> None:
    found = bundled()
    assert {"X_G20", "X_BRICS", "X_ASEAN", "X_MEKONG"} <= set(found)
    assert {"KHM", "LAO"} <= set(found["X_ASEAN"].members)
    assert "CHN" in found["X_BRICS"].members and len(found["X_G20"].members) == 19


def test_define_redefine_and_delete(warehouse: sa.Engine) -> None:
    with warehouse.begin() as connection:
        define(connection, "X_SSC", "South-South partners", ["khm", "LAO", "CHN"])
        assert group(connection, "X_SSC").members == ("CHN", "KHM", "LAO")
        define(connection, "X_ASEAN", "ASEAN (my version)", ["KHM", "LAO"])
        assert not groups(connection)["X_ASEAN"].bundled
        delete(connection, "X_ASEAN")
        assert groups(connection)["X_ASEAN"].bundled
        with pytest.raises(GroupError, match="must be ISO 3166 area codes; not areas: ZZZ"):
            define(connection, "X_BAD", "bad", ["KHM", "ZZZ"])
        with pytest.raises(GroupError, match="expected X_ followed by"):
            define(connection, "ASEAN", "no prefix", ["KHM"])
        with pytest.raises(GroupError, match="no group 'X_NONE'"):
            group(connection, "X_NONE")
        with pytest.raises(GroupError, match="no user-defined group 'X_G20'"):
            delete(connection, "X_G20")


def test_weighted_mean_equals_the_microdata_rate(loaded: sa.Engine) -> None:
    with loaded.begin() as connection:
        atlantic = define(connection, "X_ATLANTIC", "Atlantic provinces", ATLANTIC)
        result = aggregate(connection, atlantic, "UNE_DEAP_SEX_AGE_RT")
    rows = result.rows.set_index(["sex", "classif1"])
    value = rows.loc[("SEX_T", "AGE_YTHADULT_YGE15"), "obs_value"]
    assert value == pytest.approx(_microdata_rate(ATLANTIC), rel=1e-12)
    note = rows.loc[("SEX_T", "AGE_YTHADULT_YGE15"), "note_indicator"]
    assert "Weighted mean of 4 of 4 members of X_ATLANTIC" in note
    assert "coverage 100.0 % (the smaller of the weight EAP_TEAP_SEX_AGE_NB share" in note
    assert set(result.rows["ref_area"]) == {"X_ATLANTIC"}
    assert set(result.rows["source"]) == {"DW:AGGREGATE"}
    with loaded.connect() as connection:
        stored = view(connection, Filters({"ref_area": ["X_ATLANTIC"]}))
    assert len(stored) == len(result.rows) and result.report is not None
    with loaded.begin() as connection:
        again = aggregate(connection, atlantic, "UNE_DEAP_SEX_AGE_RT")
    assert again.report is not None and again.report.already_loaded


def test_levels_are_summed(loaded: sa.Engine) -> None:
    with loaded.begin() as connection:
        atlantic = define(connection, "X_ATLANTIC", "Atlantic provinces", ATLANTIC)
        result = aggregate(connection, atlantic, "EAP_TEAP_SEX_AGE_NB", store=False)
        levels = view(
            connection,
            Filters(
                {
                    "indicator": ["EAP_TEAP_SEX_AGE_NB"],
                    "ref_area": ATLANTIC,
                    "sex": ["SEX_T"],
                    "classif1": ["AGE_YTHADULT_YGE15"],
                }
            ),
        )
    total = result.rows.query("sex == 'SEX_T' and classif1 == 'AGE_YTHADULT_YGE15'")
    assert total["obs_value"].item() == pytest.approx(levels["obs_value"].sum(), rel=1e-12)
    assert result.report is None


def test_coverage_is_reported_and_enforced(loaded: sa.Engine) -> None:
    with loaded.begin() as connection:
        mixed = define(
            connection,
            "X_MIXED",
            "Two provinces and a country without data",
            ["CA-NL", "CA-PE", "USA"],
        )
        result = aggregate(connection, mixed, "UNE_DEAP_SEX_AGE_RT", store=False)
        # the United States has neither rate nor weight: 2 of 3 members, coverage 2/3
        first = result.rows.iloc[0]
        assert "2 of 3 members" in first["note_indicator"]
        assert "coverage 66.7 %" in first["note_indicator"] and first["obs_status"] == "E"
        assert aggregate(
            connection, mixed, "UNE_DEAP_SEX_AGE_RT", store=False, min_coverage=0.9
        ).rows.empty
        strict = define(connection, "X_STRICT", "Atlantic", ATLANTIC)
        with pytest.raises(AggregateError, match="expected a share"):
            aggregate(connection, strict, "UNE_DEAP_SEX_AGE_RT", min_coverage=0)
        empty = define(connection, "X_EMPTY", "No data", ["USA", "MEX"])
        with pytest.raises(AggregateError, match="no data for any member of X_EMPTY"):
            aggregate(connection, empty, "UNE_DEAP_SEX_AGE_RT")


def test_partial_coverage_below_the_threshold_is_refused(
    loaded: sa.Engine, statcan_observations: Path, tmp_path: Path
) -> None:
    """New Brunswick's rates withdrawn by a revised release: the group keeps its labour
    force weight, so coverage is the other three provinces' share of the Atlantic labour
    force."""
    revised = pd.read_csv(statcan_observations, dtype=str, keep_default_na=False)
    revised = revised[
        ~((revised["ref_area"] == "CA-NB") & (revised["indicator"] == "UNE_DEAP_SEX_AGE_RT"))
    ]
    path = tmp_path / "can-2024m01.csv"
    revised.to_csv(path, index=False)
    report = load_file(loaded, path)
    assert report.withdrawn > 0
    with loaded.begin() as connection:
        atlantic = define(connection, "X_ATLANTIC", "Atlantic provinces", ATLANTIC)
        lenient = aggregate(connection, atlantic, "UNE_DEAP_SEX_AGE_RT", store=False)
        strict = aggregate(
            connection, atlantic, "UNE_DEAP_SEX_AGE_RT", store=False, min_coverage=0.95
        )
        force = view(
            connection,
            Filters(
                {
                    "indicator": ["EAP_TEAP_SEX_AGE_NB"],
                    "ref_area": ATLANTIC,
                    "sex": ["SEX_T"],
                    "classif1": ["AGE_YTHADULT_YGE15"],
                }
            ),
        )
    share = min(
        1 - force.set_index("ref_area").loc["CA-NB", "obs_value"] / force["obs_value"].sum(), 3 / 4
    )
    total = lenient.rows.query("sex == 'SEX_T' and classif1 == 'AGE_YTHADULT_YGE15'")
    assert total["obs_status"].item() == "E"
    assert f"coverage {100 * share:.1f} %" in total["note_indicator"].item()
    assert total["obs_value"].item() == pytest.approx(
        _microdata_rate(["CA-NL", "CA-PE", "CA-NS"]), rel=1e-12
    )
    assert strict.rows.empty and len(strict.refused) == len(lenient.rows)


def test_default_weights() -> None:
    assert weight_indicator("UNE_DEAP_SEX_AGE_RT") == "EAP_TEAP_SEX_AGE_NB"
    assert weight_indicator("EMP_DWAP_SEX_AGE_GEO_RT") == "POP_XWAP_SEX_AGE_GEO_NB"
    with pytest.raises(AggregateError, match="give the level that weights it as weight"):
        weight_indicator("SDG_0861_SEX_RT")


def test_cli(loaded: sa.Engine, url: str) -> None:
    assert_ok(
        invoke(
            "groups",
            "define",
            "X_ATLANTIC",
            "--members",
            ",".join(ATLANTIC),
            "--label",
            "Atlantic provinces",
            "--db",
            url,
        )
    )
    listing = invoke("groups", "list", "--db", url)
    assert_ok(listing)
    assert "X_ATLANTIC" in listing.output and "X_G20" in listing.output
    assert "Arab States" in listing.output and "(57 areas)" in listing.output
    one = invoke("groups", "list", "--code", "X49", "--db", url)
    assert_ok(one)
    assert "KHM" in one.output and "LAO" in one.output and "X06" not in one.output
    assert_refused(invoke("groups", "list", "--code", "X_NOPE", "--db", url), "no group 'X_NOPE'")
    result = invoke("aggregate", "X_ATLANTIC", "UNE_DEAP_SEX_AGE_RT", "--sex", "SEX_T", "--db", url)
    assert_ok(result)
    assert "X_ATLANTIC" in result.output
    assert_refused(
        invoke("aggregate", "X_NOPE", "UNE_DEAP_SEX_AGE_RT", "--db", url), "no group 'X_NOPE'"
    )
    assert_refused(
        invoke("aggregate", "X_ATLANTIC", "SDG_0861_SEX_RT", "--db", url), "no default weight"
    )
    assert_ok(invoke("groups", "delete", "X_ATLANTIC", "--db", url))


def _metadata(target: sa.Engine) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """The indicators table (code: unit, definition) and the English indicator labels."""
    with target.connect() as connection:
        described = {
            code: (unit, definition)
            for code, unit, definition in connection.execute(
                sa.text("SELECT code, unit, definition FROM indicators")
            )
        }
        labels = dict(
            connection.execute(
                sa.text("SELECT code, label FROM labels WHERE kind = 'indicator' AND lang = 'en'")
            ).all()
        )
    return described, labels


def test_loading_decentwork_output_records_indicator_metadata(
    url: str, statcan_observations: Path, tmp_path: Path
) -> None:
    assert_ok(invoke("load", "--db", url, statcan_observations))
    target = engine(url)
    try:
        described, labels = _metadata(target)
    finally:
        target.dispose()
    assert sorted(described) == sorted(INDICATORS)
    assert described["UNE_DEAP_SEX_AGE_RT"] == (
        "percent",
        "Unemployed / Labour force (employed plus unemployed) x 100",
    )
    assert described["EAP_TEAP_SEX_AGE_NB"][0] == "thousands"
    assert labels["UNE_DEAP_SEX_AGE_RT"] == "Unemployment rate by sex and age (%) (LU1)"
    out = tmp_path / "une.xlsx"
    assert_ok(
        invoke(
            "query",
            "--indicator",
            "UNE_DEAP_SEX_AGE_RT",
            "--format",
            "xlsx",
            "--out",
            out,
            "--db",
            url,
        )
    )
    notes = pd.read_excel(out, sheet_name="notes")
    assert notes.loc[0, "unit"] == "percent" and "Labour force" in notes.loc[0, "definition"]


def test_the_warehouse_records_the_metadata_its_caller_gives(
    loaded: sa.Engine, statcan_observations: Path
) -> None:
    """The library knows no catalogue: a load records the metadata given with it, of the
    indicators loaded only, and keeps a label a dictionary gave; the aggregate command gives
    the catalogue's."""
    assert _metadata(loaded) == ({}, {})
    given = [
        IndicatorMetadata("UNE_DEAP_SEX_AGE_RT", "percent", "a rate", "Unemployment"),
        IndicatorMetadata("POP_XWAP_SEX_AGE_NB", "thousands", "people", "Population"),
        IndicatorMetadata("NOT_LOADED_RT", "percent", "absent", "Absent"),
    ]
    with loaded.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO labels VALUES ('indicator', "
                "'POP_XWAP_SEX_AGE_NB', 'en', 'From a dictionary')"
            )
        )
    load_file(loaded, statcan_observations, dataset="again", metadata=given)
    described, labels = _metadata(loaded)
    assert described == {
        "UNE_DEAP_SEX_AGE_RT": ("percent", "a rate"),
        "POP_XWAP_SEX_AGE_NB": ("thousands", "people"),
    }
    assert labels == {
        "UNE_DEAP_SEX_AGE_RT": "Unemployment",
        "POP_XWAP_SEX_AGE_NB": "From a dictionary",
    }
    address = loaded.url.render_as_string(hide_password=False)
    assert_ok(
        invoke(
            "groups",
            "define",
            "X_ATLANTIC",
            "--members",
            ",".join(ATLANTIC),
            "--label",
            "Atlantic provinces",
            "--db",
            address,
        )
    )
    assert_ok(invoke("aggregate", "X_ATLANTIC", "UNE_DEAP_SEX_AGE_RT", "--db", address))
    assert _metadata(loaded)[0]["UNE_DEAP_SEX_AGE_RT"] == (
        "percent",
        "Unemployed / Labour force (employed plus unemployed) x 100",
    )


def test_a_filtered_aggregate_revises_only_what_it_computed(loaded: sa.Engine) -> None:
    with loaded.begin() as connection:
        atlantic = define(connection, "X_ATLANTIC", "Atlantic provinces", ATLANTIC)
        whole = aggregate(connection, atlantic, "UNE_DEAP_SEX_AGE_RT")
        women = aggregate(connection, atlantic, "UNE_DEAP_SEX_AGE_RT", codes={"sex": ["SEX_F"]})
    assert women.report is not None and women.report.withdrawn == 0
    with loaded.connect() as connection:
        stored = view(connection, Filters({"ref_area": ["X_ATLANTIC"]}))
    assert len(stored) == len(whole.rows)


def test_the_state_mark_sees_changes_that_keep_the_counts(
    warehouse: sa.Engine, tmp_path: Path
) -> None:
    """The web cache trusts the mark: a group re-membered with as many members, or a label
    replaced by another, must change it as a load does."""

    def mark() -> tuple[int, int]:
        with warehouse.connect() as connection:
            return state_mark(connection)

    marks = [mark()]
    with warehouse.begin() as connection:
        define(connection, "X_SSC", "South-South partners", ["KHM", "LAO"])
    marks.append(mark())
    with warehouse.begin() as connection:
        define(connection, "X_SSC", "South-South partners", ["KHM", "THA"])
    marks.append(mark())
    dictionary = tmp_path / "ref_area_en.csv"
    for label in ("Cambodia", "Kingdom of Cambodia"):
        dictionary.write_text(f'ref_area, ref_area.label\n"KHM","{label}"\n', encoding="utf-8")
        load_file(warehouse, dictionary)
        marks.append(mark())
    load_file(warehouse, dictionary)  # the same labels again: nothing changed
    assert mark() == marks[-1]
    with warehouse.begin() as connection:
        delete(connection, "X_SSC")
    marks.append(mark())
    assert len(set(marks)) == len(marks), marks
