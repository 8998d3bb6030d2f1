"""The dbt project handle and the dbt resource.

Kept apart from the assets so the CLI and the benchmarks can reach dbt without loading the
asset graph.
"""

import os
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject, DbtProjectPreparer

from genai_pipeline.core.paths import DBT_PROJECT_DIR
from genai_pipeline.transform.runner import DbtRunnerResource

DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target=os.environ.get("DBT_TARGET") or "dev",
)
# Under `dagster dev` / `dg` (DAGSTER_IS_DEV_CLI) the manifest is re-parsed on each load;
# tests, the CLI and CI run `dbt parse` first. dagster-dbt's own prepare_if_dev() calls the
# `dbt` on PATH, and `dg` runs this code location with the project's Python but without its
# bin/ on PATH: parse with this environment's dbt.
if DbtProjectPreparer().using_dagster_dev():
    DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE).cli(
        ["parse", "--quiet"], target_path=dbt_project.target_path
    ).wait()


def make_dbt_resource() -> DbtRunnerResource:
    return DbtRunnerResource(
        project_dir=str(DBT_PROJECT_DIR),
        profiles_dir=str(DBT_PROJECT_DIR),
        target=os.environ.get("DBT_TARGET") or "dev",
    )
