"""The one daily partitioning every asset in the graph shares (UTC days), and the run tags
that name a run's partition or partition range."""

import datetime as dt
import os

from dagster import AssetCheckExecutionContext, AssetExecutionContext, DailyPartitionsDefinition

from genai_pipeline.core.settings import DEFAULT_START_DATE, SimulationSettings

# The tags Dagster puts on a run of one partition and on a single-run range (its own tag
# names are strings in a private module, so the project spells them once, here).
PARTITION_TAG = "dagster/partition"
PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"

# Only the start date is read here: a bad value in another setting must fail the run
# that uses it with a clear message, not stop the whole code location from loading.
START_DATE = (
    SimulationSettings.from_mapping({"start_date": os.environ["GENAI_START_DATE"]}).start_date
    if os.environ.get("GENAI_START_DATE")
    else DEFAULT_START_DATE
)

daily_partitions = DailyPartitionsDefinition(start_date=START_DATE.isoformat(), timezone="UTC")


def partition_bounds(now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """The first and the last complete day of the partitions (as of ``now``)."""
    keys = daily_partitions.get_partition_keys(current_time=now)
    return dt.date.fromisoformat(keys[0]), dt.date.fromisoformat(keys[-1])


def partition_days(context: AssetExecutionContext | AssetCheckExecutionContext) -> list[dt.date]:
    """The days of this run: one partition or a whole single-run backfill range."""
    window = context.partition_time_window
    first, end = window.start.date(), window.end.date()
    return [first + dt.timedelta(days=i) for i in range((end - first).days)]


def range_tags(first: dt.date, last: dt.date) -> dict[str, str]:
    """The tags that make one run cover the partitions first..last (inclusive)."""
    return {PARTITION_RANGE_START_TAG: first.isoformat(), PARTITION_RANGE_END_TAG: last.isoformat()}


def run_partition(tags: dict[str, str]) -> str | None:
    """A run's partition key, ``first...last`` for a range run, None when unpartitioned."""
    if PARTITION_TAG in tags:
        return tags[PARTITION_TAG]
    if PARTITION_RANGE_START_TAG in tags:
        return f"{tags[PARTITION_RANGE_START_TAG]}...{tags.get(PARTITION_RANGE_END_TAG, '')}"
    return None
