"""What a failed freshness check tells a person: which partition is late, and since when.

Dagster's time-partition freshness checks (quality/freshness.py) run unpartitioned and say
only "partition X has not arrived"; the deadline they judged is on their result's metadata.
From it follow the late partition (the last complete day at the deadline) and the time it
has been overdue since.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from genai_pipeline.core.partitions import daily_partitions

# The metadata key under which Dagster's freshness checks record the deadline they judged.
DEADLINE_KEY = "dagster/latest_cron_tick_timestamp"
LAST_UPDATED_KEY = "dagster/last_updated_timestamp"


def _value(metadata: Mapping[str, Any], key: str) -> Any:
    value = metadata.get(key)
    return getattr(value, "value", value)


def lateness(metadata: Mapping[str, Any], description: str) -> tuple[str, str] | None:
    """(late partition, description saying since when) for a freshness check's evaluation;
    None for any other check."""
    deadline = _value(metadata, DEADLINE_KEY)
    if deadline is None:
        return None
    due = dt.datetime.fromtimestamp(float(deadline), dt.UTC)
    partition = daily_partitions.get_partition_keys(current_time=due)[-1]
    text = f"Partition {partition} is late: due by {due:%Y-%m-%d %H:%M} UTC, overdue since then."
    last = _value(metadata, LAST_UPDATED_KEY)
    if last is not None:
        text += f" Last materialized (any partition) at {dt.datetime.fromtimestamp(float(last), dt.UTC):%Y-%m-%d %H:%M} UTC."
    else:
        text += " Never materialized."
    return partition, f"{text} {description}".strip()
