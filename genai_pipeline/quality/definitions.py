"""The quality stage's definitions: the anomaly checks on daily_metrics, the freshness
checks on the daily outputs and the sensor that evaluates them."""

from dagster import Definitions

from genai_pipeline.quality.anomaly_checks import daily_metrics_anomalies
from genai_pipeline.quality.freshness import freshness_checks, freshness_checks_sensor

defs = Definitions(asset_checks=[daily_metrics_anomalies, *freshness_checks], sensors=[freshness_checks_sensor])
