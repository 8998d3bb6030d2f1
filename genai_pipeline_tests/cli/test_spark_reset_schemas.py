"""The schemas `simulate --reset` drops on Spark are every schema the pipeline writes there."""

import yaml

from genai_pipeline.cli.daily_runs import SPARK_SCHEMAS
from genai_pipeline.core.paths import DBT_PROJECT_DIR
from genai_pipeline.metrics.spec import SCHEMA as METRICS_SCHEMA


def test_reset_on_spark_drops_every_dbt_layer_the_raw_zone_and_the_backfill_metrics():
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    layers = {config["+schema"] for config in project["models"]["genai_pipeline"].values()}
    assert layers == {"staging", "marts", "metrics"}
    assert set(SPARK_SCHEMAS) == layers | {"raw", METRICS_SCHEMA}
