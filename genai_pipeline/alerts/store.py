"""The alert history in the warehouse (schema main): what was alerted, and where it got.

- `alerts`: one row per failed check evaluation, keyed by its stable alert_id, written
  before anything else is sent, so the history is complete even when every other sink fails.
- `alert_deliveries`: one row per (alert, external sink) that was configured when the
  alert was recorded; `status` goes pending -> delivered, `attempts` and `last_error`
  (secrets masked) tell why an alert is still pending. Pending rows are retried each tick.
  A sink configured later does not receive the alerts recorded before it existed.
Times are UTC.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

import duckdb

from genai_pipeline.alerts.alert import Alert

DDL = (
    """create table if not exists main.alerts (
        alert_id varchar primary key,
        created_at timestamp not null,
        evaluated_at timestamp not null,
        run_id varchar not null,
        run_url varchar not null,
        asset_key varchar not null,
        check_name varchar not null,
        severity varchar not null,
        partition_key varchar,
        failing_rows bigint,
        sample varchar not null,
        sample_source varchar not null,
        blocked_downstream boolean not null,
        description varchar,
        summary varchar not null
    )""",
    """create table if not exists main.alert_deliveries (
        alert_id varchar not null,
        sink varchar not null,
        status varchar not null,
        attempts integer not null default 0,
        last_error varchar,
        updated_at timestamp not null,
        delivered_at timestamp,
        primary key (alert_id, sink)
    )""",
)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def ensure_tables(conn: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        conn.execute(statement)


def record_alerts(conn: duckdb.DuckDBPyConnection, alerts: Iterable[Alert], sinks: list[str]) -> list[Alert]:
    """Inserts the alerts not already recorded (and their pending deliveries) in ONE
    transaction; returns the new ones. Re-recording an alert is a no-op."""
    new, now = [], utc_now()
    conn.execute("begin transaction")
    try:
        for alert in alerts:
            inserted = conn.execute(
                "insert into main.alerts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "on conflict do nothing returning alert_id",
                [
                    alert.alert_id,
                    now,
                    alert.evaluated_at.replace(tzinfo=None),
                    alert.run_id,
                    alert.run_url,
                    alert.asset_key,
                    alert.check_name,
                    alert.severity,
                    alert.partition_key,
                    alert.failing_rows,
                    json.dumps(alert.sample, default=str),
                    alert.sample_source,
                    alert.blocked_downstream,
                    alert.description,
                    alert.summary(),
                ],
            ).fetchall()
            if not inserted:
                continue
            new.append(alert)
            for sink in sinks:
                conn.execute(
                    "insert into main.alert_deliveries (alert_id, sink, status, updated_at) values (?, ?, 'pending', ?)",
                    [alert.alert_id, sink, now],
                )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return new


def pending_deliveries(conn: duckdb.DuckDBPyConnection, sinks: list[str]) -> list[tuple[str, dict]]:
    """(sink, alert payload) for every pending delivery to a sink configured now, oldest first."""
    if not sinks:
        return []
    rows = conn.execute(
        "select d.sink, a.* from main.alert_deliveries d join main.alerts a using (alert_id) "
        f"where d.status = 'pending' and d.sink in ({', '.join('?' for _ in sinks)}) order by a.created_at, a.alert_id",
        sinks,
    )
    names = [c[0] for c in rows.description]
    result = []
    for row in rows.fetchall():
        payload = dict(zip(names[1:], row[1:], strict=True))
        payload["sample"] = json.loads(payload["sample"])
        result.append((row[0], json.loads(json.dumps(payload, default=str))))
    return result


def mark_deliveries(conn: duckdb.DuckDBPyConnection, outcomes: list[tuple[str, str, str | None]]) -> None:
    """outcomes: (alert_id, sink, error or None when delivered)."""
    now = utc_now()
    for alert_id, sink, error in outcomes:
        conn.execute(
            "update main.alert_deliveries set attempts = attempts + 1, updated_at = ?, last_error = ?, "
            "status = case when ? is null then 'delivered' else status end, "
            "delivered_at = case when ? is null then ? else delivered_at end "
            "where alert_id = ? and sink = ?",
            [now, error, error, error, now, alert_id, sink],
        )
