"""Pure synthetic-data model of a GenAI content product: no Dagster, no I/O."""

from genai_pipeline.simulation.model import generate_day
from genai_pipeline.simulation.population import signup_counts

__all__ = ["generate_day", "signup_counts"]
