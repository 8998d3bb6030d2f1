"""Benchmark: a year of history as one `simulate --batch` run, at 10x the default users.

Each run is a `genai-pipeline simulate` child process on its own Dagster home and warehouse,
so its peak memory is its own (the child's ru_maxrss, read by wait4). The partitions start
365 days before the last complete day, so a year fits whatever today is. The backfill is the
year's first 364 days in one batch run; day 365 then runs alone, as the daily schedule runs a
new day on a year of history. Printed: a month and the backfill side by side (time, peak RSS,
checks), the year's rows per table, warehouse size on disk and where the backfill's time went
(its step timings), then the one-day cost of day 2 (a new day after one day of history) beside
day 365 (a new day after 364) and day 2 re-run on the year (the history's share alone).
Two floors, each the same work without the year under it: day 2 at day 365's size (for day
365's time), and about one build's budget of such days as one batch run on 2 days of history
(for the year's peak memory: its builds are as large as the year's).
"""

import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
from dagster import DagsterEventType

from genai_pipeline.cli.bench.machine import machine
from genai_pipeline.cli.bench.memory_trace import RssTrace, instance_of, last_successful_run, sampled_rss
from genai_pipeline.cli.bench.scale_memory import floor_line, memory_lines
from genai_pipeline.core.checksums import raw_zone_checksums
from genai_pipeline.core.partitions import partition_bounds
from genai_pipeline.core.paths import raw_zone_path
from genai_pipeline.core.warehouse import duckdb_memory_limit
from genai_pipeline.transform.range_chunks import CHUNK_DAYS, build_budget, generations_per_day

# The year: saturating growth to MAX_USERS, 0.2% of users leaving a day; DuckDB's
# default memory_limit (1GB), to which a range's chunks are sized (transform/range_chunks.py).
FULL = {"GENAI_BASE_USERS": "50000", "GENAI_MAX_USERS": "200000", "GENAI_DAILY_CHURN_RATE": "0.002"}
SMOKE = {"GENAI_BASE_USERS": "500", "GENAI_MAX_USERS": "2000", "GENAI_DAILY_CHURN_RATE": "0.002"}
DAY_LINE = re.compile(r"^Day +(\d+) \((\S+)\).*checks (\d+)/(\d+) +([\d.]+)s")
CHECKS_LINE = re.compile(r"^Checks: (\d+) passed, (\d+) failed")


@dataclass
class ChildRun:
    wall_seconds: float
    peak_rss_mb: float
    run_seconds: float  # the Dagster run(s) alone: the day lines' times, no process start
    checks_passed: int
    checks_failed: int
    rss: RssTrace  # sampled while it ran (bench/memory_trace.py)


def _simulate(env: dict[str, str], *args: str) -> ChildRun:
    """One `genai-pipeline simulate` child process; fails loudly if it does."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "genai_pipeline.cli.main", "simulate", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    with sampled_rss(child.pid) as rss:
        out = child.stdout.read()
        # the sampler stops before the child is reaped, so it never reads a reused pid
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
    # wait4 gives this child's own rusage; Popen.wait would reap it without.
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        failures = _step_failures(env["DAGSTER_HOME"])
        raise RuntimeError(f"simulate {' '.join(args)} exited {child.returncode}:\n{out[-1500:]}\n{failures}")
    lines = out.splitlines()
    run_seconds = sum(float(m.group(5)) for line in lines if (m := DAY_LINE.match(line)))
    checks = next(m for line in lines if (m := CHECKS_LINE.match(line)))
    return ChildRun(wall, usage.ru_maxrss / 1024, run_seconds, int(checks.group(1)), int(checks.group(2)), rss)


def _env(folder: Path, name: str, scale: dict[str, str], start: dt.date) -> dict[str, str]:
    home = folder / name / "home"
    home.mkdir(parents=True)
    return {
        **os.environ,
        **scale,
        "DAGSTER_HOME": str(home),
        "GENAI_DUCKDB_PATH": str(folder / name / "warehouse.duckdb"),
        "GENAI_START_DATE": start.isoformat(),
    }


def _rows(warehouse: str) -> dict[str, int]:
    raw = {name: rows for name, (rows, _) in raw_zone_checksums(raw_zone_path(warehouse=Path(warehouse))).items()}
    with duckdb.connect(warehouse, read_only=True) as conn:
        tables = conn.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_schema in ('marts', 'metrics') order by 1"
        ).fetchall()
        return raw | {name: conn.execute(f"select count(*) from {name}").fetchone()[0] for (name,) in tables}


def _size_mb(warehouse: str) -> float:
    files = [Path(warehouse), Path(warehouse + ".wal")]
    return sum(f.stat().st_size for f in files if f.exists()) / 2**20


def _step_seconds(home: str) -> dict[str, float]:
    """Each step's time in the home's one batch run, from Dagster's own step stats."""
    with instance_of(home) as instance:
        stats = instance.get_run_step_stats(last_successful_run(instance).run_id)
        return {s.step_key: s.end_time - s.start_time for s in stats if s.end_time and s.start_time}


