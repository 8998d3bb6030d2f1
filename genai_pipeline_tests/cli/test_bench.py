"""A tiny run of every benchmark (`bench NAME --smoke`), so none of them breaks unnoticed.
The figures of a smoke run mean nothing; only that each benchmark runs to its end."""

import pytest

from genai_pipeline.cli.bench.main import BENCHMARKS
from genai_pipeline.cli.main import main

pytestmark = pytest.mark.slow

LAST_LINE = {
    "generation": "landing that day,",
    "landing": "load average after:",
    "incremental": "whole-history key tests (",
    "simulate": "per-day and batch warehouses identical (checksums, checked)",
    "backfill": "rows identical in every run (checked)",
    "scale": "as one batch run on 2 days of history: build 1 (2 days of history,",
}


# Its smoke run needs a PostgreSQL server: reliability/test_postgres_instance.py (make test-postgres).
NEEDS_POSTGRES = {"storage"}
# Its smoke run starts live `dagster dev` servers: e2e/test_bench_launched.py (make e2e).
NEEDS_DAGSTER_DEV = {"launched"}
# Its smoke run starts a Spark Thrift Server (Java 17): spark/test_bench_spark.py (make test-spark).
NEEDS_SPARK = {"spark"}


def test_every_benchmark_has_a_smoke_run():
    assert set(LAST_LINE) | NEEDS_POSTGRES | NEEDS_DAGSTER_DEV | NEEDS_SPARK == set(BENCHMARKS)


@pytest.mark.parametrize("name", sorted(LAST_LINE))
def test_a_smoke_run_of_the_benchmark_runs_to_its_end(name, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("GENAI_DUCKDB_PATH", str(tmp_path / "unused.duckdb"))
    assert main(["bench", name, "--smoke"]) == 0
    out = capsys.readouterr().out
    assert LAST_LINE[name] in out, out


def test_an_unknown_benchmark_is_a_usage_error(capsys):
    assert main(["bench", "nope"]) == 2
    assert "unknown benchmark 'nope'" in capsys.readouterr().err
