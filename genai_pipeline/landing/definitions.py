"""The landing stage's definitions: the raw asset."""

from dagster import Definitions

from genai_pipeline.landing.raw_asset import raw_activity

defs = Definitions(assets=[raw_activity])
