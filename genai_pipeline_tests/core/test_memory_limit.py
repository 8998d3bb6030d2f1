"""DuckDB's memory_limit: one setting for every warehouse connection, the dbt profile's too,
so a long range run's memory stays under it instead of growing with the history it reads."""

import os
from pathlib import Path

import pytest

from genai_pipeline.core.paths import DBT_PROJECT_DIR
from genai_pipeline.core.settings import SettingsError
from genai_pipeline.core.warehouse import (
    DEFAULT_MEMORY_LIMIT,
    MEMORY_LIMIT_ENV,
    METRIC_MEMORY_LIMIT_ENV,
    WarehouseResource,
    duckdb_memory_limit,
    memory_limit_bytes,
    metric_memory_limit,
)
from genai_pipeline.transform.runner import dbt_env


def memory_limit_of(warehouse: Path) -> str:
    with WarehouseResource(database=str(warehouse)).get_connection() as conn:
        return conn.execute("select current_setting('memory_limit')").fetchone()[0]


def test_a_warehouse_connection_runs_under_the_default_limit(tmp_path, monkeypatch):
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    assert memory_limit_of(tmp_path / "w.duckdb") == "953.6 MiB"  # 1GB, as DuckDB prints it


def test_the_setting_changes_the_limit_of_a_warehouse_connection(tmp_path, monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "2gb")
    assert duckdb_memory_limit() == "2GB"
    assert memory_limit_of(tmp_path / "w.duckdb") == "1.8 GiB"


def test_a_bad_limit_names_the_setting_and_what_is_allowed():
    with pytest.raises(SettingsError, match="GENAI_DUCKDB_MEMORY_LIMIT='half': must be a size such as 512MB"):
        duckdb_memory_limit({MEMORY_LIMIT_ENV: "half"})


def test_dbt_gets_the_same_limit_and_the_same_default(tmp_path, monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "300MB")
    with dbt_env(tmp_path / "w.duckdb", {}):
        assert os.environ[MEMORY_LIMIT_ENV] == "300MB"
    profile = (DBT_PROJECT_DIR / "profiles.yml").read_text()
    assert f"memory_limit: \"{{{{ env_var('{MEMORY_LIMIT_ENV}', '{DEFAULT_MEMORY_LIMIT}') }}}}\"" in profile


@pytest.mark.parametrize(("setting", "expected"), [("1GB", 10**9), ("512 mib", 512 * 2**20), ("1.5gb", 15 * 10**8)])
def test_the_limit_is_read_in_bytes_with_duckdbs_units(setting, expected):
    assert memory_limit_bytes(duckdb_memory_limit({MEMORY_LIMIT_ENV: setting})) == expected


def test_the_metric_steps_limit_has_its_own_setting_default_and_message():
    assert metric_memory_limit({}) == "400MB"
    assert metric_memory_limit({METRIC_MEMORY_LIMIT_ENV: " 256 mb "}) == "256MB"
    with pytest.raises(SettingsError, match="GENAI_METRIC_MEMORY_LIMIT='most': must be a size such as 512MB"):
        metric_memory_limit({METRIC_MEMORY_LIMIT_ENV: "most"})
