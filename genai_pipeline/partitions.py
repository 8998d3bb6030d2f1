"""The one daily partitioning every asset in the graph shares (UTC days)."""

import datetime as dt
import os

from dagster import AssetCheckExecutionContext, AssetExecutionContext, DailyPartitionsDefinition

from genai_pipeline.settings import DEFAULT_START_DATE, SimulationSettings

# Only the start date is read here: a bad value in another setting must fail the run
# that uses it with a clear message, not stop the whole code location from loading.
START_DATE = (
    SimulationSettings.from_mapping({"start_date": os.environ["GENAI_START_DATE"]}).start_date
    if os.environ.get("GENAI_START_DATE")
    else DEFAULT_START_DATE
)

daily_partitions = DailyPartitionsDefinition(start_date=START_DATE.isoformat(), timezone="UTC")


def partition_days(context: AssetExecutionContext | AssetCheckExecutionContext) -> list[dt.date]:
    """The days of this run: one partition or a whole single-run backfill range."""
    window = context.partition_time_window
    first, end = window.start.date(), window.end.date()
    return [first + dt.timedelta(days=i) for i in range((end - first).days)]
