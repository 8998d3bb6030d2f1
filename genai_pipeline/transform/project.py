"""The dbt project handle and the dbt resource.

Kept apart from the assets so the CLI and the benchmarks can reach dbt without loading the
asset graph.
"""

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from genai_pipeline.core.paths import DBT_PROJECT_DIR
from genai_pipeline.transform.runner import DbtRunnerResource

DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target=os.environ.get("DBT_TARGET") or "dev",
)
# Builds the manifest only under `dagster dev`; tests, the CLI and CI run `dbt parse` first.
dbt_project.prepare_if_dev()


def make_dbt_resource() -> DbtRunnerResource:
    return DbtRunnerResource(
        project_dir=str(DBT_PROJECT_DIR),
        profiles_dir=str(DBT_PROJECT_DIR),
        target=os.environ.get("DBT_TARGET") or "dev",
    )
