"""One alert: everything a person needs to act on one failed asset-check evaluation."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from dagster import AssetCheckEvaluation

from genai_pipeline.alerts.lateness import lateness

# Metadata keys carrying the failing-row count: dagster-dbt's, and the project's Python
# checks' (metric and anomaly checks also put their sample under "sample").
FAILED_ROW_KEYS = ("dagster_dbt/failed_row_count", "failing_rows")


@dataclass(frozen=True)
class Alert:
    alert_id: str
    run_id: str
    run_url: str
    asset_key: str
    check_name: str
    severity: str
    partition_key: str | None
    failing_rows: int | None
    blocked_downstream: bool
    description: str
    evaluated_at: dt.datetime
    # The dbt test behind the check, when it is one.
    dbt_unique_id: str | None = None
    sample: list[dict] = field(default_factory=list)
    sample_source: str = "none"

    @property
    def check(self) -> str:
        return f"{self.asset_key}:{self.check_name}"

    def with_sample(self, rows: list[dict], source: str) -> Alert:
        return replace(self, sample=rows, sample_source=source)

    def summary(self) -> str:
        where = f"partition {self.partition_key}" if self.partition_key else "all history"
        rows = "" if self.failing_rows is None else f", {self.failing_rows} failing row(s)"
        blocked = "; downstream assets were NOT materialized" if self.blocked_downstream else "; downstream ran"
        return f"[{self.severity}] check {self.check} failed on {where}{rows}{blocked}. Run {self.run_url}"

    def payload(self) -> dict[str, Any]:
        """The JSON sent to webhooks and logged: plain types only."""
        data = asdict(self)
        data["evaluated_at"] = self.evaluated_at.isoformat()
        data["summary"] = self.summary()
        return json.loads(json.dumps(data, default=str))


def alert_id_for(run_id: str, asset_key: str, check_name: str, storage_id: int) -> str:
    """Stable for one evaluation event: re-processing it (a retried tick) yields the same id."""
    return hashlib.sha256(f"{run_id}|{asset_key}|{check_name}|{storage_id}".encode()).hexdigest()[:24]


def lateness_alert_id(asset_key: str, check_name: str, late_partition: str) -> str:
    """One per late partition of an asset: evaluations in other runs report the same lateness."""
    return hashlib.sha256(f"late|{asset_key}|{check_name}|{late_partition}".encode()).hexdigest()[:24]


def metadata_value(metadata: Mapping[str, Any], key: str) -> Any:
    value = metadata.get(key)
    return getattr(value, "value", value)


def alert_from_evaluation(
    evaluation: AssetCheckEvaluation,
    *,
    storage_id: int,
    run_id: str,
    timestamp: float,
    partition_key: str | None,
    run_url: str,
    description: str | None,
) -> Alert:
    metadata = evaluation.metadata or {}
    failing = next((metadata_value(metadata, k) for k in FAILED_ROW_KEYS if k in metadata), None)
    asset_key = evaluation.asset_key.to_user_string()
    # The rule the check enforces (its description), then what this evaluation found when its
    # result says (an anomaly check: how many days were anomalous).
    rule, found = description or "", evaluation.description or ""
    text = f"{rule} Found: {found}".strip() if found and found != rule else rule
    # A freshness check runs unpartitioned: the alert names the late partition and since when.
    late = lateness(metadata, text)
    alert_id = alert_id_for(run_id, asset_key, evaluation.check_name, storage_id)
    if late is not None:
        partition_key, text = late
        # Any run that materializes the asset evaluates its freshness check too (a backfill of
        # old days, say): a late day is one alert, whichever evaluations report it.
        alert_id = lateness_alert_id(asset_key, evaluation.check_name, partition_key)
    alert = Alert(
        alert_id=alert_id,
        run_id=run_id,
        run_url=run_url,
        asset_key=asset_key,
        check_name=evaluation.check_name,
        severity=evaluation.severity.value,
        partition_key=evaluation.partition or partition_key,
        failing_rows=None if failing is None else int(failing),
        # A blocking check that failed stops the run's downstream steps (for dbt: dbt itself
        # skips the children of a failed error-severity test, and the step fails).
        blocked_downstream=bool(evaluation.blocking),
        description=text,
        evaluated_at=dt.datetime.fromtimestamp(timestamp, dt.UTC),
        dbt_unique_id=metadata_value(metadata, "unique_id"),
    )
    sample = metadata_value(metadata, "sample")
    return alert.with_sample(list(sample), "check metadata") if isinstance(sample, list) else alert
