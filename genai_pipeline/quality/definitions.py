"""The quality stage's definitions: the anomaly checks on daily_metrics."""

from dagster import Definitions

from genai_pipeline.quality.anomaly_checks import daily_metrics_anomalies

defs = Definitions(asset_checks=[daily_metrics_anomalies])
