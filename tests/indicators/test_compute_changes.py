"""``compute(..., changes=True)``: each observation's change since the previous period of a
file holding several periods, with the SE of the change (the kernel's, checked against R in
``tests/estimation/test_oracle_contrasts.py``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pandas.testing import assert_frame_equal
from typer.testing import CliRunner

from decentwork.cli import app
from decentwork.indicators import compute
from decentwork.indicators.compute import CHANGES
from decentwork.observations import KEY_COLUMNS
from decentwork.survey import load_profile
from decentwork.synthetic import generate

SYNTHETIC = (
    resources.files("decentwork.survey.profiles").joinpath("synthetic.yaml").read_text("utf-8")
)
MONTHLY = SYNTHETIC.replace('time: "2024"', "time: \"'2024M0' || CAST(month AS VARCHAR)\"")
CODES = ["UNE_DEAP_SEX_AGE_RT", "POP_XWAP_SEX_AGE_NB"]


@pytest.fixture(scope="module")
def months(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A synthetic survey whose persons are spread over three months in the same PSUs."""
    folder = tmp_path_factory.mktemp("changes")
    table = generate(3000, seed=17)
    month = np.random.default_rng(17).integers(1, 4, table.num_rows)
    pq.write_table(table.append_column("month", pa.array(month)), folder / "lfs.parquet")
    (folder / "monthly.yaml").write_text(MONTHLY)
    return folder / "lfs.parquet", folder / "monthly.yaml"


def test_changes_are_the_differences_of_the_months_with_their_se(
    months: tuple[Path, Path],
) -> None:
    path, profile = months
    plain = compute(load_profile(profile), path, indicators=CODES)
    assert plain.changes.empty
    result = compute(load_profile(profile), path, indicators=CODES, changes=True)
    assert_frame_equal(result.observations, plain.observations)
    changes = result.changes
    assert list(changes.columns) == [*KEY_COLUMNS, *CHANGES]
    assert set(changes["time"]) == {"2024M02", "2024M03"}
    assert set(zip(changes["time"], changes["since"], strict=True)) == {
        ("2024M02", "2024M01"),
        ("2024M03", "2024M02"),
    }
    values = result.observations.set_index(list(KEY_COLUMNS))["obs_value"]
    earlier = changes.assign(time=changes["since"]).set_index(list(KEY_COLUMNS)).index
    later = changes.set_index(list(KEY_COLUMNS)).index
    np.testing.assert_allclose(
        changes["change"],
        values.loc[later].to_numpy() - values.loc[earlier].to_numpy(),
        rtol=1e-9,
        atol=1e-9,
    )
    ses = result.observations.set_index(list(KEY_COLUMNS))["se"]
    independent = np.hypot(ses.loc[later].to_numpy(), ses.loc[earlier].to_numpy())
    # zero only where both months' SEs are (a rate of 0 in a small domain in both)
    assert ((changes["change_se"] > 0).to_numpy() == (independent > 0)).all()
    assert not np.allclose(changes["change_se"], independent, rtol=1e-6)  # the covariance
    significant = (changes["change"].abs() > 1.959963984540054 * changes["change_se"]).to_numpy()
    assert (changes["change_significant"].to_numpy(bool) == significant).all()
    national = changes[(changes["sex"] == "SEX_T") & (changes["ref_area"] == "X_DW")]
    assert set(national["indicator"]) == set(CODES)


def test_a_file_of_one_period_has_no_changes(months: tuple[Path, Path]) -> None:
    path, _ = months
    profile = load_profile("synthetic")
    assert compute(profile, path, indicators=CODES[:1], changes=True).changes.empty


def test_the_command_writes_the_changes(months: tuple[Path, Path], tmp_path: Path) -> None:
    path, profile = months
    out, changes = tmp_path / "obs.csv", tmp_path / "changes.csv"
    args = ["compute", str(profile), str(path), "-o", str(out), "--changes", str(changes)]
    done = CliRunner().invoke(app, [*args, "--indicators", CODES[0]])
    assert done.exit_code == 0, done.output
    written = pd.read_csv(changes, keep_default_na=False, na_values=[""])
    expected = compute(load_profile(profile), path, indicators=CODES[:1], changes=True).changes
    assert list(written.columns) == list(expected.columns)
    assert len(written) == len(expected) > 0
    np.testing.assert_allclose(
        written["change_se"], expected["change_se"].astype(float), rtol=1e-12
    )
    missing = CliRunner().invoke(app, [*args[:5], "--changes", str(tmp_path / "no" / "c.csv")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
