"""The schedule of the daily batch: shortly after midnight UTC, for the day that just ended."""

from dagster import DefaultScheduleStatus, build_schedule_from_partitioned_job

from genai_pipeline.core.jobs import daily_job

# A tick at 00:30 on day D requests partition D-1: the last complete UTC day.
daily_schedule = build_schedule_from_partitioned_job(
    daily_job,
    name="daily_schedule",
    hour_of_day=0,
    minute_of_hour=30,
    default_status=DefaultScheduleStatus.RUNNING,
    description="Runs daily_job at 00:30 UTC for yesterday's partition.",
)
