"""The pooled SQLite event log writes what Dagster's own SQLite event log reads."""

from pathlib import Path

from dagster import AssetCheckResult, AssetKey, DagsterEventType, DagsterInstance, asset, asset_check, materialize
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from genai_pipeline import event_log_storage
from genai_pipeline.event_log_storage import PooledSqliteEventLogStorage
from genai_pipeline.instance import dagster_yaml


@asset
def tiny() -> int:
    return 1


@asset_check(asset=tiny)
def tiny_is_positive() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


def pooled_instance(home: Path) -> DagsterInstance:
    (home / "dagster.yaml").write_text(dagster_yaml(home))
    return DagsterInstance.from_config(str(home))


def test_dagsters_own_sqlite_storage_reads_what_the_pooled_one_wrote(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    instance = pooled_instance(tmp_path)
    assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
    result = materialize([tiny, tiny_is_positive], instance=instance)
    assert result.success

    stock = SqliteEventLogStorage(str(tmp_path / "history" / "runs"))
    stored = [r.event_log_entry.dagster_event_type for r in stock.get_records_for_run(result.run_id).records]
    assert DagsterEventType.ASSET_MATERIALIZATION in stored and DagsterEventType.RUN_SUCCESS in stored
    executions = stock.get_asset_check_execution_history(tiny_is_positive.check_key, limit=5)
    assert [e.status for e in executions] == [AssetCheckExecutionRecordStatus.SUCCEEDED]


def test_runs_after_a_wipe_are_stored_in_fresh_files(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    instance = pooled_instance(tmp_path)
    first = materialize([tiny], instance=instance)
    instance.event_log_storage.wipe()
    second = materialize([tiny], instance=instance)

    stock = SqliteEventLogStorage(str(tmp_path / "history" / "runs"))
    assert stock.get_records_for_run(first.run_id).records == []
    assert stock.get_records_for_run(second.run_id).records
    [record] = stock.get_asset_records([AssetKey("tiny")])
    assert record.asset_entry.last_materialization.run_id == second.run_id


def test_a_long_lived_process_keeps_a_bounded_number_of_databases_open(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.setattr(event_log_storage, "MAX_ENGINES", 3)
    instance = pooled_instance(tmp_path)
    runs = [materialize([tiny], instance=instance).run_id for _ in range(5)]
    assert len(instance.event_log_storage._engines) <= 3
    # A run whose engine was evicted is still readable (and writable) through a new one.
    assert instance.event_log_storage.get_records_for_run(runs[0]).records


def test_an_instance_loaded_from_its_folder_keeps_its_events_there_whatever_dagster_home_says(tmp_path, monkeypatch):
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(elsewhere))
    result = materialize([tiny], instance=pooled_instance(home))
    assert SqliteEventLogStorage(str(home / "history" / "runs")).get_records_for_run(result.run_id).records
    assert not (elsewhere / "history").exists()
