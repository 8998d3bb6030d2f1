"""A long partition range built as consecutive chunks of days, reported as one build.

A single-run backfill of a year hands dbt one window of 365 days: every incremental model
then inserts a year of rows in one statement, and its joins, window functions and tests hold
a year's working set (the run's peak memory grew with the range: a year 1.8x a month). Built
chunk by chunk, each dbt invocation sees at most CHUNK_DAYS days, and dbt-duckdb's database
is closed between invocations (transform/runner.py release_duckdb), so the run's memory is
that of its largest chunk whatever the range's length.

Dagster still sees one step for the range: each dbt node's results over the chunks become
one result, as one dbt build of the whole window would report it.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

# A month: a 30-day range (the scheduled job's longest catch-up, `simulate --days 30
# --batch`) is still one dbt build, and a year is 12 builds of at most a month each.
CHUNK_DAYS = 31

# dbt's node statuses that fail a node (a failed test, an errored model or test); "warn" is a
# test that breached its warn threshold, reported as a failed check of warn severity.
FAILED = frozenset({"error", "fail", "runtime error"})
WARNED = frozenset({"warn"})


def chunk_windows(window: Mapping[str, str], days: int | None = None) -> list[dict[str, str]]:
    """The window (min_date inclusive, max_date exclusive) as consecutive windows of at most
    ``days`` days (CHUNK_DAYS by default); a window without both bounds (all history) is one chunk."""
    days = days or CHUNK_DAYS
    if not window.get("min_date") or not window.get("max_date"):
        return [dict(window)]
    start, end = dt.date.fromisoformat(window["min_date"]), dt.date.fromisoformat(window["max_date"])
    chunks = []
    while start < end:
        stop = min(start + dt.timedelta(days=days), end)
        chunks.append({"min_date": start.isoformat(), "max_date": stop.isoformat()})
        start = stop
    return chunks


def _status(raw_event: Mapping[str, Any]) -> str:
    return str(raw_event["data"]["status"]).lower()


def merge_chunk_results(chunks: Sequence[Mapping[str, dict]]) -> list[dict]:
    """One result event per dbt node from each chunk's {unique_id: result event}.

    A node failed if it failed in any chunk (its first failure is kept: its message and its
    failing rows are that chunk's); it warned if it warned in any chunk and failed in none;
    it succeeded only if it ran and succeeded in every chunk (the last chunk's event is kept).
    A node that did not run in some chunk (dbt skipped it behind a failure) and failed
    nowhere is left out, as dbt leaves out a skipped node: its days are not all built or tested.
    """
    order = list(dict.fromkeys(uid for chunk in chunks for uid in chunk))
    merged = []
    for uid in order:
        events = [chunk[uid] for chunk in chunks if uid in chunk]
        failed = [e for e in events if _status(e) in FAILED]
        warned = [e for e in events if _status(e) in WARNED]
        if failed:
            merged.append(failed[0])
        elif len(events) < len(chunks):
            continue
        elif warned:
            merged.append(warned[0])
        else:
            merged.append(events[-1])
    return merged
