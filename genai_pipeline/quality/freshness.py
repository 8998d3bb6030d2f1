"""Freshness: yesterday's partition of the daily outputs must be materialized by 02:00 UTC.

The schedule runs daily_job at 00:30 for the day that just ended, so by 02:00 that day's
`daily_metrics` and every backfill metric should exist; a check per asset says so, or says
which partition is late and since when. Dagster's time-partition freshness checks are
partition-aware (re-running an old day does not make the asset look fresh, unlike a
`FreshnessPolicy`, which looks at the last materialization of any partition), and their
results are asset-check evaluations in a run, so the alert sensor and its sinks report them
like every other failed check. They judge the wall clock, not a day's data: they run only
from their own sensor, never inside a day's run (core/jobs.py leaves them out of the jobs).

The sensor re-evaluates a passed check once its next deadline can have passed, and a failed
one only after the asset is materialized again: a late day is reported once.
"""

import warnings

from dagster import (
    AssetCheckSeverity,
    AssetKey,
    DefaultSensorStatus,
    SupersessionWarning,
    build_sensor_for_freshness_checks,
    build_time_partition_freshness_checks,
)

from genai_pipeline.metrics.catalog import registered_metrics

# 90 minutes after the schedule's 00:30 tick: a day's run takes well under a minute, so
# this leaves room for a queued backfill or a retry before anyone is told.
DEADLINE_CRON = "0 2 * * *"
SENSOR_NAME = "freshness_checks_sensor"


def fresh_by_deadline() -> list[AssetKey]:
    """The daily outputs people read: the KPIs and every backfill metric."""
    return [AssetKey("daily_metrics"), *(spec.key for spec in registered_metrics().values())]


# Both factories are "superseded" by FreshnessPolicy, chosen against on purpose (above);
# their warning would otherwise open every log of the code location.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", SupersessionWarning)
    # ERROR: a missing day is not a drift to look into but numbers nobody can read today.
    freshness_checks = build_time_partition_freshness_checks(
        assets=fresh_by_deadline(), deadline_cron=DEADLINE_CRON, severity=AssetCheckSeverity.ERROR
    )
    freshness_checks_sensor = build_sensor_for_freshness_checks(
        freshness_checks=freshness_checks,
        name=SENSOR_NAME,
        minimum_interval_seconds=60,
        default_status=DefaultSensorStatus.RUNNING,
    )
