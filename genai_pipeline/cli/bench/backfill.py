"""Benchmark: `backfill --all` as one run per range against one run per day."""

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from dagster import DagsterInstance

from genai_pipeline.cli.backfill_engine import backfill_runs
from genai_pipeline.cli.bench.machine import machine
from genai_pipeline.core.checksums import table_checksums
from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.metrics.catalog import registered_metrics


def bench_backfill() -> None:
    """`backfill --all` over a simulated month: the single-run backfill vs one run per day.

    A fresh warehouse and Dagster home in a temp dir; `simulate --days N --batch` builds the
    marts, then both backfills run as the CLI does (a process each, imports included) and
    must write identical rows. N = GENAI_BENCH_BACKFILL_DAYS (default 30).
    """
    days = int(os.environ.get("GENAI_BENCH_BACKFILL_DAYS", "30"))
    scale = SimulationSettings.from_env().base_users
    print(f"backfill benchmark: {days} days, base_users={scale:,} ({machine()})")
    cli = [str(Path(sys.executable).parent / "genai-pipeline")]
    with tempfile.TemporaryDirectory(prefix="genai-bench-backfill-") as folder:
        env = {
            **os.environ,
            "GENAI_DUCKDB_PATH": f"{folder}/warehouse.duckdb",
            "DAGSTER_HOME": f"{folder}/dagster_home",
        }

        def timed(*argv: str) -> tuple[float, str]:
            started = time.perf_counter()
            done = subprocess.run([*cli, *argv], env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            if done.returncode != 0:
                raise RuntimeError(f"genai-pipeline {' '.join(argv)} failed ({done.returncode}): {done.stderr[-2000:]}")
            return seconds, done.stdout

        setup, _ = timed("simulate", "--days", str(days), "--batch", "--skip-tests")
        # The daily job computes the metrics too: forget them, so the first backfill fills.
        metric_keys = [spec.key for spec in registered_metrics().values()]
        with duckdb.connect(env["GENAI_DUCKDB_PATH"]) as conn:
            conn.execute("drop schema if exists backfill_metrics cascade")
        with DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
            instance.wipe_assets(metric_keys)
        print(f"setup: simulate --days {days} --batch --skip-tests in {setup:.1f}s")
        results = []
        modes = (("single-run (backfill --all)", []), ("one run per day (--per-partition)", ["--per-partition"]))
        for label, flags in modes:
            seconds, out = timed("backfill", "--all", *flags)
            inner = float(re.search(r"COMPLETED_SUCCESS in ([0-9.]+)s", out).group(1))
            with duckdb.connect(env["GENAI_DUCKDB_PATH"], read_only=True) as conn:
                sums = table_checksums(conn, ("backfill_metrics",))
            with DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
                latest = instance.get_backfills(limit=1)[0]
                runs = len(backfill_runs(instance, latest.backfill_id))
            results.append((label, runs, seconds, inner, sums))
        rows = sum(count for count, _ in results[0][4].values())
        print(f"{f'backfill of {len(metric_keys)} metrics':<36}{'runs':>6}{'wall s':>9}{'backfill s':>12}{'rows':>11}")
        for label, runs, seconds, inner, _ in results:
            print(f"{label:<36}{runs:>6}{seconds:>9.1f}{inner:>12.1f}{rows:>11,}")
        single, per_day = results
        print(
            f"one run per day is {per_day[2] / single[2]:.1f}x the wall time "
            f"({per_day[3] / single[3]:.1f}x the backfill); identical rows: {'yes' if single[4] == per_day[4] else 'NO'}"
        )
