"""GENAI_RAW_PATH and GENAI_LANDING_WORKERS: where the raw zone lives (absolute, beside the
warehouse by default, the same folder for the landing and for dbt) and how many processes land
a range."""

import os
from pathlib import Path

import pytest

from genai_pipeline.core.paths import (
    DEFAULT_WAREHOUSE,
    PROJECT_ROOT,
    RawZonePathError,
    raw_zone_path,
    writable_raw_zone,
)
from genai_pipeline.core.settings import SettingsError
from genai_pipeline.landing.raw_tables import landing_workers
from genai_pipeline.transform.runner import dbt_env


def test_the_default_raw_zone_is_the_raw_folder_beside_the_warehouse():
    assert raw_zone_path({}) == DEFAULT_WAREHOUSE.parent / "raw" == PROJECT_ROOT / "data" / "raw"
    assert raw_zone_path({"GENAI_DUCKDB_PATH": "/srv/w/warehouse.duckdb"}) == Path("/srv/w/raw")
    assert raw_zone_path({}, warehouse=Path("/tmp/x/w.duckdb")) == Path("/tmp/x/raw")


def test_a_relative_raw_path_is_resolved_from_the_project_root_and_a_set_one_wins_over_the_default():
    assert raw_zone_path({"GENAI_RAW_PATH": "lake/raw"}) == PROJECT_ROOT / "lake" / "raw"
    assert raw_zone_path({"GENAI_RAW_PATH": " /data/raw "}, warehouse=Path("/tmp/x/w.duckdb")) == Path("/data/raw")


def test_dbt_gets_the_raw_zone_as_an_absolute_path_for_one_invocation_only(tmp_path, monkeypatch):
    monkeypatch.delenv("GENAI_RAW_PATH", raising=False)
    with dbt_env(tmp_path / "w.duckdb", {}):
        assert os.environ["GENAI_RAW_PATH"] == str(tmp_path / "raw")
    assert "GENAI_RAW_PATH" not in os.environ
    monkeypatch.setenv("GENAI_RAW_PATH", "lake/raw")
    with dbt_env(tmp_path / "w.duckdb", {}):
        assert os.environ["GENAI_RAW_PATH"] == str(PROJECT_ROOT / "lake" / "raw")
    assert os.environ["GENAI_RAW_PATH"] == "lake/raw"


def test_a_missing_default_raw_zone_is_created_and_a_configured_one_needs_its_parent(tmp_path):
    assert writable_raw_zone({}, warehouse=tmp_path / "new" / "w.duckdb").is_dir()
    with pytest.raises(RawZonePathError, match="folder .*/missing does not exist"):
        writable_raw_zone({"GENAI_RAW_PATH": str(tmp_path / "missing" / "raw")})
    assert not (tmp_path / "missing").exists()


def test_landing_workers_default_to_the_cpu_count_and_take_a_whole_number():
    assert landing_workers({}) == (os.cpu_count() or 1)
    assert landing_workers({"GENAI_LANDING_WORKERS": " 3 "}) == 3


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "two", "257"])
def test_a_bad_landing_workers_value_is_refused_in_one_line(value):
    with pytest.raises(SettingsError) as error:
        landing_workers({"GENAI_LANDING_WORKERS": value})
    assert str(error.value) == (
        f"invalid setting GENAI_LANDING_WORKERS={value!r}: must be a whole number of processes in 1..256"
    )
