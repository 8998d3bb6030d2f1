"""The metrics stage's definitions: one asset per registered backfill metric."""

from dagster import Definitions

from genai_pipeline.metrics.assets import build_metric_assets


def metrics_definitions() -> Definitions:
    """Built on call, so a metric registered after import (a test's) is included."""
    return Definitions(assets=build_metric_assets())