def _step_failures(home: str) -> str:
    """What failed in the home's latest run: the child prints only that a run failed."""
    with instance_of(home) as instance:
        run = instance.get_runs(limit=1)[0]
        events = instance.all_logs(run.run_id, of_type=DagsterEventType.STEP_FAILURE)
        return "\n".join(f"{e.step_key}: {e.dagster_event.step_failure_data.error}" for e in events)


def _generations_on(warehouse: str, day: dt.date) -> int:
    window = {"min_date": day.isoformat(), "max_date": (day + dt.timedelta(days=1)).isoformat()}
    return sum(generations_per_day(raw_zone_path(warehouse=Path(warehouse)), window).values())


def _scaled(scale: dict[str, str], factor: float) -> dict[str, str]:
    """The same growth, churn and settings with `factor` times the users."""
    users = {k: str(round(int(scale[k]) * factor)) for k in ("GENAI_BASE_USERS", "GENAI_MAX_USERS")}
    return scale | users


@dataclass
class SizedDay:
    env: dict[str, str]
    run: ChildRun
    steps: dict[str, float]
    factor: float  # the users, times the benchmark's
    generations: int
    within_5_percent: bool


def _day_two_with(
    folder: Path, name: str, scale: dict[str, str], start: dt.date, wanted: int, factor: float
) -> SizedDay:
    """Day 2, on one day of history, with `factor` times the users."""
    env = _env(folder, name, _scaled(scale, factor), start)
    _simulate(env, "--days", "1")
    run = _simulate(env, "--days", "2")
    generations = _generations_on(env["GENAI_DUCKDB_PATH"], start + dt.timedelta(days=1))
    return SizedDay(
        env, run, _step_seconds(env["DAGSTER_HOME"]), factor, generations, abs(generations / wanted - 1) <= 0.05
    )


def _day_two_of_size(folder: Path, scale: dict[str, str], start: dt.date, wanted: int, guess: float) -> SizedDay:
    """Day 2 with `wanted` generations. Generations do not grow exactly with the users: a
    first guess that misses by more than 5% is corrected once."""
    sized = _day_two_with(folder, "day2_sized", scale, start, wanted, guess)
    if not sized.within_5_percent:
        sized = _day_two_with(folder, "day2_sized_again", scale, start, wanted, guess * wanted / sized.generations)
    return sized


def _budget_sized_batch(sized: SizedDay, start: dt.date, smoke: bool) -> ChildRun:
    """Days 3.. of the sized warehouse (day 365's size at first, growing) as one batch run:
    at most one build's budget of generations (transform/range_chunks.py), on 2 days of history."""
    # the sized days keep growing (8 of them averaged 1.21x the first): aim 30% under the budget
    days = 2 if smoke else max(1, min(CHUNK_DAYS, int(build_budget() / (sized.generations * 1.3))))
    first = (start + dt.timedelta(days=2)).isoformat()
    return _simulate(sized.env, "--start", first, "--days", str(days), "--batch")


def _line(label: str, run: ChildRun) -> str:
    return (
        f"  {label}: {run.wall_seconds:.1f}s wall ({run.run_seconds:.1f}s in the run), "
        f"peak RSS {run.peak_rss_mb:,.0f} MB, checks {run.checks_passed} passed / {run.checks_failed} failed"
    )


