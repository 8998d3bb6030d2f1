"""The dbt project handle and the dbt resource.

Kept apart from the assets so the CLI and the benchmarks can reach dbt without loading the
asset graph.
"""

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject, DbtProjectPreparer

from genai_pipeline.core.paths import DBT_PROJECT_DIR
from genai_pipeline.transform.runner import DbtRunnerResource
from genai_pipeline.transform.spark_target import dbt_target

DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target=dbt_target(),
)
# What `dbt parse` reads (the Makefile's manifest rule watches the same files); target/ and
# logs/ are what dbt writes, dot-files its own state.
PARSE_INPUTS = (".sql", ".yml", ".yaml", ".csv", ".md")
DBT_OUTPUTS = ("target", "logs", "dbt_packages")


def manifest_is_current(project_dir: Path, manifest: Path) -> bool:
    """True when the manifest exists and no file dbt parses changed after it was written."""
    if not manifest.exists():
        return False
    written = manifest.stat().st_mtime
    return not any(
        path.stat().st_mtime > written
        for path in project_dir.rglob("*")
        if path.suffix in PARSE_INPUTS
        and not path.name.startswith(".")
        and path.relative_to(project_dir).parts[0] not in DBT_OUTPUTS
    )


# Under `dagster dev` / `dg` (DAGSTER_IS_DEV_CLI) the manifest is re-parsed when a dbt file
# changed since it was written; tests, the CLI and CI run `dbt parse` first. The variable is
# inherited by every process `dagster dev` starts (code servers, the daemon's, each run
# worker), so an unconditional parse here was paid again by every launched run. dagster-dbt's
# own prepare_if_dev() calls the `dbt` on PATH, and `dg` runs this code location with the
# project's Python but without its bin/ on PATH: parse with this environment's dbt.
if DbtProjectPreparer().using_dagster_dev() and not manifest_is_current(DBT_PROJECT_DIR, dbt_project.manifest_path):
    DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE).cli(
        ["parse", "--quiet"], target_path=dbt_project.target_path
    ).wait()


def make_dbt_resource() -> DbtRunnerResource:
    return DbtRunnerResource(
        project_dir=str(DBT_PROJECT_DIR),
        profiles_dir=str(DBT_PROJECT_DIR),
        target=dbt_target(),
    )
