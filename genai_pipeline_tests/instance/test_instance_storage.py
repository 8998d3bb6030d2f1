"""Which storage the project's dagster.yaml selects, and a PostgreSQL that is misconfigured or
down: no server needed (make test-postgres runs a real one)."""

import pytest
from dagster import DagsterInstance

from genai_pipeline.cli.main import main
from genai_pipeline.instance.home import RUN_QUEUE, dagster_home, dagster_yaml
from genai_pipeline.instance.local_processes import free_port
from genai_pipeline.instance.storage import PG_URL_VAR, InstanceStorageError, postgres_url

PASSWORD = "s3cret-sentinel-pw"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GENAI_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    return tmp_path / "home"


def test_without_a_postgres_url_the_instance_keeps_the_pooled_sqlite_event_log(home, monkeypatch):
    monkeypatch.delenv(PG_URL_VAR, raising=False)
    text = dagster_yaml(home)
    assert (
        "PooledSqliteEventLogStorage" in text
        and "PooledPostgresStorage" not in text
        and f"env: {PG_URL_VAR}" not in text
    )


def test_with_a_postgres_url_the_dagster_yaml_names_the_variable_never_the_url(home, monkeypatch):
    monkeypatch.setenv(PG_URL_VAR, f"postgresql://dagster:{PASSWORD}@db.internal:5432/dagster")
    text = dagster_yaml(home)
    assert "PooledPostgresStorage" in text and f"env: {PG_URL_VAR}" in text
    assert PASSWORD not in text and "db.internal" not in text
    # the pool and queue limits and run monitoring are the same on either storage
    assert text.split("# Runs, events")[0] == dagster_yaml(home, postgres=False).split("# Dagster's SQLite")[0]


def test_an_unedited_dagster_yaml_follows_the_setting_and_an_edited_one_is_refused(home, monkeypatch):
    home.mkdir()
    config = home / "dagster.yaml"
    config.write_text(dagster_yaml(home, postgres=False).replace("# Written by genai-pipeline;", "# Older header;"))
    monkeypatch.setattr("genai_pipeline.instance.home.check_configured_storage", lambda: "postgresql://u@h/d")
    monkeypatch.setattr("genai_pipeline.instance.home._create_storage_once", lambda home, postgres: None)
    dagster_home()
    assert config.read_text() == dagster_yaml(home, postgres=True)

    config.write_text(dagster_yaml(home, postgres=False) + "# my own edit\n")
    with pytest.raises(InstanceStorageError, match="edited by hand, does not store in PostgreSQL"):
        dagster_home()
    assert config.read_text().endswith("# my own edit\n")


@pytest.mark.parametrize("value", ["mysql://u:p@h/d", "not a url at all", "postgresql:///no-host"])
def test_a_setting_that_is_not_a_postgresql_url_is_refused_without_echoing_it(value):
    with pytest.raises(InstanceStorageError) as error:
        postgres_url({PG_URL_VAR: value})
    assert value not in str(error.value) and PG_URL_VAR in str(error.value)


@pytest.mark.parametrize(
    "argv",
    [["simulate", "--days", "1"], ["backfill", "--all"], ["dev", "--port", "1"]],
    ids=["simulate", "backfill", "dev"],
)
def test_a_postgres_that_does_not_answer_fails_the_command_in_one_line_naming_the_host_only(
    home, monkeypatch, capsys, argv
):
    port = free_port()  # nothing listens on it
    monkeypatch.setenv(PG_URL_VAR, f"postgresql://dagster:{PASSWORD}@127.0.0.1:{port}/dagster")
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert err.count("\n") == 1, err
    assert f"Dagster's PostgreSQL at 127.0.0.1:{port}/dagster does not answer" in err
    assert PASSWORD not in out + err and "dagster:" not in err
    assert not home.exists() and not (home.parent / "warehouse.duckdb").exists()


def test_the_daemon_looks_at_the_run_queue_every_second_and_still_starts_one_run_at_a_time(home, monkeypatch):
    monkeypatch.delenv(PG_URL_VAR, raising=False)
    dagster_home()
    with DagsterInstance.get() as instance:
        assert instance.run_coordinator.dequeue_interval_seconds == 1
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1


def test_an_unedited_dagster_yaml_of_a_release_without_the_run_queue_block_is_brought_up_to_date(home, monkeypatch):
    monkeypatch.delenv(PG_URL_VAR, raising=False)
    home.mkdir()
    config = home / "dagster.yaml"
    config.write_text(dagster_yaml(home, postgres=False).replace(RUN_QUEUE, ""))
    monkeypatch.setattr("genai_pipeline.instance.home._create_storage_once", lambda home, postgres: None)
    dagster_home()
    assert config.read_text() == dagster_yaml(home, postgres=False)
