"""The dbt project handle and the dbt CLI resource.

Kept apart from assets/dbt.py so the CLI can run dbt (parse, prepare) without importing
the asset graph.
"""

import os
import sys
from functools import cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from genai_pipeline.paths import DBT_PROJECT_DIR

DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target=os.environ.get("DBT_TARGET") or "dev",
)
# Builds the manifest only under `dagster dev`; tests, the CLI and CI run `dbt parse` first.
dbt_project.prepare_if_dev()


class GenaiDbtCliResource(DbtCliResource):
    """DbtCliResource pinned to this environment's dbt.

    The stock resource runs `dbt --version` in a subprocess (seconds) on every resource
    instance to learn the engine's version. The executable is pinned to the dbt-core
    installed beside this package, so its version is known in-process.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        from dbt.version import __version__

        return version.parse(__version__)

    def stable_target_path(self) -> Path:
        """dbt's target dir for this warehouse, kept beside the warehouse file.

        dagster-dbt otherwise gives each invocation a fresh target dir, which forces a full
        re-parse every run; dbt's parse cache is only valid for the profile (warehouse path)
        it was made with, so one dir per warehouse. Outside dbt_project/ so that dagster-dbt
        never copies run artifacts along with the project.
        """
        warehouse = Path(os.environ.get("GENAI_DUCKDB_PATH") or "warehouse.duckdb")
        return warehouse.with_name(f"{warehouse.name}.dbt-target-{self.target or 'dev'}")


def make_dbt_resource() -> GenaiDbtCliResource:
    return GenaiDbtCliResource(
        project_dir=dbt_project,
        dbt_executable=DBT_EXECUTABLE,
        target=os.environ.get("DBT_TARGET") or "dev",
    )
