"""The pooled SQLite event log writes what Dagster's own SQLite event log reads."""

from pathlib import Path

import pytest
import sqlalchemy
from dagster import AssetCheckResult, AssetKey, DagsterEventType, DagsterInstance, asset, asset_check, materialize
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster._core.storage.event_log import SqliteEventLogStorage

from genai_pipeline.instance import event_log_storage
from genai_pipeline.instance.event_log_storage import PooledSqliteEventLogStorage
from genai_pipeline.instance.home import dagster_yaml


@asset
def tiny() -> int:
    return 1


@asset_check(asset=tiny)
def tiny_is_positive() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


def pooled_instance(home: Path) -> DagsterInstance:
    (home / "dagster.yaml").write_text(dagster_yaml(home))
    return DagsterInstance.from_config(str(home))


def test_a_dagster_yaml_written_before_the_package_layout_still_loads(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    old = dagster_yaml(tmp_path).replace(
        "genai_pipeline.instance.event_log_storage", "genai_pipeline.event_log_storage"
    )
    assert "module: genai_pipeline.event_log_storage\n" in old
    (tmp_path / "dagster.yaml").write_text(old)
    with DagsterInstance.from_config(str(tmp_path)) as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        assert materialize([tiny], instance=instance).success


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


def test_a_runs_planned_events_are_written_as_one_batch_that_dagsters_storage_reads(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    # Set, then removed: monkeypatch then restores "unset" afterwards, whatever the storage sets.
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", "0")
    monkeypatch.delenv("DAGSTER_EVENT_BATCH_SIZE")
    instance = pooled_instance(tmp_path)
    batches = []
    store_batch = PooledSqliteEventLogStorage.store_event_batch

    def spy(self, events):
        batches.append([e.dagster_event_type for e in events])
        store_batch(self, events)

    monkeypatch.setattr(PooledSqliteEventLogStorage, "store_event_batch", spy)
    result = materialize([tiny, tiny_is_positive], instance=instance)

    planned = {DagsterEventType.ASSET_MATERIALIZATION_PLANNED, DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED}
    assert set(batches[0]) == planned
    stock = SqliteEventLogStorage(str(tmp_path / "history" / "runs"))
    stored = [r.event_log_entry.dagster_event_type for r in stock.get_records_for_run(result.run_id).records]
    assert planned <= set(stored)
    assert stored.count(DagsterEventType.ASSET_MATERIALIZATION_PLANNED) == 1


def a_real_runs_events(tmp_path: Path, monkeypatch) -> tuple[str, list]:
    """The run id and every event of a real run (an asset and its check), for replaying."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "source"))
    (tmp_path / "source").mkdir()
    source = pooled_instance(tmp_path / "source")
    run_id = materialize([tiny, tiny_is_positive], instance=source).run_id
    return run_id, [r.event_log_entry for r in source.event_log_storage.get_records_for_run(run_id).records]


def test_a_batch_that_fails_midway_stores_none_of_its_events(tmp_path, monkeypatch):
    run_id, events = a_real_runs_events(tmp_path, monkeypatch)
    storage = PooledSqliteEventLogStorage(str(tmp_path / "copy"))
    calls = {"n": 0}
    store_event = PooledSqliteEventLogStorage.store_event

    def fails_on_the_third(self, event):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        store_event(self, event)

    monkeypatch.setattr(PooledSqliteEventLogStorage, "store_event", fails_on_the_third)
    with pytest.raises(RuntimeError, match="disk full"):
        storage.store_event_batch(events)
    assert storage.get_records_for_run(run_id).records == []
    assert storage.get_asset_records([AssetKey("tiny")]) == []

    monkeypatch.setattr(PooledSqliteEventLogStorage, "store_event", store_event)
    storage.store_event_batch(events)
    assert len(storage.get_records_for_run(run_id).records) == len(events)
    storage.dispose()


def test_a_batch_whose_run_file_fails_to_commit_leaves_the_index_untouched(tmp_path, monkeypatch):
    run_id, events = a_real_runs_events(tmp_path, monkeypatch)
    storage = PooledSqliteEventLogStorage(str(tmp_path / "copy"))

    def disk_full(_conn):
        raise OSError("disk full")

    sqlalchemy.event.listen(storage._ready_engine(run_id), "commit", disk_full)
    with pytest.raises(OSError, match="disk full"):
        storage.store_event_batch(events)
    # Dagster now stores the events one by one: the index must not already hold them.
    assert storage.get_asset_records([AssetKey("tiny")]) == []
    assert storage.get_asset_check_execution_history(tiny_is_positive.check_key, limit=5) == []
    storage.dispose()
