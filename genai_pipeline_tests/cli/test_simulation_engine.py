"""One engine per simulation: Simulation(dbt=...) runs the metric assets, anomaly checks and day
lines (which read DBT_TARGET at run time) on its dbt resource's engine, and the process's
DBT_TARGET is back afterwards. A recording job stands in for the daily job: no Spark needed."""

import datetime as dt
import os

import pytest
from dagster import DagsterInstance

from genai_pipeline.cli.daily_runs import Simulation
from genai_pipeline.core.paths import DBT_PROJECT_DIR
from genai_pipeline.core.settings import environment
from genai_pipeline.transform.runner import DbtRunnerResource
from genai_pipeline.transform.spark_target import SPARK_TARGET

DAY = dt.date(2025, 12, 1)


class RecordingJob:
    """Records DBT_TARGET as the run sees it; a successful run without checks, or `error`."""

    def __init__(self, error: Exception | None = None):
        self.targets: list[str | None] = []
        self.error = error

    def execute_in_process(self, **kwargs):
        self.targets.append(os.environ.get("DBT_TARGET"))
        if self.error:
            raise self.error
        return self

    success = True

    def get_asset_check_evaluations(self) -> list:
        return []


def spark_simulation(tmp_path, job: RecordingJob) -> Simulation:
    dbt = DbtRunnerResource(project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR), target=SPARK_TARGET)
    return Simulation(tmp_path / "warehouse.duckdb", instance=DagsterInstance.ephemeral(), dbt=dbt, job=job)


def test_a_simulation_with_another_engines_dbt_runs_with_dbt_target_set_to_it_and_restores_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DBT_TARGET", "dev")
    job = RecordingJob()
    assert spark_simulation(tmp_path, job).execute([DAY])[0].success
    assert job.targets == [SPARK_TARGET]
    assert os.environ["DBT_TARGET"] == "dev"


def test_dbt_target_is_restored_unset_even_when_the_run_raises(tmp_path, monkeypatch):
    monkeypatch.delenv("DBT_TARGET", raising=False)
    job = RecordingJob(error=RuntimeError("the run broke"))
    with pytest.raises(RuntimeError, match="the run broke"):
        spark_simulation(tmp_path, job).execute([DAY])
    assert job.targets == [SPARK_TARGET]
    assert "DBT_TARGET" not in os.environ


def test_a_simulation_without_a_dbt_resource_leaves_dbt_target_as_it_is(tmp_path, monkeypatch):
    monkeypatch.setenv("DBT_TARGET", "dev")
    job = RecordingJob()
    Simulation(tmp_path / "warehouse.duckdb", instance=DagsterInstance.ephemeral(), job=job).execute([DAY])
    assert job.targets == ["dev"]


def test_environment_sets_and_unsets_for_the_block_and_restores_both(monkeypatch):
    monkeypatch.setenv("GENAI_A", "before")
    monkeypatch.delenv("GENAI_B", raising=False)
    with environment({"GENAI_A": None, "GENAI_B": "inside"}):
        assert "GENAI_A" not in os.environ and os.environ["GENAI_B"] == "inside"
    assert os.environ["GENAI_A"] == "before" and "GENAI_B" not in os.environ
