"""One local Spark Thrift Server for the whole suite (it takes 10-20 s to start), and the same
days built through Dagster on it and on DuckDB, from one raw zone."""

import pytest
from spark_support import FIRST_DAY, LAST_DAY, Engines, run_dbt_job

from genai_pipeline.core.partitions import range_tags
from genai_pipeline.instance.local_processes import processes_using
from genai_pipeline.instance.local_spark import SERVER_DIR_ENV, ThriftServer, local_thrift_server
from genai_pipeline.transform.spark_target import HOST_ENV, PORT_ENV


@pytest.fixture(scope="session")
def spark_server(tmp_path_factory) -> ThriftServer:
    folder = tmp_path_factory.mktemp("spark-server")
    patch = pytest.MonkeyPatch()
    with local_thrift_server(folder) as server:
        patch.setenv(HOST_ENV, server.host)
        patch.setenv(PORT_ENV, str(server.port))
        yield server
    patch.undo()
    assert processes_using(folder, SERVER_DIR_ENV) == [], "a Spark process outlived the suite"


@pytest.fixture(scope="session")
def engines(spark_server, tmp_path_factory) -> Engines:
    """Days 1-3 as ONE range run of dbt_job per engine (a Spark node costs ~2 s: one run, not three)."""
    folder = tmp_path_factory.mktemp("engines")
    days = range_tags(FIRST_DAY, LAST_DAY)
    duckdb_run = run_dbt_job(folder / "warehouse.duckdb", "dev", tags=days)
    spark_run = run_dbt_job(folder / "spark.duckdb", "spark", tags=days)  # raw re-landed byte-identical
    return Engines(folder / "warehouse.duckdb", folder / "spark.duckdb", duckdb_run, spark_run)
