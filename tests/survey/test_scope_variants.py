"""A profile's scope (records left out), its variants (national definitions), value labels in
``profile check``, and the cross-tabulation of derived variables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from decentwork.errors import NotFound
from decentwork.survey import ProfileError, crosstab, harmonise, load_profile
from decentwork.survey.check import check_profile
from tests.survey.conftest import PROFILE, write_profile

SCOPED = PROFILE.format(format="csv").replace(
    '  time: "2024Q1"\n', '  time: "2024Q1"\n  scope: abroad IS NULL OR abroad <> 1\n'
)
VARIANT = (
    SCOPED
    + """  ilo_geo: CASE WHEN urban = 1 THEN 1 ELSE 2 END
variants:
  national:
    source: "BA:1-NAT"
    note: National definition
    variables:
      ilo_lfs: CASE WHEN status IN (1, 2) THEN 1 ELSE 3 END
"""
)


def _survey(tmp_path: Path) -> Path:
    path = tmp_path / "s.csv"
    pd.DataFrame(
        {
            "sex": [1, 2, 1, 2, 1],
            "age": [20, 30, 40, 50, 60],
            "status": [1, 2, 3, 1, 2],
            "abroad": [None, 0, 1, None, 1],
            "urban": [1, 1, 2, 2, 1],
            "w": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    ).to_csv(path, index=False)
    return path


def test_scope_leaves_records_out(tmp_path: Path) -> None:
    path = _survey(tmp_path)
    profile = load_profile(write_profile(tmp_path, SCOPED))
    assert harmonise(profile, path).aggregate("COUNT(*), SUM(weight)").fetchall() == [(3, 7.0)]
    report = check_profile(profile, path)
    assert (report.records, report.out_of_scope) == (3, 2)
    assert "abroad" not in report.unused_columns


def test_scope_is_checked_like_an_expression(tmp_path: Path) -> None:
    text = SCOPED.replace("abroad IS NULL OR abroad <> 1", "COUNT(abroad) = 0")
    with pytest.raises(ProfileError, match=r"metadata.scope: aggregate function"):
        load_profile(write_profile(tmp_path, text))
    profile = load_profile(write_profile(tmp_path, SCOPED.replace("abroad IS", "abrod IS")))
    with pytest.raises(
        ProfileError,
        match=r"metadata.scope: no column 'abrod' in .*s.csv; "
        r"did you mean abroad\?",
    ):
        harmonise(profile, _survey(tmp_path))


def test_variant_replaces_variables_and_source(tmp_path: Path) -> None:
    profile = load_profile(write_profile(tmp_path, VARIANT))
    national = profile.with_variant("national")
    assert national.metadata.source == "BA:1-NAT" and profile.metadata.source == "BA:1"
    assert national.variables["ilo_lfs"] != profile.variables["ilo_lfs"]
    assert national.variables["ilo_sex"] == profile.variables["ilo_sex"]
    assert national.variants == {} and national.origin.endswith(", variant national")
    with pytest.raises(NotFound, match=r"no variant 'regional' \(variants: national\)"):
        profile.with_variant("regional")


NOTED = VARIANT.replace(
    "variants:\n",
    "notes:\n  ilo_lfs: National concept of status\n  ilo_geo: National definition of urban areas\n"
    "variants:\n",
)


def test_notes_state_the_definitions_of_mapped_variables(tmp_path: Path) -> None:
    profile = load_profile(write_profile(tmp_path, NOTED))
    assert profile.notes == {
        "ilo_lfs": "National concept of status",
        "ilo_geo": "National definition of urban areas",
    }
    # The variant redefines ilo_lfs: that note no longer applies to it, the other does.
    assert profile.with_variant("national").notes == {
        "ilo_geo": "National definition of urban areas"
    }
    with pytest.raises(
        ProfileError, match=r"notes: ilo_edu_isced11 not mapped in variables; a note states"
    ):
        load_profile(
            write_profile(
                tmp_path, NOTED.replace("  ilo_geo: National", "  ilo_edu_isced11: National")
            )
        )
    with pytest.raises(ProfileError, match=r"notes.ilo_lfs: String should have at least 1"):
        load_profile(
            write_profile(
                tmp_path, NOTED.replace("ilo_lfs: National concept of status", "ilo_lfs: ''")
            )
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('source: "BA:1-NAT"', 'source: "BA:1"'),
            r"variants.national.source: 'BA:1' is metadata.source; a variant's observations need a "
            r"source code of their own",
        ),
        (
            ("      ilo_lfs:", "      ilo_edu_isced11:"),
            r"variants.national: ilo_edu_isced11 not mapped in variables",
        ),
        (("    note: National definition\n", ""), r"variants.national.note: required key missing"),
        (
            ("    note:", "    notes:"),
            r"variants.national.notes: unknown key \(allowed: note, "
            r"source, variables\)",
        ),
        (("  national:", "  National:"), r"variants: 'National' is not a variant name"),
        (
            ("status IN (1, 2)", "status IN (SELECT 1)"),
            r"variants.national.variables.ilo_lfs: a query \(SELECT or subquery\) is not allowed",
        ),
    ],
)
def test_bad_variants(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    assert change[0] in VARIANT
    with pytest.raises(ProfileError, match=message):
        load_profile(write_profile(tmp_path, VARIANT.replace(*change)))


def test_record_is_a_cspro_option(tmp_path: Path) -> None:
    text = PROFILE.format(format="csv").replace("format: csv", "format: csv\n  record: PERSON")
    with pytest.raises(ProfileError, match=r"input: record is a CSPro option \(format: cspro\)"):
        load_profile(write_profile(tmp_path, text))


def test_check_shows_variants_and_checks_their_records(tmp_path: Path) -> None:
    path = _survey(tmp_path)
    profile = load_profile(write_profile(tmp_path, VARIANT))
    report = check_profile(profile, path)
    shown = {d.variable: d for d in report.distributions}
    assert {value: n for value, n, _ in shown["ilo_lfs"].top} == {1: 2, 3: 1}
    assert {value: n for value, n, _ in shown["ilo_lfs (national)"].top} == {1: 3}
    assert shown["ilo_lfs (national)"].raw_columns == ("status",)
    assert report.problems == []
    broken = load_profile(
        write_profile(
            tmp_path, VARIANT.replace("status IN (1, 2) THEN 1", "status IN (1, 2) THEN 4")
        )
    )
    assert check_profile(broken, path).problems == [
        "variant national: ilo_lfs is not 1, 2 or 3 (working age): 3 records"
    ]


def test_check_labels_values_of_labelled_columns(tmp_path: Path) -> None:
    import pyreadstat

    path = tmp_path / "s.dta"
    frame = pd.DataFrame(
        {
            "sex": [1.0, 2.0, 2.0],
            "age": [20.0, 30.0, 40.0],
            "status": [1.0, 1.0, 2.0],
            "w": [1.0, 1.0, 2.0],
        }
    )
    pyreadstat.write_dta(
        frame,
        str(path),
        variable_value_labels={
            "sex": {1.0: "Male", 2.0: "Female"},
            "status": {1.0: "Works", 2.0: "Looks"},
        },
    )
    profile = load_profile(write_profile(tmp_path, format="dta"))
    shown = {d.variable: d for d in check_profile(profile, path).distributions}
    assert shown["ilo_sex"].labels == {1: "Male", 2: "Female"}
    # ilo_lfs recodes status: its values are ILO codes, not status's.
    assert shown["ilo_lfs"].labels == {}


def test_crosstab_of_a_variable_and_its_variant(tmp_path: Path) -> None:
    path = _survey(tmp_path)
    profile = load_profile(write_profile(tmp_path, VARIANT))
    table = crosstab(
        profile,
        path,
        {
            "icls": profile.variables["ilo_lfs"],
            "national": profile.variants["national"].variables["ilo_lfs"],
            "raw": "status",
        },
    )
    assert table.to_dict("records") == [
        {"icls": 1, "national": 1, "raw": 1, "records": 2, "weighted": 5.0},
        {"icls": 3, "national": 1, "raw": 2, "records": 1, "weighted": 2.0},
    ]
    with pytest.raises(ProfileError, match=r"crosstab: raw: aggregate function"):
        crosstab(profile, path, {"raw": "SUM(status)"})
    with pytest.raises(ProfileError, match=r"s.csv: no column stat"):
        crosstab(profile, path, {"raw": "stat"})
