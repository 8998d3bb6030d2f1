"""The alert sinks' secrets, set the way a deployment sets them (the env var names the code
reads), go where they are meant to and nowhere else: a day fails a check, the sensor ticks,
the alert reaches a stand-in webhook and a stand-in Slack on 127.0.0.1, and no secret is
in the logs, the event log, the warehouse or any file."""

import os

import dagster_slack.resources
import duckdb
import pytest
from dagster import DagsterEventType, DagsterInstance, build_sensor_context
from slack_sdk import WebClient
from test_alert_sensor import Endpoint

import genai_pipeline.landing.raw_tables as raw_tables
from genai_pipeline.alerts.sensors import check_failure_alert_sensor
from genai_pipeline.alerts.sinks import alert_sinks_from_env
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.definitions import defs
from genai_pipeline.instance.home import dagster_home

pytestmark = pytest.mark.slow

DAY = "2025-12-01"
WEBHOOK_TOKEN = "whk-sentinel-9f3a1c"
SLACK_TOKEN = "xoxb-sentinel-4b7e2d"
COUNTRY_CHECK = "source_accepted_values_raw_users_country__US__GB__DE__FR__IN__BR__JP__CA__KR__ES"


def foreign_country(settings, day):
    frames = real_generate_day(settings, day)
    users = frames["users"].copy()
    users["country"] = users["country"].astype(object)
    users.loc[users.index[0], "country"] = "XX"
    return {**frames, "users": users}


real_generate_day = raw_tables.generate_day


@pytest.fixture
def deployment(tmp_path, monkeypatch):
    """A fresh home and warehouse; the secrets in the environment under the names the code
    reads; the webhook and Slack's Web API answered on 127.0.0.1."""
    webhook, slack = Endpoint(), Endpoint(body=b'{"ok": true, "channel": "C1", "ts": "1.0"}')
    monkeypatch.setattr(
        dagster_slack.resources, "WebClient", lambda token: WebClient(token, base_url=f"{slack.url}/api/")
    )
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GENAI_ALERT_WEBHOOK_URL", f"{webhook.url}/hooks/{WEBHOOK_TOKEN}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_TOKEN)
    monkeypatch.setenv("GENAI_SLACK_CHANNEL", "#data-alerts")
    monkeypatch.setenv("GENAI_BASE_USERS", "200")
    monkeypatch.setattr(raw_tables, "generate_day", foreign_country)
    yield tmp_path, webhook, slack
    webhook.close()
    slack.close()


def test_alerts_reach_every_configured_sink_and_no_secret_is_stored_or_logged(deployment, capfd):
    root, webhook, slack = deployment
    warehouse = root / "warehouse.duckdb"
    dagster_home()
    sinks = alert_sinks_from_env(str(warehouse))
    assert sinks.external_sinks() == ["webhook", "slack"]
    with DagsterInstance.get() as instance:
        result = defs.resolve_job_def("daily_job").execute_in_process(
            partition_key=DAY,
            instance=instance,
            resources={"warehouse": WarehouseResource(database=str(warehouse))},
            raise_on_error=False,
        )
        failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
        assert failed == {COUNTRY_CHECK}
        with build_sensor_context(instance=instance, resources={"alert_sinks": sinks}, definitions=defs) as context:
            check_failure_alert_sensor.evaluate_tick(context)
        events = [entry.message or "" for entry in instance.all_logs(result.run_id)]
        metadata = [
            str(entry.dagster_event.event_specific_data)
            for entry in instance.all_logs(result.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
        ]

    [(path, _, body)] = webhook.requests
    assert path == f"/hooks/{WEBHOOK_TOKEN}" and COUNTRY_CHECK.encode() in body
    [(path, headers, body)] = slack.requests
    assert path == "/api/chat.postMessage" and headers["Authorization"] == f"Bearer {SLACK_TOKEN}"
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        stored = conn.execute("select * from main.alerts").fetchall()
        stored += conn.execute("select * from main.alert_deliveries").fetchall()
        delivered = conn.execute("select sink, status from main.alert_deliveries order by sink").fetchall()
    assert delivered == [("slack", "delivered"), ("webhook", "delivered")]
    assert len(stored) == 3  # one alert, and its delivery to each of the two sinks

    printed = capfd.readouterr()
    for secret in (WEBHOOK_TOKEN, SLACK_TOKEN):
        assert secret not in printed.out + printed.err
        assert not any(secret in text for text in events + metadata)
        assert not any(secret in str(row) for row in stored)
        assert [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()] == []
    assert os.environ["SLACK_BOT_TOKEN"] == SLACK_TOKEN  # the scan looked for the value in use
