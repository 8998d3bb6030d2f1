"""A long partition range built as consecutive chunks of days, reported as one build.

A single-run backfill of a year hands dbt one window of 365 days: every incremental model
then inserts a year of rows in one statement, and its joins, window functions and tests hold
a year's working set (the run's peak memory grew with the range: a year 1.8x a month). Built
chunk by chunk, each dbt invocation sees at most a month and at most as many rows as DuckDB's
memory limit is sized for (counted from the raw zone's Parquet footers before dbt starts), and
dbt-duckdb's database is closed between invocations (transform/runner.py release_duckdb), so
the run's memory is that of its largest chunk whatever the range's length.

Dagster still sees one step for the range: each dbt node's results over the chunks become
one result, as one dbt build of the whole window would report it.
"""

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

from genai_pipeline.core.paths import raw_table_files, raw_table_scan
from genai_pipeline.core.warehouse import duckdb_memory_limit, memory_limit_bytes

# At most a month per build, and at most this many generations (the largest table; the others
# follow it) per GB of DuckDB's memory_limit, so that a build's DuckDB memory stays below the
# limit, not at it. Measured at 10x the default users on days 1-2x a year's last, dbt alone in
# one process starting at ~160 MB RSS: builds of 0.8-1.0M generations peaked at 745-841 MB RSS;
# of 1.2-1.7M, at 891-1,257 MB (DuckDB at its 1GB). At the former 1.5M the year's builds peaked
# at 1,154-1,355 MB in a Dagster run (two runs). Incremental models stage on disk
# (macros/staging_relation.sql); under 500MB a 3.0M build ran out of memory. A 30-day batch at
# the default scale (~70k generations) is one build, as is a month at 10x (0.98M).
CHUNK_DAYS = 31
GENERATIONS_PER_GB = 1_000_000


def build_budget() -> int:
    """The most generations one build of a range holds under the DuckDB memory_limit in effect."""
    return GENERATIONS_PER_GB * memory_limit_bytes(duckdb_memory_limit()) // 10**9


# dbt's node statuses that fail a node (a failed test, an errored model or test); "warn" is a
# test that breached its warn threshold, reported as a failed check of warn severity.
FAILED = frozenset({"error", "fail", "runtime error"})
WARNED = frozenset({"warn"})


def chunk_windows(
    window: Mapping[str, str], rows_per_day: Mapping[dt.date, int] | None = None, max_rows: int | None = None
) -> list[dict[str, str]]:
    """The window (min_date inclusive, max_date exclusive) as consecutive windows of at most
    CHUNK_DAYS days and, given each day's rows, at most ``max_rows`` rows (a day above it is a
    chunk of its own). A window without both bounds (all history) is one chunk."""
    if not window.get("min_date") or not window.get("max_date"):
        return [dict(window)]
    start, end = dt.date.fromisoformat(window["min_date"]), dt.date.fromisoformat(window["max_date"])
    rows_per_day = rows_per_day or {}
    chunks, first, rows = [], start, 0
    day = start
    while day < end:
        day_rows = rows_per_day.get(day, 0)
        full = (day - first).days >= CHUNK_DAYS or (max_rows is not None and rows and rows + day_rows > max_rows)
        if full:
            chunks.append({"min_date": first.isoformat(), "max_date": day.isoformat()})
            first, rows = day, 0
        rows += day_rows
        day += dt.timedelta(days=1)
    chunks.append({"min_date": first.isoformat(), "max_date": end.isoformat()})
    return chunks


def generations_per_day(raw_zone: Path, window: Mapping[str, str]) -> dict[dt.date, int]:
    """Each landed day's generations in the window, from the raw zone's Parquet footers."""
    if not window.get("min_date") or not window.get("max_date"):
        return {}
    files = raw_table_files(raw_zone, "generations")
    with duckdb.connect() as conn:
        if not conn.execute("select count(*) from glob(?)", [files]).fetchone()[0]:
            return {}
        rows = conn.execute(
            f"select partition_date, count(*) from {raw_table_scan('?')} "
            "where partition_date >= cast(? as date) and partition_date < cast(? as date) group by 1",
            [files, window["min_date"], window["max_date"]],
        ).fetchall()
    return {day: int(count) for day, count in rows}


def _status(raw_event: Mapping[str, Any]) -> str:
    return str(raw_event["data"]["status"]).lower()


class ChunkResults:
    """One result event per dbt node over a range's chunks, merged as each chunk's results
    come, so a range keeps one event per node, not one per node and chunk (a year at 10x
    is 45 builds of ~120 nodes under the default 1GB, more under less).

    A node failed if it failed in any chunk (its first failure is kept, with its failing rows:
    that chunk's); it warned if it warned in any chunk and failed in none; it succeeded only if
    it ran and succeeded in every chunk (the last chunk's event is kept). A node that did not
    run in some chunk (dbt skipped it behind a failure) and failed nowhere is left out, as dbt
    leaves out a skipped node: its days are not all built or tested.
    """

    def __init__(self) -> None:
        self._runs: dict[str, int] = {}
        self._failed: dict[str, tuple[dict, Any]] = {}
        self._warned: dict[str, tuple[dict, Any]] = {}
        self._last: dict[str, tuple[dict, Any]] = {}

    def add(self, events: Mapping[str, dict], samples: Mapping[str, Any] | None = None) -> None:
        """One chunk's {unique_id: result event}, and its failing rows by unique_id."""
        for uid, event in events.items():
            self._runs[uid] = self._runs.get(uid, 0) + 1
            kept = (event, (samples or {}).get(uid))
            if _status(event) in FAILED:
                self._failed.setdefault(uid, kept)
            elif _status(event) in WARNED:
                self._warned.setdefault(uid, kept)
            self._last[uid] = kept

    def merged(self, chunks: int) -> list[tuple[dict, Any]]:
        """(event, failing rows or None) per node reported, over ``chunks`` chunks (those a
        stopped range never ran count as chunks where no node ran)."""
        merged = []
        for uid, runs in self._runs.items():
            if uid in self._failed:
                merged.append(self._failed[uid])
            elif runs < chunks:
                continue
            else:
                merged.append(self._warned.get(uid) or self._last[uid])
        return merged
