"""The metrics stage's definitions: one asset per registered backfill metric, and the
automation sensor that keeps them following their marts."""

from dagster import Definitions

from genai_pipeline.metrics.assets import build_metric_assets
from genai_pipeline.metrics.automation import automation_sensor


def metrics_definitions() -> Definitions:
    """Built on call, so a metric registered after import (a test's) is included."""
    return Definitions(assets=build_metric_assets(), sensors=[automation_sensor])
