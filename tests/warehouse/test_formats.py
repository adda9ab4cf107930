"""Importers, detected from the content: an ILOSTAT bulk file gzipped with its byte-order mark,
files without classification, status or note columns, decentwork's own CSV and Parquet,
SDMX-CSV written by decentwork (and back), a World Bank WDI file and the ILOSTAT dictionaries
(labels, which the Excel workbook puts beside the codes)."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import openpyxl
import pandas as pd
import sqlalchemy as sa

from decentwork import observations
from decentwork.observations.writers import write
from decentwork.warehouse import load_file, view
from decentwork.warehouse.load import load_files
from decentwork.warehouse.tables import labels
from tests.warehouse.conftest import (
    DICTIONARY,
    ILOSTAT_HEADER,
    WDI,
    assert_ok,
    assert_same,
    bulk_file,
    counts,
    invoke,
    read_observations,
    write_csv,
)


def latest(target: sa.Engine) -> pd.DataFrame:
    with target.connect() as connection:
        return view(connection)


def test_gzipped_bulk_file_with_a_byte_order_mark(warehouse: sa.Engine, tmp_path: Path) -> None:
    source = bulk_file("SDG_0861_SEX_RT_A.csv")
    raw = source.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    packed = tmp_path / "SDG_0861_SEX_RT_A.csv.gz"
    packed.write_bytes(gzip.compress(raw))
    report = load_file(warehouse, packed)
    assert (report.format, report.dataset, report.rows_read, report.added) == (
        "ilostat-bulk",
        "SDG_0861_SEX_RT_A",
        6262,
        6262,
    )
    found = latest(warehouse)
    assert_same(found, read_observations(source))
    assert set(found["classif1"]) == set(found["classif2"]) == {""}
    assert found["note_source"].ne("").any()


def test_bulk_file_without_classification_status_or_notes(warehouse: sa.Engine) -> None:
    source = bulk_file("SDG_A821_NOC_RT_A.csv")
    header = source.read_text("utf-8-sig").splitlines()[0]
    assert header == "ref_area,indicator,source,time,obs_value"
    report = load_file(warehouse, source)
    assert (report.format, report.rows_read) == ("ilostat-bulk", 4571)
    found = latest(warehouse)
    assert_same(found, read_observations(source))
    for column in (
        "sex",
        "classif1",
        "classif2",
        "obs_status",
        "note_indicator",
        "note_source",
        "note_classif",
    ):
        assert set(found[column]) == {""}, column


def test_minimal_table_without_bom(warehouse: sa.Engine, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "minimal.csv",
        ("ref_area", "indicator", "time", "obs_value"),
        [("KHM", "X_IND", "2024Q1", "1.5"), ("KHM", "X_IND", "2024M02", "-2")],
        bom=False,
    )
    report = load_file(warehouse, path)
    assert (report.format, report.dataset, report.added) == ("ilostat-bulk", "minimal", 2)
    assert_same(latest(warehouse), read_observations(path))


def small_frame() -> pd.DataFrame:
    """Observations as decentwork computes them: uncertainty columns, notes, annual, quarterly
    and monthly times, one and two classifications, a missing value with its status."""
    rows = [
        dict(
            ref_area="KHM",
            indicator="UNE_DEAP_SEX_AGE_RT",
            source="BA:1321",
            sex="SEX_T",
            classif1="AGE_YTHADULT_YGE15",
            time="2024",
            obs_value=0.499,
            obs_status="B",
            se=0.0125,
            lower_bound=0.474,
            upper_bound=0.524,
            cv=2.505,
            sample_count=12345,
            note_indicator="T30:110",
            note_source="R1:3513",
            note_classif="C1:971",
        ),
        dict(
            ref_area="KHM",
            indicator="UNE_DEAP_SEX_AGE_RT",
            source="BA:1321",
            sex="SEX_F",
            classif1="AGE_YTHADULT_YGE15",
            time="2024Q1",
            obs_value=1.25,
            se=0.5,
            lower_bound=0.27,
            upper_bound=2.23,
            cv=40.0,
            sample_count=815,
        ),
        dict(
            ref_area="LAO",
            indicator="UNE_DEAP_SEX_AGE_GEO_RT",
            source="BA:2",
            sex="SEX_M",
            classif1="AGE_YTHADULT_Y15-24",
            classif2="GEO_COV_URB",
            time="2024M01",
            obs_value=17.5,
            se=1.75,
            cv=10.0,
            sample_count=40,
        ),
        dict(
            ref_area="LAO",
            indicator="UNE_DEAP_SEX_AGE_GEO_RT",
            source="BA:2",
            sex="SEX_M",
            classif1="AGE_YTHADULT_Y15-24",
            classif2="GEO_COV_RUR",
            time="2024M12",
            obs_value=float("nan"),
            obs_status="S",
            sample_count=3,
        ),
        dict(
            ref_area="X_ASEAN",
            indicator="EMP_2EMP_SEX_ECO_NB",
            source="",
            sex="SEX_T",
            classif1="ECO_AGGREGATE_TOTAL",
            time="2023",
            obs_value=123456.75,
        ),
    ]
    return observations.sort(observations.frame(pd.DataFrame(rows)))


def test_decentwork_parquet(warehouse: sa.Engine, tmp_path: Path) -> None:
    frame = small_frame()
    path = tmp_path / "estimates.parquet"
    write(frame, path, "parquet")
    report = load_file(warehouse, path)
    assert (report.format, report.dataset, report.added) == ("decentwork", "estimates", 5)
    pd.testing.assert_frame_equal(latest(warehouse), frame, check_exact=True)


def test_decentwork_csv(warehouse: sa.Engine, tmp_path: Path) -> None:
    frame = small_frame()
    path = tmp_path / "estimates.csv"
    write(frame, path, "csv")
    report = load_file(warehouse, path)
    assert (report.format, report.added) == ("decentwork", 5)
    pd.testing.assert_frame_equal(latest(warehouse), frame, check_exact=True)


def test_sdmx_csv_round_trip(warehouse: sa.Engine, url: str, tmp_path: Path) -> None:
    frame = small_frame()
    path = tmp_path / "estimates.csv"
    write(frame, path, "sdmx-csv")
    written = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert {"2024", "2024-Q1", "2024-01", "2024-12", "2023"} == set(written["TIME_PERIOD"])
    report = load_file(warehouse, path)
    assert (report.format, report.dataset, report.added) == ("sdmx-csv", "estimates", 5)
    found = latest(warehouse)
    pd.testing.assert_frame_equal(found, frame, check_exact=True)
    assert {"2024", "2024Q1", "2024M01", "2024M12", "2023"} == set(found["time"])
    result = invoke("query", "--db", url, "--format", "sdmx-csv")
    assert_ok(result)
    back = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(back, written)


def test_sdmx_csv_keeps_the_classifications_in_order(warehouse: sa.Engine, tmp_path: Path) -> None:
    frame = observations.frame(
        pd.DataFrame(
            [
                dict(
                    ref_area="KHM",
                    indicator="EMP_TEMP_SEX_STE_GEO_NB",
                    source="BA:1321",
                    sex="SEX_T",
                    classif1="STE_ICSE93_1",
                    classif2="GEO_COV_URB",
                    time="2024M01",
                    obs_value=1.5,
                )
            ]
        )
    )
    path = tmp_path / "ste_geo.csv"
    write(frame, path, "sdmx-csv")
    load_file(warehouse, path)
    found = latest(warehouse)
    assert (found.at[0, "classif1"], found.at[0, "classif2"]) == ("STE_ICSE93_1", "GEO_COV_URB")


def wdi_expected() -> pd.DataFrame:
    from decentwork.warehouse.areas import is_known_area

    with WDI.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[4]
    assert header[:4] == ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
    out = []
    for row in rows[5:]:
        if not row:
            continue
        area = {"XKX": "KOS", "CHI": "CHA"}.get(row[1], row[1])  # ILOSTAT's codes
        area = area if is_known_area(area) else f"X_WB_{area}"
        for k, year in enumerate(header):
            if year.isdigit() and row[k].strip():
                out.append(
                    dict(
                        ref_area=area,
                        indicator=row[3],
                        source="WB:WDI",
                        time=year,
                        obs_value=float(row[k]),
                    )
                )
    return observations.frame(pd.DataFrame(out))


def test_world_bank_wdi_file(warehouse: sa.Engine) -> None:
    assert WDI.is_file(), f"{WDI} is missing: the warehouse tests need ../shared/data"
    report = load_file(warehouse, WDI)
    expected = wdi_expected()
    assert (report.format, report.rows_read, report.added) == (
        "wdi-csv",
        len(expected),
        len(expected),
    )
    found = latest(warehouse)
    assert_same(found, expected)
    areas = set(found["ref_area"])
    assert {"X_WB_WLD", "X_WB_ARB", "X_WB_EUU", "X_WB_HIC", "KHM", "AFG"} <= areas
    assert not {"WLD", "ARB", "EUU"} & areas
    afg = found[(found.ref_area == "AFG") & (found.time == "1991")]
    assert afg["obs_value"].tolist() == [12.0310001373291]
    assert set(found["indicator"]) == {"SL.UEM.TOTL.ZS"}
    assert set(found["source"]) == {"WB:WDI"}


def dictionary_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [r for r in list(csv.reader(handle))[1:] if r and r[0].strip()]


def test_ilostat_dictionaries_fill_the_labels(warehouse: sa.Engine) -> None:
    files = sorted(DICTIONARY.glob("*_en.csv"))
    assert len(files) == 10, f"{DICTIONARY} is missing: the warehouse tests need ../shared/data"
    reports = load_files(warehouse, files)
    assert {r.format for r in reports} == {"ilostat-dictionary"}
    for path, report in zip(files, reports, strict=True):
        assert report.rows_read == len(dictionary_rows(path)), path.name
    assert counts(warehouse) == (10, 0)
    with warehouse.connect() as connection:
        found = {
            (k, c, lang): label
            for k, c, lang, label in connection.execute(
                sa.select(labels.c.kind, labels.c.code, labels.c.lang, labels.c.label)
            )
        }
    assert found[("ref_area", "KHM", "en")] == "Cambodia"
    assert found[("sex", "SEX_T", "en")] == "Sex: Total"
    assert found[("classif1", "AGE_YTHADULT_YGE15", "en")] == "Age (Youth, adults): 15+"
    assert found[("obs_status", "B", "en")] == "Break in series"
    assert found[("source", "BA:829", "en")] == "LFS - Labour Force Survey"
    assert found[("indicator", "SDG_0852_SEX_AGE_RT", "en")].startswith("SDG indicator 8.5.2")
    kinds = {k for k, _, _ in found}
    assert kinds == {
        "classif1",
        "classif2",
        "indicator",
        "note_classif",
        "note_indicator",
        "note_source",
        "obs_status",
        "ref_area",
        "sex",
        "source",
    }
    unique = {
        (p.name.removesuffix("_en.csv"), r[0].strip()) for p in files for r in dictionary_rows(p)
    }
    assert len(found) == len(unique)
    again = load_files(warehouse, files)
    assert all(r.already_loaded for r in again)
    assert counts(warehouse) == (10, 0)


def test_a_revised_dictionary_updates_its_labels(warehouse: sa.Engine, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "sex_en.csv",
        ("sex", "sex.label"),
        [("SEX_T", "Sex: Total"), ("SEX_M", "Sex: Male")],
    )
    load_file(warehouse, path)
    path = write_csv(
        tmp_path / "v2" / "sex_en.csv",
        ("sex", "sex.label"),
        [("SEX_T", "Sex: Total"), ("SEX_M", "Sex: Men"), ("SEX_F", "Sex: Women")],
    )
    report = load_file(warehouse, path)
    assert (report.added, report.changed, report.unchanged) == (1, 1, 1)
    with warehouse.connect() as connection:
        found = dict(connection.execute(sa.select(labels.c.code, labels.c.label)).all())
    assert found == {"SEX_T": "Sex: Total", "SEX_M": "Sex: Men", "SEX_F": "Sex: Women"}


def test_excel_workbook_puts_labels_beside_codes(
    warehouse: sa.Engine, url: str, tmp_path: Path
) -> None:
    source = bulk_file("SDG_0852_SEX_AGE_RT_A.csv")
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.reader(handle)][1:]
    khm = [r for r in rows if r[0] == "KHM"]
    assert khm and len(khm[0]) == len(ILOSTAT_HEADER)
    data = write_csv(tmp_path / "SDG_0852_SEX_AGE_RT_A.csv", ILOSTAT_HEADER, khm)
    names = [
        DICTIONARY / f"{kind}_en.csv"
        for kind in ("ref_area", "sex", "classif1", "indicator", "source")
    ]
    assert_ok(invoke("load", "--db", url, *names, data))
    out = tmp_path / "khm.xlsx"
    assert_ok(invoke("query", "--db", url, "--area", "KHM", "--format", "xlsx", "--out", out))
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["SDG_0852_SEX_AGE_RT", "notes", "releases"]
    table = list(book["SDG_0852_SEX_AGE_RT"].iter_rows(values_only=True))
    header = list(table[0])
    for column in ("ref_area", "sex", "classif1", "source"):
        assert header[header.index(column) + 1] == f"{column}_label"
    sheet = pd.DataFrame(table[1:], columns=header)
    assert len(sheet) == len(khm)
    assert set(sheet["ref_area_label"]) == {"Cambodia"}
    assert set(sheet.loc[sheet["sex"] == "SEX_T", "sex_label"]) == {"Sex: Total"}
    assert set(sheet.loc[sheet["classif1"] == "AGE_YTHADULT_YGE15", "classif1_label"]) == {
        "Age (Youth, adults): 15+"
    }
    example = sheet[
        (sheet["source"] == "BA:1321")
        & (sheet["sex"] == "SEX_T")
        & (sheet["classif1"] == "AGE_YTHADULT_YGE15")
        & (sheet["time"] == "2019")
    ]
    assert example[["obs_value", "obs_status"]].values.tolist() == [[0.499, "B"]]
    notes = list(book["notes"].iter_rows(values_only=True))
    assert notes[1][0] == "SDG_0852_SEX_AGE_RT"
    assert str(notes[1][1]).startswith("SDG indicator 8.5.2")
    assert notes[0] == ("indicator", "label", "unit", "definition", "observations")
    assert notes[1][4] == len(khm)
    released = list(book["releases"].iter_rows(values_only=True))
    assert len(released) - 1 == len(names) + 1
