"""`genai-pipeline bench spark --smoke`: both engines side by side from one run, then nothing left.

Marked spark, so it runs in `make test-spark` (Java 17 and the `spark` extra), not in
`make test`, which needs no Java. It starts its own Thrift server, as the bench does; no
figure is asserted, only that each one is printed.
"""

import pytest

from genai_pipeline.cli.bench.spark import bench_spark
from genai_pipeline.instance.local_processes import processes_using
from genai_pipeline.instance.local_spark import SERVER_DIR_ENV

pytestmark = pytest.mark.spark


def test_bench_spark_smoke_prints_both_engines_side_by_side_agreeing_and_stops_its_server(tmp_path, capsys):
    bench_spark(smoke=True, folder=tmp_path / "spark")
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if "DuckDB one-day run" in line)
    assert "Spark one-day run" in header
    for figure in ("Spark Thrift Server start", "select 1", "dbt nodes run", "tests: n × median", "raw landing"):
        assert figure in out
    assert "engines agree on" in out
    assert out.count("load average") == 2
    assert processes_using(tmp_path / "spark", SERVER_DIR_ENV) == []
