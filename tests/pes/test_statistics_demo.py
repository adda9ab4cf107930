"""The demo's PES statistics: a synthetic registry whose seekers leave the register and are
placed over the months (seeded), its last twelve months loaded into a warehouse as releases
of ``pes-khm``, with movement in every series the public page shows."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from decentwork import demo
from decentwork.pes.database import engine as pes_engine
from decentwork.pes.references import References
from decentwork.pes.registry import Registry
from decentwork.pes.synthetic import generate
from decentwork.warehouse.database import engine as warehouse_engine
from tests.pes.conftest import SHARED


def test_the_demo_loads_twelve_months_with_movement(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/pes.sqlite"
    registry = Registry(pes_engine(url), References(SHARED))
    generate("KHM", 800, 120, 7, registry=registry)
    with registry.engine.connect() as connection:
        hires = connection.execute(
            sa.text("SELECT count(*) FROM referrals WHERE status = 'hired'")
        ).scalar_one()
        others = connection.execute(
            sa.text("SELECT count(*) FROM referrals WHERE status <> 'hired'")
        ).scalar_one()
    registry.close()
    assert hires > 30 and others > 30
    target = warehouse_engine(f"sqlite:///{tmp_path}/warehouse.sqlite")
    reports = demo.pes_statistics(target, url)
    assert [r.dataset for r in reports] == ["pes-khm"] * 12
    assert all(r.added > 100 for r in reports)
    with target.connect() as connection:
        totals = connection.execute(
            sa.text(
                "SELECT indicator, time, obs_value FROM observations WHERE sex = 'SEX_T' "
                "AND classif1 = '' AND NOT superseded ORDER BY time"
            )
        ).all()
        ratios = connection.execute(
            sa.text(
                "SELECT count(*) FROM observations WHERE indicator = 'PES_VSR_OCU_RT' "
                "AND obs_value IS NOT NULL"
            )
        ).scalar_one()
    series: dict[str, list[float | None]] = {}
    for indicator, _, value in totals:
        series.setdefault(indicator, []).append(value)
    assert {t for _, t, _ in totals} == {f"2025M{m:02d}" for m in range(1, 13)}
    for indicator in ("PES_SKR_REG_NB", "PES_SKR_NEW_NB", "PES_VAC_NEW_NB", "PES_PLC_NB"):
        values = [v for v in series[indicator] if v is not None]
        assert len(values) >= 8 and sum(values) > 0, indicator
    assert min(v for v in series["PES_SKR_REG_NB"] if v is not None) > 100
    assert ratios > 12
    again = demo.pes_statistics(target, url)
    assert all(r.already_loaded for r in again)  # the same figures add nothing
