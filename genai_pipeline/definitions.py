"""The code location: every stage's definitions, merged, for `dagster dev` and the CLI."""

from dagster import Definitions

from genai_pipeline.alerts import definitions as alerts
from genai_pipeline.core import definitions as core
from genai_pipeline.instance import definitions as instance
from genai_pipeline.landing import definitions as landing
from genai_pipeline.metrics.definitions import metrics_definitions
from genai_pipeline.quality import definitions as quality
from genai_pipeline.transform import definitions as transform


def build_defs() -> Definitions:
    """A function so that metrics registered after import (tests) are picked up."""
    return Definitions.merge(
        core.defs,
        landing.defs,
        transform.defs,
        metrics_definitions(),
        quality.defs,
        alerts.defs,
        instance.defs,
    )


defs = build_defs()
