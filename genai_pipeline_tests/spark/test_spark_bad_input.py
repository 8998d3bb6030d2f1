"""DBT_TARGET=spark with nothing to run on: no server answering, no dbt-spark, no Java, a bad
port. Each fails in one line that says what to start, install or fix, before anything is
written (exit 1 from the CLI, a failed step from Dagster)."""

import subprocess
import sys

import pytest
from spark_support import FIRST_DAY, build_dbt_models

from genai_pipeline.cli.main import main
from genai_pipeline.core.settings import SettingsError
from genai_pipeline.instance import local_spark
from genai_pipeline.instance.local_processes import free_port
from genai_pipeline.instance.local_spark import SparkServerError, java_home, local_thrift_server
from genai_pipeline.transform.spark_target import SparkUnavailableError, require_spark, spark_endpoint

pytestmark = pytest.mark.spark


def test_the_cli_with_no_spark_server_exits_1_in_one_line_and_writes_nothing(tmp_path):
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    env = {"PATH": "/usr/bin:/bin", "DBT_TARGET": "spark", "GENAI_SPARK_PORT": str(free_port())}
    done = subprocess.run(
        [sys.executable, "-m", "genai_pipeline.cli.main", "simulate", "--days", "1"],
        env={**env, "GENAI_DUCKDB_PATH": str(warehouse), "DAGSTER_HOME": str(tmp_path / "home")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "no Spark Thrift Server answers" in done.stderr
    assert "make spark-server" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_dagster_run_with_no_spark_server_fails_its_dbt_step_before_dbt_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("GENAI_SPARK_PORT", str(free_port()))
    warehouse = tmp_path / "spark.duckdb"
    result = build_dbt_models(warehouse, "spark", partition_key=FIRST_DAY.isoformat())
    assert not result.success
    description = result.get_step_failure_events()[0].step_failure_data.user_failure_data.description
    assert "\n" not in description and "make spark-server" in description
    assert not any(path.name.startswith("spark.duckdb") for path in tmp_path.iterdir())  # no dbt target dir


def test_a_dagster_run_with_a_bad_spark_port_fails_its_dbt_step_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("GENAI_SPARK_PORT", "ten")
    result = build_dbt_models(tmp_path / "spark.duckdb", "spark", partition_key=FIRST_DAY.isoformat())
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data
    assert failure.user_failure_data is not None  # a dagster Failure: its message, no traceback
    assert failure.user_failure_data.description == (
        "invalid setting GENAI_SPARK_PORT='ten': must be a TCP port, 1..65535"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_missing_dbt_spark_says_to_install_the_spark_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyhive", None)  # import pyhive now raises ImportError
    with pytest.raises(SparkUnavailableError, match="make install-spark"):
        require_spark()


def test_a_port_that_is_not_a_port_is_refused_naming_the_setting():
    with pytest.raises(SettingsError, match="GENAI_SPARK_PORT='ten'"):
        spark_endpoint({"GENAI_SPARK_PORT": "ten"})


def test_no_java_17_or_21_says_to_run_make_java_and_starts_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(local_spark, "JVM_DIR", tmp_path / "jvm")
    with pytest.raises(SparkServerError, match="make java"):
        java_home({})
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(SparkServerError), local_thrift_server(tmp_path / "server"):
        pass
    assert not (tmp_path / "server").exists()


def test_spark_server_without_java_exits_1_in_one_line_and_wipe_leaves_the_folder_untouched(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(local_spark, "JVM_DIR", tmp_path / "jvm")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    folder = tmp_path / "server"
    kept = folder / "metastore_db" / "service.properties"
    kept.parent.mkdir(parents=True)
    kept.write_text("an earlier server's metastore")
    assert main(["spark-server", "--folder", str(folder), "--wipe"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "make java" in err
    assert kept.read_text() == "an earlier server's metastore"
