"""Declarative automation on the real graph: after a daily_job run the metrics are current and
nothing is requested; after the marts of a day are rebuilt alone, one evaluation requests
exactly that day of every backfill metric, once."""

import pytest
from dagster import (
    AssetKey,
    AssetSelection,
    DagsterInstance,
    Definitions,
    define_asset_job,
    evaluate_automation_conditions,
)
from pipeline_support import run_day

from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.definitions import defs
from genai_pipeline.metrics.automation import FOLLOWS_ITS_MARTS
from genai_pipeline.metrics.catalog import registered_metrics

pytestmark = pytest.mark.slow

DAY = "2025-12-01"
MARTS_ONLY = define_asset_job("marts_only", selection=AssetSelection.groups("marts").without_checks())


def requested(result) -> set[tuple[AssetKey, str]]:
    return {
        (key, partition)
        for key, subset in ((r.key, r.true_subset) for r in result.results)
        for partition in subset.expensively_compute_partition_keys()
    }


def test_every_backfill_metric_follows_its_marts_and_the_automation_sensor_runs_by_default():
    specs = {spec.key: spec for spec in defs.resolve_all_asset_specs()}
    for metric in registered_metrics().values():
        assert specs[metric.key].automation_condition == FOLLOWS_ITS_MARTS
        assert {dep.asset_key for dep in specs[metric.key].deps} == {AssetKey(m) for m in metric.reads}
    sensor = defs.resolve_sensor_def("default_automation_condition_sensor")
    assert sensor.default_status.value == "RUNNING"


def test_a_day_of_marts_rebuilt_alone_requests_that_day_of_every_metric_once(tmp_path):
    (tmp_path / "home").mkdir()
    warehouse = tmp_path / "warehouse.duckdb"
    metrics = {metric.key for metric in registered_metrics().values()}
    with DagsterInstance.local_temp(str(tmp_path / "home")) as instance:
        first = evaluate_automation_conditions(defs=defs, instance=instance)
        assert first.total_requested == 0

        # daily_job builds the marts and the metrics in one run: the metrics are current.
        assert run_day(warehouse, DAY, instance=instance).success
        after_daily = evaluate_automation_conditions(defs=defs, instance=instance, cursor=first.cursor)
        assert requested(after_daily) == set()

        # The marts of the day rebuilt without the metrics (a dbt-only re-run of the day).
        job = Definitions.merge(defs, Definitions(jobs=[MARTS_ONLY])).resolve_job_def(MARTS_ONLY.name)
        marts = job.execute_in_process(
            partition_key=DAY, instance=instance, resources={"warehouse": WarehouseResource(database=str(warehouse))}
        )
        assert marts.success
        after_marts = evaluate_automation_conditions(defs=defs, instance=instance, cursor=after_daily.cursor)
        assert requested(after_marts) == {(key, DAY) for key in metrics}

        again = evaluate_automation_conditions(defs=defs, instance=instance, cursor=after_marts.cursor)
        assert requested(again) == set()
