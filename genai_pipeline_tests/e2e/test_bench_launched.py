"""`bench launched --smoke`: the launched-path benchmark runs to its end.

Marked e2e, not slow: it starts two `dagster dev` servers (the project's and the floor's)
and launches runs through their daemons, a minute or two of a shared machine that `make
test` should not pay on every run; `make e2e` (a CI step after `make test`) already starts
live servers. It uses none of the suite's shared server, so it runs alone too. The figures
of a smoke run mean nothing; only that every phase is measured and every server stopped.
"""

import pytest

from genai_pipeline.cli.main import main

pytestmark = pytest.mark.e2e


def test_a_smoke_run_of_the_launched_benchmark_measures_each_phase_and_stops_every_server(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.setenv("GENAI_DUCKDB_PATH", str(tmp_path / "unused.duckdb"))
    assert main(["bench", "launched", "--smoke"]) == 0
    out = capsys.readouterr().out
    for label in ("project", "floor"):
        assert f"{label}: dagster dev ready (repository loaded) after" in out, out
        assert f"{label}, " in out and "queue" in out and "worker start to RUN_START" in out, out
    assert "CLI, in this process: day 1" in out, out
    assert out.rstrip().endswith("every server stopped with its process group, nothing left running (checked)"), out
