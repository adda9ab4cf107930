"""The demo: a synthetic survey, its indicators with uncertainty, loaded into a warehouse of
its own with ILOSTAT's SDG 8 files, for the dashboard.

``synthetic_indicators`` runs the real pipeline: the synthetic survey through the bundled
``synthetic`` profile and the whole indicator catalogue (``decentwork.indicators.compute``);
``headline`` picks the rates the demo prints; ``load_synthetic`` and ``ilostat_files`` give the
warehouse its contents. ``labour_sql`` gives the same labour force status as one SQL
projection over the raw synthetic columns, for the estimation kernel's own tests and
benchmark, which exercise the kernel without the survey layer.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from decentwork.errors import Conflict
from decentwork.indicators import compute, compute_files, load_catalogue
from decentwork.indicators.catalogue import inline
from decentwork.survey import load_profile
from decentwork.warehouse import ilostat
from decentwork.warehouse.database import default_path, write_lock
from decentwork.warehouse.load import IndicatorMetadata, LoadReport, load_frame
from decentwork.warehouse.tables import releases

if TYPE_CHECKING:
    from decentwork.pes.access import Actor
    from decentwork.pes.registry import Registry

#: Area code of the synthetic demo survey (fictional; ILOSTAT uses no X_DW code).
DEMO_AREA = "X_DW"
DEMO_DATASET = "decentwork-demo-synthetic"
"""The warehouse dataset of the synthetic survey's indicators."""
ILOSTAT_DATASETS = (
    "SDG_0831_SEX_ECO_RT",
    "SDG_0851_SEX_OCU_NB",
    "SDG_0852_SEX_AGE_RT",
    "SDG_0861_SEX_RT",
    "SDG_A821_NOC_RT",
)
"""The ILOSTAT SDG 8 bulk files the demo loads beside the synthetic survey (annual)."""
DICTIONARIES = ("ref_area_en.csv", "indicator_en.csv")
"""The ILOSTAT dictionaries (under ``ilostat/dictionary/`` of a folder mirror) it loads."""


def labour_sql(source: str, min_age: int = 15) -> str:
    """SQL for the persons of a synthetic survey aged ``min_age``+, with 0/1 labour status.

    The status columns are the indicator catalogue's derivations (``emp``, ``une``, ``eap``)
    written over the raw synthetic columns through the bundled ``synthetic`` profile.
    ``source`` is a table name or a table function such as ``read_parquet('lfs.parquet')``.
    Columns: the design and domain variables, ``age``, ``ageband`` (1-6: 15-24 ... 65+),
    ``pop`` (1), ``employed``, ``unemp``, ``lf`` and ``hours`` (employed only).
    """
    profile = load_profile("synthetic")
    derived = load_catalogue().resolve(set(profile.variables)).variables

    def raw(name: str) -> str:
        return inline(derived[name], profile.variables)

    return f"""
SELECT stratum, psu, weight, region, urban, sex, age,
       CASE WHEN age < 25 THEN 1 WHEN age < 35 THEN 2 WHEN age < 45 THEN 3
            WHEN age < 55 THEN 4 WHEN age < 65 THEN 5 ELSE 6 END AS ageband,
       1 AS pop,
       {raw("emp")} AS employed,
       {raw("une")} AS unemp,
       {raw("eap")} AS lf,
       CASE WHEN {raw("emp")} = 1 THEN hours END AS hours
FROM {source} WHERE age >= {int(min_age)}
"""


HEADLINE = {
    "UNE_DEAP_SEX_AGE_GEO_RT": "Unemployment rate %",
    "EAP_DWAP_SEX_AGE_GEO_RT": "Participation rate %",
    "EMP_DWAP_SEX_AGE_GEO_RT": "Employment ratio %",
    "EAP_TEAP_SEX_AGE_GEO_NB": "Labour force '000",
}
DOMAINS = {
    ("SEX_T", "AGE_YTHADULT_YGE15", "GEO_COV_NAT"): "Total",
    ("SEX_M", "AGE_YTHADULT_YGE15", "GEO_COV_NAT"): "Men",
    ("SEX_F", "AGE_YTHADULT_YGE15", "GEO_COV_NAT"): "Women",
    ("SEX_T", "AGE_YTHADULT_Y15-24", "GEO_COV_NAT"): "Age 15-24",
    ("SEX_T", "AGE_YTHADULT_YGE25", "GEO_COV_NAT"): "Age 25+",
    ("SEX_T", "AGE_YTHADULT_YGE15", "GEO_COV_URB"): "Urban",
    ("SEX_T", "AGE_YTHADULT_YGE15", "GEO_COV_RUR"): "Rural",
}


