"""AlertSinks: the one resource every alert goes through.

Always: a row in the warehouse table `alerts` (written first: the history is the record
of truth) and one structured (JSON) log line. Optionally: Slack when SLACK_BOT_TOKEN and
GENAI_SLACK_CHANNEL are set, a JSON webhook when GENAI_ALERT_WEBHOOK_URL is set. Each
external delivery is tracked in `alert_deliveries` (store.py): a failing sink is logged
with its secrets masked and retried on the next tick, without holding back the others.
External sinks are at-least-once: if recording a success fails, it is sent again.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass

from dagster import ConfigurableResource, EnvVar

from genai_pipeline.alerts.alert import Alert
from genai_pipeline.alerts.channels import mask, post_slack, post_webhook, url_origin
from genai_pipeline.alerts.store import ensure_tables, mark_deliveries, pending_deliveries, record_alerts
from genai_pipeline.core.warehouse import WarehouseLockedError, WarehouseResource

DEFAULT_DAGSTER_URL = "http://127.0.0.1:3000"
# The sensor must not sit on a busy warehouse: it gives up and retries on the next tick.
SENSOR_LOCK_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class DeliveryReport:
    recorded: int
    delivered: int
    failed: int

    def __str__(self) -> str:
        return f"{self.recorded} new alert(s) recorded; external deliveries: {self.delivered} ok, {self.failed} failed"


class AlertSinks(ConfigurableResource):
    warehouse: WarehouseResource
    dagster_url: str = DEFAULT_DAGSTER_URL
    webhook_url: str | None = None
    slack_token: str | None = None
    slack_channel: str | None = None
    timeout_seconds: float = 10.0

    def external_sinks(self) -> list[str]:
        sinks = ["webhook"] if self.webhook_url else []
        return sinks + (["slack"] if self.slack_token and self.slack_channel else [])

    def target(self, sink: str) -> str:
        return url_origin(self.webhook_url or "") if sink == "webhook" else f"slack channel {self.slack_channel}"

    def send(self, sink: str, payload: dict) -> None:
        if sink == "webhook":
            post_webhook(self.webhook_url, payload, self.timeout_seconds)
        else:
            post_slack(self.slack_token, self.slack_channel, payload)

    def deliver(self, alerts: Sequence[Alert], log: logging.Logger) -> DeliveryReport:
        """Records the alerts (idempotent), logs the new ones, then sends every pending
        external delivery. Raises when the warehouse cannot be written: nothing was
        recorded, and the caller must not move past these alerts."""
        sinks = self.external_sinks()
        with self.warehouse.get_connection() as conn:
            ensure_tables(conn)
            new = record_alerts(conn, alerts, sinks)
            pending = pending_deliveries(conn, sinks)
        for alert in new:
            line = json.dumps({"event": "genai_pipeline.alert", **alert.payload()})
            (log.error if alert.severity == "ERROR" else log.warning)(line)
        outcomes = []
        for sink, payload in pending:
            try:
                self.send(sink, payload)
                outcomes.append((payload["alert_id"], sink, None))
            except Exception as error:  # any failure of one sink must not stop the others
                reason = mask(f"{type(error).__name__}: {error}", [self.slack_token, self.webhook_url])
                log.error(
                    f"alert sink {sink} ({self.target(sink)}) failed for alert {payload['alert_id']}: {reason}; retried next tick"
                )
                outcomes.append((payload["alert_id"], sink, reason))
        if outcomes:
            try:
                with self.warehouse.get_connection() as conn:
                    mark_deliveries(conn, outcomes)
            except WarehouseLockedError as error:
                log.warning(f"could not record {len(outcomes)} delivery outcome(s), they will be retried: {error}")
        failed = sum(1 for *_, error in outcomes if error)
        return DeliveryReport(len(new), len(outcomes) - failed, failed)


def alert_sinks_from_env(database: str) -> AlertSinks:
    """Secrets stay EnvVar references (shown by name, never by value, in the UI)."""
    slack = bool(os.environ.get("SLACK_BOT_TOKEN") and os.environ.get("GENAI_SLACK_CHANNEL"))
    return AlertSinks(
        warehouse=WarehouseResource(database=database, lock_timeout_seconds=SENSOR_LOCK_TIMEOUT_SECONDS),
        dagster_url=os.environ.get("GENAI_DAGSTER_URL") or DEFAULT_DAGSTER_URL,
        webhook_url=EnvVar("GENAI_ALERT_WEBHOOK_URL") if os.environ.get("GENAI_ALERT_WEBHOOK_URL") else None,
        slack_token=EnvVar("SLACK_BOT_TOKEN") if slack else None,
        slack_channel=os.environ.get("GENAI_SLACK_CHANNEL") if slack else None,
    )
