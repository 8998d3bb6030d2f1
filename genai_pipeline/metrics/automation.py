"""Declarative automation: a backfill metric follows its marts, day by day.

daily_job builds the marts and the metrics of a day together. When the marts of a day are
built without the metrics (a UI materialization, a dbt-only backfill, a re-run of an old
day), the automation sensor requests that day of every metric reading them, so no job has to
list the metrics. Dagster's `eager()` looks only at the latest day; this is eager without
that restriction, and without its "newly missing" branch: new days come from the schedule.
A parent updated by a run that also built the metric does not count
(`any_deps_updated` ignores it), so after a daily_job run nothing is requested.
"""

from dagster import AssetSelection, AutomationCondition, AutomationConditionSensorDefinition, DefaultSensorStatus

FOLLOWS_ITS_MARTS = (
    AutomationCondition.any_deps_updated().since_last_handled()
    & ~AutomationCondition.any_deps_missing()
    & ~AutomationCondition.any_deps_in_progress()
    & ~AutomationCondition.in_progress()
).with_label("follows its marts, any day")

# Dagster would create this sensor by itself, but STOPPED: named as the default one and
# RUNNING, so `dagster dev` / `dg dev` keep the metrics current with no click in the UI.
automation_sensor = AutomationConditionSensorDefinition(
    "default_automation_condition_sensor",
    target=AssetSelection.all(),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Requests each day of a backfill metric whose marts were rebuilt without it.",
)
