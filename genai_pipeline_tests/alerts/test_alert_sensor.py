"""The alert sensor and its sinks on a toy asset with one failing and one passing check:
no dbt, so every path (dedup, webhook, Slack, failing sink, locked warehouse) is fast."""

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest
from dagster import (
    AssetCheckEvaluation,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    DagsterEvent,
    DagsterEventType,
    DagsterInstance,
    DagsterRun,
    DagsterRunStatus,
    Definitions,
    MetadataValue,
    asset,
    asset_check,
    build_sensor_context,
    materialize,
)

from genai_pipeline.alerts.sensors import check_failure_alert_sensor, parse_cursor
from genai_pipeline.alerts.sinks import AlertSinks
from genai_pipeline.core.warehouse import WarehouseResource

SAMPLE = [{"order_id": 7, "amount": -5.0}, {"order_id": 9, "amount": -1.5}]
WEBHOOK_SECRET = "T0k3nInThePath"
SLACK_TOKEN = "xoxb-not-a-real-token"


@asset
def orders() -> None:
    return None


@asset_check(asset=orders, description="amounts are positive")
def amount_positive() -> AssetCheckResult:
    return AssetCheckResult(
        passed=False,
        severity=AssetCheckSeverity.WARN,
        metadata={"failing_rows": len(SAMPLE), "sample": MetadataValue.json(SAMPLE)},
    )


@asset_check(asset=orders)
def has_rows() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


TOY_DEFS = Definitions(assets=[orders], asset_checks=[amount_positive, has_rows])


