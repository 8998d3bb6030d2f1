"""Where a child run's memory went: its RSS sampled from outside, attributed to the run's
steps and to each dbt build of a range.

The child's ru_maxrss (read by wait4) is one number for the whole run, and the runner's own
log line gives the peak *so far*, a running maximum that can only rise: neither says whether a
late build needs more memory than an early one. Sampling the child's resident set every
SAMPLE_SECONDS from /proc (Linux) and cutting the samples at the run's step boundaries and at
each "dbt build k of n" log line gives the peak while each step and each build ran; with the
generations each build read, that separates what grows with the history from what grows with
a build's size. The figures are samples, so a peak shorter than a sample can be missed (the
wait4 figure stays the run's peak), and only the run's own process is sampled: the raw
landing's worker processes are not.
"""

import datetime as dt
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

SAMPLE_SECONDS = 0.25
# transform/runner.py build_line, for a range with both bounds (a batch run's always has them)
BUILD_LINE = re.compile(r"^dbt build (\d+) of \d+: (\S+) to before (\S+), [\d.]+s;")


@dataclass
class RssTrace:
    samples: list[tuple[float, float]]  # (epoch seconds, RSS in MB)

    def peak_between(self, start: float, end: float) -> float | None:
        inside = [mb for at, mb in self.samples if start <= at <= end]
        return max(inside) if inside else None


@contextmanager
def sampled_rss(pid: int) -> Iterator[RssTrace]:
    """The process's RSS every SAMPLE_SECONDS until the block ends (no samples without /proc)."""
    trace = RssTrace([])
    status = Path(f"/proc/{pid}/status")
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_SECONDS):
            try:
                text = status.read_text()
            except OSError:  # no /proc (macOS), or the process has ended
                return
            kb = next((int(line.split()[1]) for line in text.splitlines() if line.startswith("VmRSS:")), None)
            if kb is not None:
                trace.samples.append((time.time(), kb / 1024))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield trace
    finally:
        done.set()
        sampler.join()


@contextmanager
def instance_of(home: str) -> Iterator[DagsterInstance]:
    """A child's Dagster instance, opened from its home with the project's dagster.yaml."""
    saved = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = home
    try:
        with DagsterInstance.get() as instance:
            yield instance
    finally:
        if saved is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = saved


@dataclass
class BuildPeak:
    number: int
    min_date: dt.date
    max_date: dt.date
    peak_mb: float | None


def last_successful_run(instance: DagsterInstance):
    """The instance's latest successful run (a benchmark's child home holds its runs alone)."""
    return instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.SUCCESS]), limit=1)[0]


def step_peaks(instance: DagsterInstance, trace: RssTrace) -> dict[str, float]:
    """Each step of the instance's last successful run: the peak RSS sampled while it ran."""
    stats = instance.get_run_step_stats(last_successful_run(instance).run_id)
    peaks = {s.step_key: trace.peak_between(s.start_time, s.end_time) for s in stats if s.start_time and s.end_time}
    return {key: peak for key, peak in peaks.items() if peak is not None}


def build_peaks(instance: DagsterInstance, trace: RssTrace) -> list[BuildPeak]:
    """Each dbt build of the last successful run's range: the peak RSS sampled from the end of
    the previous build (the dbt step's start for the first) to its own log line."""
    run_id = last_successful_run(instance).run_id
    builds, since = [], None
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is not None and event.event_type == DagsterEventType.STEP_START and entry.step_key == "dbt_models":
            since = entry.timestamp
        elif since is not None and (m := BUILD_LINE.match(entry.user_message or "")):
            days = [dt.date.fromisoformat(m[i]) for i in (2, 3)]
            builds.append(BuildPeak(int(m[1]), *days, trace.peak_between(since, entry.timestamp)))
            since = entry.timestamp
    if not builds:  # the runner's log line and BUILD_LINE went apart: the smoke run fails here
        raise RuntimeError("the run logged no dbt build line (transform/runner.py)")
    return builds
