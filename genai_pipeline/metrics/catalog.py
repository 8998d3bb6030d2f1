"""Every backfill metric: the built-in library plus any metric registered elsewhere."""

from genai_pipeline.metrics import library  # noqa: F401  (importing it registers the built-in metrics)
from genai_pipeline.metrics.spec import REGISTRY, MetricSpec


def registered_metrics() -> dict[str, MetricSpec]:
    """Every registered metric by name, in registration order."""
    return dict(REGISTRY)