class Endpoint:
    """A real HTTP server on 127.0.0.1 that records each POST and answers `status`."""

    def __init__(self, status: int = 200, body: bytes = b"ok"):
        self.status, self.body, self.requests = status, body, []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                endpoint.requests.append((self.path, dict(self.headers), self.rfile.read(length)))
                self.send_response(endpoint.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(endpoint.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint():
    server = Endpoint()
    yield server
    server.close()


@pytest.fixture
def instance(tmp_path):
    # The storage `dagster dev` and the CLI use (SQLite, events sharded per run): the
    # sensor must find evaluations without a cross-run index of them.
    (tmp_path / "dagster_home").mkdir()
    with DagsterInstance.local_temp(str(tmp_path / "dagster_home")) as instance:
        yield instance


@pytest.fixture
def warehouse(tmp_path):
    return str(tmp_path / "warehouse.duckdb")


def sinks(warehouse: str, **kwargs) -> AlertSinks:
    return AlertSinks(
        warehouse=WarehouseResource(database=warehouse, lock_timeout_seconds=0.5),
        dagster_url="http://dagster.example:3000/",
        **kwargs,
    )


def run_checks(instance) -> str:
    return materialize([orders, amount_positive, has_rows], instance=instance).run_id


def tick(instance, alert_sinks, cursor=None):
    with build_sensor_context(
        instance=instance, cursor=cursor, resources={"alert_sinks": alert_sinks}, definitions=TOY_DEFS
    ) as context:
        return check_failure_alert_sensor.evaluate_tick(context)


def alert_rows(warehouse: str) -> list[dict]:
    with duckdb.connect(warehouse, read_only=True) as conn:
        cursor = conn.execute("select * from main.alerts order by created_at")
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def deliveries(warehouse: str) -> dict:
    with duckdb.connect(warehouse, read_only=True) as conn:
        rows = conn.execute("select sink, status, attempts, last_error from main.alert_deliveries").fetchall()
    return {sink: (status, attempts, error) for sink, status, attempts, error in rows}


def test_a_failed_check_becomes_exactly_one_alert_with_its_sample(instance, warehouse):
    run_id = run_checks(instance)
    tick(instance, sinks(warehouse))
    [alert] = alert_rows(warehouse)
    assert (alert["asset_key"], alert["check_name"], alert["severity"]) == ("orders", "amount_positive", "WARN")
    assert alert["run_id"] == run_id and alert["run_url"] == f"http://dagster.example:3000/runs/{run_id}"
    assert alert["failing_rows"] == 2 and json.loads(alert["sample"]) == SAMPLE
    assert alert["blocked_downstream"] is False and alert["description"] == "amounts are positive"


def test_a_second_tick_adds_nothing_and_a_later_failing_run_alerts_again(instance, warehouse):
    run_checks(instance)
    first = tick(instance, sinks(warehouse))
    again = tick(instance, sinks(warehouse), first.cursor)
    assert len(alert_rows(warehouse)) == 1 and parse_cursor(again.cursor) == parse_cursor(first.cursor)
    second_run = run_checks(instance)
    tick(instance, sinks(warehouse), again.cursor)
    assert [a["run_id"] for a in alert_rows(warehouse)][-1] == second_run
    assert len(alert_rows(warehouse)) == 2


def test_replaying_a_tick_from_an_old_cursor_records_no_duplicate(instance, warehouse):
    # A crash after the warehouse write but before the cursor was saved replays the tick.
    run_checks(instance)
    tick(instance, sinks(warehouse))
    tick(instance, sinks(warehouse))
    assert len(alert_rows(warehouse)) == 1


def test_the_webhook_receives_the_alert_as_json(instance, warehouse, endpoint):
    run_checks(instance)
    tick(instance, sinks(warehouse, webhook_url=f"{endpoint.url}/hooks/{WEBHOOK_SECRET}"))
    [(path, headers, body)] = endpoint.requests
    payload = json.loads(body)
    assert path == f"/hooks/{WEBHOOK_SECRET}" and headers["Content-Type"] == "application/json"
    assert (payload["check_name"], payload["failing_rows"], payload["sample"]) == ("amount_positive", 2, SAMPLE)
    assert payload["run_url"].startswith("http://dagster.example:3000/runs/")
    assert deliveries(warehouse)["webhook"][:2] == ("delivered", 1)


@pytest.fixture
def fake_slack(monkeypatch):
    """Slack's Web API on 127.0.0.1: dagster-slack's client is pointed at it."""
    import dagster_slack.resources
    from slack_sdk import WebClient

    server = Endpoint(body=b'{"ok": true, "channel": "C1", "ts": "1.0"}')
    monkeypatch.setattr(
        dagster_slack.resources, "WebClient", lambda token: WebClient(token, base_url=f"{server.url}/api/")
    )
    yield server
    server.close()


def test_slack_gets_the_alert_through_dagster_slack(instance, warehouse, fake_slack):
    run_checks(instance)
    tick(instance, sinks(warehouse, slack_token=SLACK_TOKEN, slack_channel="#data-alerts"))
    [(path, headers, body)] = fake_slack.requests
    assert path == "/api/chat.postMessage" and headers["Authorization"] == f"Bearer {SLACK_TOKEN}"
    assert b"data-alerts" in body and b"amount_positive" in body
    assert deliveries(warehouse)["slack"][:2] == ("delivered", 1)


def test_a_failing_sink_does_not_lose_the_alert_or_stop_the_others(instance, warehouse, endpoint, fake_slack, capfd):
    endpoint.status = 500
    alert_sinks = sinks(
        warehouse, webhook_url=f"{endpoint.url}/hooks/{WEBHOOK_SECRET}", slack_token=SLACK_TOKEN, slack_channel="#a"
    )
    run_checks(instance)
    first = tick(instance, alert_sinks)
    assert len(alert_rows(warehouse)) == 1 and len(fake_slack.requests) == 1
    status, attempts, error = deliveries(warehouse)["webhook"]
    assert (status, attempts) == ("pending", 1) and "500" in error
    logged = capfd.readouterr().err
    assert f"{endpoint.url}/***" in logged and WEBHOOK_SECRET not in logged + error and SLACK_TOKEN not in logged

    endpoint.status = 200
    retried = tick(instance, alert_sinks, first.cursor)
    assert deliveries(warehouse)["webhook"][:2] == ("delivered", 2)
    assert len(endpoint.requests) == 2 and len(fake_slack.requests) == 1
    assert not parse_cursor(retried.cursor)[1]


def test_a_down_endpoint_is_logged_without_its_secret(instance, warehouse, capfd):
    unused = Endpoint()
    unused.close()  # nothing listens on this port any more
    run_checks(instance)
    result = tick(instance, sinks(warehouse, webhook_url=f"{unused.url}/hooks/{WEBHOOK_SECRET}"))
    assert deliveries(warehouse)["webhook"][0] == "pending" and parse_cursor(result.cursor)[1]
    logged = capfd.readouterr().err
    assert "refused" in logged.lower() and WEBHOOK_SECRET not in logged


def test_a_locked_warehouse_keeps_the_cursor_and_the_alert_comes_on_the_next_tick(instance, warehouse):
    run_checks(instance)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys, time; c = duckdb.connect({warehouse!r}); print('ok', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        blocked = tick(instance, sinks(warehouse))
        assert parse_cursor(blocked.cursor) == ({}, False) and "warehouse unavailable" in blocked.skip_message
    finally:
        holder.kill()
        holder.wait()
    tick(instance, sinks(warehouse), blocked.cursor)
    assert len(alert_rows(warehouse)) == 1


def started_run_with_a_failed_evaluation(instance, run_id: str) -> DagsterRun:
    """A run still in progress (as the instance sees it) that has reported a failed check."""
    run = instance.add_run(DagsterRun(job_name="toy", run_id=run_id, status=DagsterRunStatus.STARTED))
    evaluation = AssetCheckEvaluation(
        asset_key=AssetKey("orders"),
        check_name="amount_positive",
        passed=False,
        metadata={},
        severity=AssetCheckSeverity.ERROR,
    )
    instance.report_dagster_event(
        DagsterEvent(DagsterEventType.ASSET_CHECK_EVALUATION.value, job_name="toy", event_specific_data=evaluation),
        run_id=run_id,
    )
    return run


def test_evaluations_of_a_running_run_wait_until_it_ends(instance, warehouse):
    run = started_run_with_a_failed_evaluation(instance, "still-running")
    waiting = tick(instance, sinks(warehouse))
    assert "0 ended run(s)" in waiting.skip_message and parse_cursor(waiting.cursor) == ({}, False)
    instance.report_run_failed(run)
    tick(instance, sinks(warehouse), waiting.cursor)
    [alert] = alert_rows(warehouse)
    assert (alert["run_id"], alert["severity"]) == ("still-running", "ERROR")
