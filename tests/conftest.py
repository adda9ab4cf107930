"""Session-wide test settings.

The CLI's Rich console is created when ``decentwork.cli`` is imported and takes its width
from ``COLUMNS``; fixing it here, before any test module imports the CLI, keeps the CLI tests'
output independent of how long the checkout's path is (Rich wraps long lines).

Two markers are given here rather than in each module, from what a test needs and what it
measurably costs (``pytest --durations``), so that ``make test-fast`` can leave them out
(``make test`` runs everything):

- ``postgresql``: every test run against the PostgreSQL server (a ``postgresql`` parameter,
  or the word in its name);
- ``slow``: tests that take seconds each, listed in ``SLOW``: whole pipelines on real data
  (the demo, the Philippine and Canadian files, ILOSTAT's bulk files, the occupation coder's
  fitting), processes racing for a lock on purpose, a served process; and every test that
  uses the session's real SDG 8 warehouse (``sdg8_url``, about 20 s to build per process) or
  the session's local Spark (``spark``, a JVM that takes 35-65 s to start) or the demo's
  synthetic warehouse (``demo_url``, about 20 s to build per process).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ["COLUMNS"] = "200"

SLOW_FIXTURES = frozenset({"sdg8_url", "spark", "demo_url"})
"""Fixtures whose users are slow: building them costs seconds."""
SLOW = {
    "tests/test_cli.py": {
        "test_demo_loads_the_synthetic_indicators_and_ilostat_once",
        "test_demo_computes_the_real_survey_months_a_mirror_has",
        "test_demo_without_a_mirror_says_how_to_get_ilostat",
        "test_demo_serves_its_own_warehouse",
    },
    "tests/classifications/test_occupation_coder.py": {"*"},
    "tests/test_readme.py": {"test_every_readme_command_exits_0"},
    "tests/estimation/test_oracle_calibration.py": {"test_canadian_lfs_post_stratified_as_in_r"},
    "tests/estimation/test_replicate_scales.py": {
        "test_many_replicates_run_as_slices_that_line_up"
    },
    "tests/estimation/test_oracle_quantiles.py": {"test_replicate_quantiles_match_svyquantile"},
    "tests/estimation/test_properties.py": {
        "test_integer_columns_give_the_same_result_as_the_same_numbers_as_floats"
    },
    "tests/indicators/test_catalogue.py": {
        "test_statcan_skipped_indicators_name_the_missing_variable"
    },
    "tests/indicators/test_compute_cli.py": {"*"},
    "tests/indicators/test_psa.py": {"*"},
    "tests/indicators/test_statcan.py": {"*"},
    "tests/observations/test_inert.py": {"test_compute_files"},
    "tests/pes/test_accounts.py": {"test_guessing_many_usernames_from_one_address_is_throttled"},
    "tests/pes/test_matching_properties.py": {
        "test_the_index_ranks_exactly_as_scoring_every_record"
    },
    "tests/pes/test_statistics_demo.py": {"*"},
    "tests/pes/test_statistics_suppression.py": {"test_no_suppressed_count_can_be_worked_out"},
    "tests/reports/test_render.py": {"*"},
    "tests/reports/test_translations.py": {"test_every_message_is_translated"},
    "tests/survey/test_cli.py": {
        "test_check_statcan_file_passes",
        "test_check_psa_file_labels_values_and_lists_what_it_cannot_give",
        "test_check_with_a_dictionary_from_elsewhere",
    },
    "tests/survey/test_harmonise.py": {
        "test_statcan_january_2024_matches_published_figures",
        "test_weight_scale_multiplies_the_weight",
    },
    "tests/warehouse/test_bulk.py": {"*"},
    "tests/warehouse/test_concurrency.py": {"*"},
    "tests/warehouse/test_formats.py": {
        "test_excel_workbook_puts_labels_beside_codes",
        "test_gzipped_bulk_file_with_a_byte_order_mark",
        "test_world_bank_wdi_file",
    },
    "tests/warehouse/test_groups.py": {"test_weighted_mean_equals_the_microdata_rate"},
    "tests/warehouse/test_ilostat.py": {"test_pull_from_a_folder_mirror_loads_the_dataset"},
    "tests/warehouse/test_locking.py": {
        "test_a_writer_waits_at_most_the_lock_wait",
        "test_a_table_lock_is_waited_for_at_most_the_lock_wait",
    },
    "tests/warehouse/test_reading.py": {
        "test_lines_are_read_as_a_stream",
        "test_a_decompression_bomb_is_refused_early",
        "test_a_stray_quote_in_the_real_file_withdraws_nothing",
    },
    "tests/web/test_cli.py": {"test_serve_answers_over_http"},
    "tests/web/test_translated_pages.py": {
        "test_no_catalogue_text_is_left_in_english",
        "test_labels_in_the_json_twins_are_translated",
        "test_the_brief_and_the_page_name_an_indicator_and_an_area_alike",
    },
}
"""Slow tests by module (``*``: every test of the module), from ``pytest --durations``."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the PostgreSQL and the slow tests (see the module's docstring)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if "postgresql" in item.name or (
            callspec is not None
            and any(isinstance(v, str) and v == "postgresql" for v in callspec.params.values())
        ):
            item.add_marker(pytest.mark.postgresql)
        names = SLOW.get(item.path.relative_to(item.config.rootpath).as_posix(), set())
        function = getattr(item, "originalname", item.name)
        if "*" in names or function in names or SLOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def sdg8_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite warehouse holding ILOSTAT's five SDG 8 bulk files and the English area and
    indicator dictionaries (from ../shared/data), loaded once for the whole session; treat
    it as read-only."""
    from decentwork.commands.warehouse import catalogue_metadata
    from decentwork.warehouse import engine
    from decentwork.warehouse.load import load_files
    from tests.warehouse.conftest import BULK_FILES, DICTIONARIES, DICTIONARY, bulk_file

    address = f"sqlite:///{tmp_path_factory.mktemp('sdg8')}/w.sqlite"
    target = engine(address)
    load_files(
        target,
        [*(bulk_file(name) for name in BULK_FILES), *(DICTIONARY / name for name in DICTIONARIES)],
        metadata=catalogue_metadata(),
    )
    target.dispose()
    return address


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session (one core, no web UI, two shuffle partitions) for the whole
    run: starting its JVM is what costs; stopped when the run ends."""
    from decentwork.estimation.spark import java, pyspark_sql

    java()
    session = (
        pyspark_sql()
        .SparkSession.builder.master("local[1]")
        .appName("decentwork-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    yield session
    session.stop()
