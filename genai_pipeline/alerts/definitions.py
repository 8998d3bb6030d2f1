"""The alerts stage's definitions: the check-failure sensor and the sinks it sends to."""

from dagster import Definitions

from genai_pipeline.alerts.sensors import check_failure_alert_sensor
from genai_pipeline.alerts.sinks import alert_sinks_from_env
from genai_pipeline.core.paths import warehouse_path

defs = Definitions(
    sensors=[check_failure_alert_sensor],
    resources={"alert_sinks": alert_sinks_from_env(str(warehouse_path()))},
)