def synthetic_indicators(
    people: pa.Table, on_step: Callable[[str], None] = lambda _: None
) -> pd.DataFrame:
    """The whole indicator catalogue, with SEs, for the synthetic survey ``people`` (through the
    bundled ``synthetic`` profile): an observation table for area :data:`DEMO_AREA` and its
    regions, source ``SYNTHETIC``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "survey.parquet"
        pq.write_table(people, path)
        return compute(load_profile("synthetic"), path, on_step=on_step).observations


def headline(observations: pd.DataFrame) -> pd.DataFrame:
    """The headline labour market rates (percent) and the labour force (thousands), with SEs,
    of the synthetic indicators (:func:`synthetic_indicators`): for the whole area and by sex,
    youth and urban/rural areas. Columns: statistic, domain, estimate, se, lower, upper, cv
    (percent), n, obs_status (U: unreliable)."""
    rows = observations[
        (observations["ref_area"] == DEMO_AREA) & observations["indicator"].isin(list(HEADLINE))
    ]
    keys = list(zip(rows["sex"], rows["classif1"], rows["classif2"], strict=True))
    rows = rows[[key in DOMAINS for key in keys]].copy()
    rows["domain"] = [
        DOMAINS[key] for key in zip(rows["sex"], rows["classif1"], rows["classif2"], strict=True)
    ]
    rows["statistic"] = rows["indicator"].map(HEADLINE)
    order = {name: k for k, name in enumerate([*DOMAINS.values(), *HEADLINE.values()])}
    rows = rows.sort_values(by=["domain", "statistic"], key=lambda d: d.map(order))
    return rows.rename(
        columns={
            "obs_value": "estimate",
            "lower_bound": "lower",
            "upper_bound": "upper",
            "sample_count": "n",
        }
    )[
        ["statistic", "domain", "estimate", "se", "lower", "upper", "cv", "n", "obs_status"]
    ].reset_index(drop=True)


SURVEYS = {
    "statcan-lfs": ("statcan_lfs/pumf", "*-CSV.zip"),
    "psa-lfs": ("psa_lfs", "*/LFS_PUF_*.F2"),
}
"""Real survey files the demo computes when a mirror folder has them: bundled profile ->
(folder of the mirror, file pattern): Statistics Canada's LFS public-use files and the
Philippine Statistics Authority's LFS months (CSPro)."""
SURVEY_INDICATORS = (
    "EAP_DWAP_SEX_AGE_RT",
    "EMP_DWAP_SEX_AGE_RT",
    "UNE_DEAP_SEX_AGE_RT",
    "TRU_DEMP_SEX_AGE_RT",
    "EAP_TEAP_SEX_AGE_NB",
    "EMP_TEMP_SEX_AGE_NB",
    "UNE_TUNE_SEX_AGE_NB",
    "UNE_DEAP_SEX_AGE_GEO_RT",
    "SDG_0852_SEX_AGE_RT",
    "SDG_0861_SEX_RT",
)
"""The headline indicators computed from the real surveys (the whole catalogue takes about
11 s a month of the Philippine file; these about 5 s)."""


def survey_files(mirror: str | None) -> dict[str, list[Path]]:
    """The real survey files in the mirror folder ``mirror``, by bundled profile (see
    :data:`SURVEYS`); none when ``mirror`` is not a local folder."""
    if mirror is None or not Path(mirror).is_dir():
        return {}
    found = {
        profile: sorted((Path(mirror) / folder).glob(pattern))
        for profile, (folder, pattern) in SURVEYS.items()
    }
    return {profile: files for profile, files in found.items() if files}


def survey_indicators(
    profile: str, files: list[Path], on_step: Callable[[str], None] = lambda _: None
) -> pd.DataFrame:
    """The headline indicators (:data:`SURVEY_INDICATORS`) of a real survey's monthly
    ``files`` through its bundled ``profile``, with SEs, as one observation table."""
    return compute_files(
        load_profile(profile), files, indicators=list(SURVEY_INDICATORS), on_step=on_step
    ).observations


PES_SEEKERS = 2_000
PES_VACANCIES = 300
PES_OFFICER = "demo-officer"


@dataclass(frozen=True)
class DemoPes:
    """The demo's synthetic PES: where it is, the officer who can log in and their
    password (shown to the person running the demo), what it holds."""

    url: str
    officer: str
    password: str
    seekers: int
    vacancies: int


def pes_url() -> str:
    """The demo's own PES database: ``demo-pes.sqlite`` beside the demo warehouse."""
    return f"sqlite:///{default_path().with_name('demo-pes.sqlite')}"


def synthetic_pes(url: str, mirror: str | None) -> DemoPes | None:
    """A synthetic public employment service for KHM in the PES database at ``url`` (made
    once: an existing one is kept and its officer's password reset), with an administrator
    and an officer of every job centre; None when the classification files it checks codes
    against cannot be had (no ``mirror`` folder and none fetched before)."""
    from decentwork.classifications import fetch
    from decentwork.classifications.sources import SOURCES, FetchError, located
    from decentwork.pes.accounts import cli_actor, create_first_administrator
    from decentwork.pes.registry import open_registry
    from decentwork.pes.synthetic import generate

    try:
        if mirror is not None and Path(mirror).is_dir():
            fetch(mirror)
        for source in SOURCES:
            if source.required:
                located(source.path)
    except FetchError:
        return None
    registry = open_registry(url)
    password = secrets.token_urlsafe(12)
    with registry.engine.connect() as connection:
        empty = not connection.execute(sa.text("SELECT count(*) FROM users")).scalar_one()
    if empty:
        create_first_administrator(registry, "admin", secrets.token_urlsafe(24))
        made = generate("KHM", PES_SEEKERS, PES_VACANCIES, seed=7, registry=registry)
        _officer(registry, cli_actor(registry, None), password)
        return DemoPes(url, PES_OFFICER, password, made.seekers, made.vacancies)
    _officer(registry, cli_actor(registry, None), password)
    with registry.engine.connect() as connection:
        counts = [
            connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("seekers", "vacancies")
        ]
    return DemoPes(url, PES_OFFICER, password, *counts)


