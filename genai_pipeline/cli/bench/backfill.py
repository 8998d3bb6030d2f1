"""Benchmark: `backfill --all` as one run per range against one run per day."""

import os
import re
import shutil
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


class RowsDiffer(RuntimeError):
    """The two ways of running the same backfill wrote different rows."""


def bench_backfill(smoke: bool = False) -> None:
    """`backfill --all` over a simulated month: the single-run backfill vs one run per day.

    `simulate --days N --batch --skip-tests` builds the marts once; that warehouse and Dagster
    home are the starting state of every backfill, restored before each. The modes run in
    alternating order (single, per-day, per-day, single), each as the CLI does (a process,
    imports included); every run's rows must equal the first's, or the benchmark fails.
    N = GENAI_BENCH_BACKFILL_DAYS (default 30); --smoke: 2 days, 200 base users, one round.
    """
    days = 2 if smoke else int(os.environ.get("GENAI_BENCH_BACKFILL_DAYS", "30"))
    scale = 200 if smoke else SimulationSettings.from_env().base_users
    print(f"backfill benchmark: {days} days, base_users={scale:,} ({machine()})")
    cli = [str(Path(sys.executable).parent / "genai-pipeline")]
    with tempfile.TemporaryDirectory(prefix="genai-bench-backfill-") as folder:
        work, start = Path(folder) / "work", Path(folder) / "start"
        env = {
            **os.environ,
            "GENAI_BASE_USERS": str(scale),
            "GENAI_DUCKDB_PATH": str(work / "warehouse.duckdb"),
            "DAGSTER_HOME": str(work / "dagster_home"),
        }

        def timed(*argv: str) -> tuple[float, str]:
            started = time.perf_counter()
            done = subprocess.run([*cli, *argv], env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            if done.returncode != 0:
                raise RuntimeError(f"genai-pipeline {' '.join(argv)} failed ({done.returncode}): {done.stderr[-2000:]}")
            return seconds, done.stdout

        work.mkdir()
        setup, _ = timed("simulate", "--days", str(days), "--batch", "--skip-tests")
        # The daily job computes the metrics too: forget them, so every backfill fills.
        metric_keys = [spec.key for spec in registered_metrics().values()]
        with duckdb.connect(env["GENAI_DUCKDB_PATH"]) as conn:
            conn.execute("drop schema if exists backfill_metrics cascade")
        with DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
            instance.wipe_assets(metric_keys)
        # Restored at the same path: the home's dagster.yaml names its own absolute folders.
        shutil.copytree(work, start)
        print(f"setup: simulate --days {days} --batch --skip-tests in {setup:.1f}s")
        modes = {"single-run (backfill --all)": [], "one run per day (--per-partition)": ["--per-partition"]}
        order = list(modes) if smoke else [*modes, *reversed(modes)]
        results: dict[str, list[tuple[int, float, float]]] = {label: [] for label in modes}
        reference = None
        for label in order:
            shutil.rmtree(work)
            shutil.copytree(start, work)
            seconds, out = timed("backfill", "--all", *modes[label])
            inner = float(re.search(r"COMPLETED_SUCCESS in ([0-9.]+)s", out).group(1))
            with duckdb.connect(env["GENAI_DUCKDB_PATH"], read_only=True) as conn:
                sums = table_checksums(conn, ("backfill_metrics",))
            with DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
                latest = instance.get_backfills(limit=1)[0]
                runs = len(backfill_runs(instance, latest.backfill_id))
            reference = reference or sums
            if sums != reference:
                raise RowsDiffer(f"{label} wrote other rows than the first backfill: {sums} != {reference}")
            results[label].append((runs, seconds, inner))
        rows = sum(count for count, _ in reference.values())
        print(f"{f'backfill of {len(metric_keys)} metrics':<36}{'runs':>6}{'wall s':>14}{'backfill s':>14}{'rows':>11}")
        for label, measured in results.items():
            walls = " / ".join(f"{wall:.1f}" for _, wall, _ in measured)
            inners = " / ".join(f"{inner:.1f}" for *_, inner in measured)
            print(f"{label:<36}{measured[0][0]:>6}{walls:>14}{inners:>14}{rows:>11,}")
        single, per_day = ([sum(m[i] for m in results[label]) for i in (1, 2)] for label in modes)
        print(
            f"one run per day is {per_day[0] / single[0]:.1f}x the wall time ({per_day[1] / single[1]:.1f}x the "
            f"backfill), over {len(order)} alternating runs from the same start; rows identical in every run (checked)"
        )