def bench_scale(smoke: bool = False) -> None:
    """A month and a year as one batch run each, their peak memory side by side, and the
    one-day cost of day 2 beside day 365. --smoke: 2 and 4 days at 1/10 the default users."""
    scale = SMOKE if smoke else FULL
    month_days, year_days = (2, 4) if smoke else (30, 365)
    last = partition_bounds()[1]
    start = last - dt.timedelta(days=year_days - 1)
    print(
        f"scale benchmark: {year_days} days from {start.isoformat()}, "
        + ", ".join(f"{k}={v}" for k, v in scale.items())
        + f", DuckDB memory_limit {duckdb_memory_limit()}"
        + f"; each run a `simulate` child process; {machine()}, load average {os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        month_env = _env(folder, "month", scale, start)
        month = _simulate(month_env, "--days", str(month_days), "--batch")
        print(_line(f"{month_days} days, one batch run", month))
        year_env = _env(folder, "year", scale, start)
        backfill_days = year_days - 1
        year = _simulate(year_env, "--days", str(backfill_days), "--batch")
        print(_line(f"{backfill_days} days, one batch run", year))
        print(
            f"  peak RSS, year / month: {year.peak_rss_mb / month.peak_rss_mb:.2f}x; "
            f"the year's run {year.run_seconds / backfill_days:.2f}s per day"
        )
        steps = sorted(_step_seconds(year_env["DAGSTER_HOME"]).items(), key=lambda item: -item[1])
        print("  the year's run by step: " + ", ".join(f"{key} {seconds:.1f}s" for key, seconds in steps[:6]))
        for line in memory_lines(month_env, month, year_env, year):
            print(line)

        day2_env = _env(folder, "day2", scale, start)
        _simulate(day2_env, "--days", "1")
        day2 = _simulate(day2_env, "--days", "2")
        day2_steps = _step_seconds(day2_env["DAGSTER_HOME"])
        last_day = start + dt.timedelta(days=year_days - 1)
        day_last = _simulate(year_env, "--start", last_day.isoformat(), "--days", "1")
        day_last_steps = _step_seconds(year_env["DAGSTER_HOME"])
        warehouse = year_env["GENAI_DUCKDB_PATH"]
        rows = _rows(warehouse)
        print(f"  rows after {year_days} days: " + ", ".join(f"{name} {count:,}" for name, count in rows.items()))
        print(f"  warehouse on disk: {_size_mb(warehouse):,.0f} MB")
        day2_again = _simulate(year_env, "--start", (start + dt.timedelta(days=1)).isoformat(), "--days", "1")
        day2_again_steps = _step_seconds(year_env["DAGSTER_HOME"])
        # the floor of day 365's own size: day 2 with as many generations, on one day of history
        wanted = _generations_on(warehouse, last_day)
        guess = wanted / _generations_on(day2_env["GENAI_DUCKDB_PATH"], start + dt.timedelta(days=1))
        sized = _day_two_of_size(folder, scale, start, wanted, guess)
        print(
            f"  one-day runs: day 2 after 1 day of history {day2.run_seconds:.1f}s, day {year_days} after "
            f"{backfill_days} {day_last.run_seconds:.1f}s ({day_last.run_seconds / day2.run_seconds:.2f}x day 2), "
            f"day 2 re-run on the year's warehouse {day2_again.run_seconds:.1f}s "
            f"({day2_again.run_seconds / day2.run_seconds:.2f}x: what a year of history adds to a day); "
            f"peak RSS {day2.peak_rss_mb:,.0f} / {day_last.peak_rss_mb:,.0f} / {day2_again.peak_rss_mb:,.0f} MB"
        )
        print(
            f"  day 2 at day {year_days}'s size ({sized.factor:.2f}x the users: {sized.generations:,} generations against "
            f"day {year_days}'s {wanted:,}), on 1 day of history: "
            f"{sized.run.run_seconds:.1f}s; day {year_days} is {day_last.run_seconds / sized.run.run_seconds:.2f}x it "
            f"(what a year of history costs a day of that size)"
            + ("" if sized.within_5_percent else "; NOT within 5% of its size")
        )
        print(floor_line(sized.env, _budget_sized_batch(sized, start, smoke), 2, year))
        for label, steps in (
            ("day 2", day2_steps),
            (f"day {year_days}", day_last_steps),
            ("day 2 again", day2_again_steps),
            (f"day 2 at day {year_days}'s size", sized.steps),
        ):
            print(
                f"    {label} by step: "
                + ", ".join(f"{k} {v:.2f}s" for k, v in sorted(steps.items(), key=lambda i: -i[1]))
            )
