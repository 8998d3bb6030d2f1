"""What bench spark measures and prints: a run's figures read back from its own event log, the
cost of a trivial query on an open connection, the side-by-side table, the engine comparison.

dbt's per-node time is the "Execution Duration" dagster-dbt puts on every materialization,
check evaluation and observation it translates from dbt's result events (node started to node
finished, as in run_results.json, which the in-process runner does not write). The steps' times
are the event log's STEP_START to STEP_SUCCESS/FAILURE timestamps.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from dagster import DagsterEventType, DagsterInstance

from genai_pipeline.transform.engine_comparison import compare_engines
from genai_pipeline.transform.project import dbt_project
from genai_pipeline.transform.spark_target import spark_connection

DURATION_KEY = "Execution Duration"
STEP_ENDS = (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE)
WIDTH = 27  # a figure column
SHOWN_DIFFERENCES = 10


@dataclass
class RunFigures:
    seconds: float  # the whole run, as the caller timed it
    checks: tuple[int, int]  # (passed, total)
    steps: dict[str, float] = field(default_factory=dict)  # step key -> seconds
    nodes: dict[str, list[float]] = field(default_factory=dict)  # "model" / "test" -> each node's seconds


def run_figures(instance: DagsterInstance, seconds: float, checks: tuple[int, int]) -> RunFigures:
    """The figures of the instance's latest run (bench spark gives each engine its own instance)."""
    run_id = instance.get_runs(limit=1)[0].run_id
    figures = RunFigures(seconds, checks)
    started: dict[str, float] = {}
    durations: dict[str, float] = {}  # unique_id -> seconds: one figure per node, however many events name it
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type == DagsterEventType.STEP_START:
            started[event.step_key] = entry.timestamp
        elif event.event_type in STEP_ENDS and event.step_key in started:
            figures.steps[event.step_key] = entry.timestamp - started[event.step_key]
        metadata = _metadata(event.event_specific_data)
        if "unique_id" in metadata and DURATION_KEY in metadata:
            durations[_value(metadata["unique_id"])] = float(_value(metadata[DURATION_KEY]))
    for unique_id, node_seconds in durations.items():
        figures.nodes.setdefault(unique_id.split(".")[0], []).append(node_seconds)
    return figures


def _metadata(data: Any) -> Mapping[str, Any]:
    """A materialization's, observation's or check evaluation's metadata; {} for other events."""
    for inner in ("materialization", "asset_observation"):
        if getattr(data, inner, None) is not None:
            return getattr(data, inner).metadata
    metadata = getattr(data, "metadata", None)
    return metadata if isinstance(metadata, Mapping) else {}


def _value(entry: Any) -> Any:
    return getattr(entry, "value", entry)


def node_summary(seconds: list[float]) -> str:
    """`count × median, sum`, e.g. `11 × 5.31 s, sum 93.0 s`."""
    if not seconds:
        return "none"
    return f"{len(seconds)} × {statistics.median(seconds):.2f} s, sum {sum(seconds):.1f} s"


def print_runs(results: dict[str, dict[str, RunFigures]]) -> None:
    """One column per engine and case (engine -> case -> figures), one row per figure."""
    columns = [(engine, case) for case in next(iter(results.values())) for engine in results]
    print("  " + f"{'':<26}" + "".join(f"{f'{engine} {case}':>{WIDTH}}" for engine, case in columns))
    rows = {
        "run total": lambda f: f"{f.seconds:.1f} s",
        "  raw landing step": lambda f: f"{f.steps.get('raw_activity', 0):.1f} s",
        "  dbt step": lambda f: f"{f.steps.get('dbt_models', 0):.1f} s",
        "  metric and anomaly steps": lambda f: f"{sum(f.steps.values()) - f.steps.get('raw_activity', 0) - f.steps.get('dbt_models', 0):.1f} s",
        "dbt nodes run": lambda f: str(sum(len(v) for v in f.nodes.values())),
        "  models: n × median, sum": lambda f: node_summary(f.nodes.get("model", [])),
        "  tests: n × median, sum": lambda f: node_summary(f.nodes.get("test", [])),
        "checks passed": lambda f: f"{f.checks[0]}/{f.checks[1]}",
    }
    for name, cell in rows.items():
        print("  " + f"{name:<26}" + "".join(f"{cell(results[engine][case]):>{WIDTH}}" for engine, case in columns))


def process_age(pid: int) -> float:
    """Seconds since the process started (/proc: its start in clock ticks after boot)."""
    ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - ticks / os.sysconf("SC_CLK_TCK")


def comparison_line(duckdb_warehouse: Path) -> str:
    """The engine comparison (transform/engine_comparison.py) of the DuckDB warehouse with the
    Spark server the environment names, as the bench's last line(s)."""
    manifest = json.loads(dbt_project.manifest_path.read_text())
    with duckdb.connect(str(duckdb_warehouse), read_only=True) as local, spark_connection() as spark:
        result = compare_engines(manifest, local, spark)
    if result.same:
        return (
            f"engines agree on {len(result.row_counts)} tables ({sum(n for n, _ in result.row_counts.values()):,} rows)"
        )
    shown = [f"  {difference}" for difference in result.differences[:SHOWN_DIFFERENCES]]
    more = len(result.differences) - len(shown)
    return "\n".join(
        [f"engines DIFFER: {len(result.differences)} difference(s)", *shown] + ([f"  ... {more} more"] if more else [])
    )


def select_one(conn: Any, repeats: int) -> tuple[float, float]:
    """Seconds of the first `select 1` on the connection, and the median of `repeats` more:
    the first also pays whatever the engine sets up for a session's first statement."""
    timings = []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        conn.execute("select 1").fetchall()
        timings.append(time.perf_counter() - started)
    return timings[0], statistics.median(timings[1:])
