"""An alert says the rule its check enforces, and what the evaluation found when it says."""

from dagster import AssetCheckEvaluation, AssetCheckSeverity, AssetKey

from genai_pipeline.alerts.alert import alert_from_evaluation
from genai_pipeline.alerts.channels import slack_text

RULE = "The day's generations lies within 4 trend-adjusted standard deviations of the previous 14 days."


def alert_for(found: str | None):
    evaluation = AssetCheckEvaluation(
        asset_key=AssetKey("daily_metrics"),
        check_name="generations_anomaly",
        passed=False,
        severity=AssetCheckSeverity.WARN,
        description=found,
        blocking=False,
    )
    return alert_from_evaluation(
        evaluation,
        storage_id=1,
        run_id="run",
        timestamp=0.0,
        partition_key="2025-12-16",
        run_url="http://127.0.0.1:3000/runs/run",
        description=RULE,
    )


def test_an_alert_states_the_rule_of_its_check():
    alert = alert_for(None)
    assert alert.description == RULE
    assert RULE in slack_text(alert.payload())


def test_an_alert_states_the_rule_then_what_the_evaluation_found():
    alert = alert_for("1 anomalous day(s) of 1 scored")
    assert alert.description == f"{RULE} Found: 1 anomalous day(s) of 1 scored"
