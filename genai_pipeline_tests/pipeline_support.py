"""Helpers shared by the suites that run the daily job for real."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from dagster import DagsterInstance

from genai_pipeline.core.paths import DBT_PROJECT_DIR, raw_zone_path
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.definitions import defs


def run_day(warehouse: Path, day: str, instance=None, job_name: str = "daily_job"):
    """One daily_job run into `warehouse`: the warehouse resource names the file for the raw
    landing and for dbt alike (nothing else points dbt at it)."""
    return defs.resolve_job_def(job_name).execute_in_process(
        partition_key=day,
        instance=instance or DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(database=str(warehouse))},
        raise_on_error=False,
    )


def copy_warehouse(source: Path, target: Path) -> Path:
    """A copy of a built history: the warehouse file and the raw zone beside it (the raw
    layer dbt reads lives there, not in the file)."""
    shutil.copy(source, target)
    shutil.copytree(raw_zone_path({}, source), raw_zone_path({}, target))
    return target


def scratch_project(folder: Path, edits: list[tuple[str, str, str]]) -> Path:
    """A copy of the dbt project in `folder` with each (file, old text, new text) edit made."""
    project = folder / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    for file, old, new in edits:
        path = project / file
        text = path.read_text()
        assert text.count(old) == 1, f"{file}: the text to change must be there once"
        path.write_text(text.replace(old, new))
    return project


def dbt_cli(*args: str, target: Path, env: dict[str, str] | None = None, project: Path = DBT_PROJECT_DIR):
    """This environment's `dbt <args>` in `project`, its artifacts under `target`, with `env`
    over the current environment; the completed process, its output as text."""
    dbt = Path(sys.executable).parent / "dbt"
    return subprocess.run(
        [str(dbt), *args, "--target-path", str(target)],
        cwd=project,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
