"""The README's engine table describes the pools the instance actually configures."""

from pathlib import Path

import yaml

from genai_pipeline.core.paths import PROJECT_ROOT
from genai_pipeline.instance.home import DAGSTER_YAML_TEMPLATE


def pool_row() -> list[str]:
    readme = Path(PROJECT_ROOT, "README.md").read_text()
    [row] = [line for line in readme.splitlines() if line.startswith("| Dagster pool of")]
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_the_readme_gives_the_spark_pool_one_slot_as_the_dagster_yaml_does():
    concurrency = yaml.safe_load(DAGSTER_YAML_TEMPLATE)["concurrency"]
    assert concurrency["pools"]["default_limit"] == 1
    assert concurrency["runs"]["max_concurrent_runs"] == 1
    _, duckdb, spark = pool_row()
    assert "one slot" in duckdb
    assert spark.startswith("`spark`") and "one slot" in spark
    assert "many sessions" not in spark