PES_MONTHS = 12
"""The months of PES statistics the demo loads: the synthetic registry's last twelve."""


def pes_statistics(target: sa.Engine, pes_url: str) -> list[LoadReport]:
    """The monthly statistics of the demo PES at ``pes_url`` over its last
    :data:`PES_MONTHS` months, loaded into the warehouse ``target`` as ``decentwork pes
    statistics --load`` does (a release of dataset ``pes-khm`` per month, suppression at the
    default threshold, then the English labels of the codes they use), so that the public
    PES statistics page has data, with names. Returns the months' reports."""
    from decentwork.commands.pes_statistics import load_months, read_pes
    from decentwork.pes.statistics import Month, month_observations, months_between
    from decentwork.pes.synthetic import UNTIL

    register = read_pes(pes_url)
    last = Month(UNTIL.year, UNTIL.month)
    first = last.back(PES_MONTHS - 1)
    published = {m: month_observations(register, m) for m in months_between(first, last)}
    reports, _ = load_months(target, register.country, published, "decentwork demo")
    return reports


def _officer(registry: Registry, actor: Actor, password: str) -> None:
    """The demo officer, of every job centre, with ``password`` (added, or its password
    set)."""
    from decentwork.pes import accounts
    from decentwork.pes.centres import list_centres

    every = [centre.id for centre in list_centres(registry, actor)]
    try:
        accounts.add_user(
            registry,
            actor,
            {"username": PES_OFFICER, "role": "officer", "centres": every, "password": password},
        )
    except Conflict:
        accounts.set_password(registry, actor, PES_OFFICER, password)


def demo_url() -> str:
    """The demo's own warehouse: ``demo.sqlite`` next to the default warehouse file, so that
    the demo never mixes with the user's data."""
    return f"sqlite:///{default_path().with_name('demo.sqlite')}"


def load_computed(
    target: sa.Engine,
    observations: pd.DataFrame,
    dataset: str,
    origin: str,
    fmt: str,
    metadata: Iterable[IndicatorMetadata] = (),
) -> LoadReport:
    """Store indicators the demo computed as a full release of ``dataset`` (recorded as of
    format ``fmt``), with their indicators' ``metadata``; ``origin`` names what they come
    from (survey, records, seed, decentwork version). When the dataset's latest release came
    from the same ``origin`` nothing is added: a survey computed again differs only in the
    last bits of its sums (added up in parallel)."""
    with target.begin() as connection:
        write_lock(connection)
        latest = connection.execute(
            sa.select(releases.c.id, releases.c.file, releases.c.format, releases.c.rows_read)
            .where(releases.c.dataset == dataset)
            .order_by(releases.c.id.desc())
            .limit(1)
        ).first()
        if latest is not None and latest.file == origin:
            return LoadReport(
                origin,
                latest.format,
                dataset,
                int(latest.id),
                int(latest.rows_read),
                already_loaded=True,
            )
        return load_frame(
            connection,
            observations,
            dataset,
            origin,
            fmt,
            metadata=metadata,
            operator="decentwork demo",
        )


def load_synthetic(
    target: sa.Engine,
    observations: pd.DataFrame,
    origin: str,
    metadata: Iterable[IndicatorMetadata] = (),
) -> LoadReport:
    """Store the synthetic indicators as a full release of dataset :data:`DEMO_DATASET` (see
    :func:`load_computed`)."""
    return load_computed(target, observations, DEMO_DATASET, origin, "synthetic", metadata)


def ilostat_files(mirror: str | None = None) -> list[Path] | None:
    """The ILOSTAT SDG 8 bulk files (:data:`ILOSTAT_DATASETS`) to load with the demo, and the
    mirror's English area and indicator dictionaries where it has them: from ``mirror``
    (default ``$DECENTWORK_MIRROR``), else from the download cache when every file is there;
    ``None`` when there is neither (nothing is downloaded from ILOSTAT's service).

    Raises:
        ilostat.PullError: the mirror lacks a file or cannot be read.
    """
    source = mirror or os.environ.get(ilostat.MIRROR)
    ids = [ilostat.dataset_id(code) for code in ILOSTAT_DATASETS]
    if not source and not all(ilostat.cached_file(i).is_file() for i in ids):
        return None
    files = [item.path for item in ilostat.fetch(ids, mirror=source)]
    if source and not re.match(r"^https?://", source):
        folder = Path(source) / "ilostat" / "dictionary"
        files += [folder / name for name in DICTIONARIES if (folder / name).is_file()]
    return files
