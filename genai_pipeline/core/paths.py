"""Where the warehouse, the dbt project and the Dagster home live (env vars win)."""

import os
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "warehouse.duckdb"
DEFAULT_DAGSTER_HOME = PROJECT_ROOT / ".dagster_home"


class WarehousePathError(ValueError):
    """GENAI_DUCKDB_PATH points somewhere the pipeline cannot write."""


def warehouse_path(environ: Mapping[str, str] | None = None) -> Path:
    """The DuckDB file, absolute, so Dagster and dbt open the same one whatever the cwd."""
    environ = os.environ if environ is None else environ
    raw = environ.get("GENAI_DUCKDB_PATH", "").strip()
    path = Path(raw).expanduser() if raw else DEFAULT_WAREHOUSE
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    return path


def ensure_writable_warehouse(path: Path) -> Path:
    """Creates the folder of a default path; refuses a path whose folder is unusable."""
    folder = path.parent
    if path.is_dir():
        raise WarehousePathError(
            f"GENAI_DUCKDB_PATH={path} is a directory; give a file path such as {path / 'warehouse.duckdb'}"
        )
    if not folder.exists():
        if path != DEFAULT_WAREHOUSE:
            raise WarehousePathError(
                f"GENAI_DUCKDB_PATH={path}: folder {folder} does not exist; create it or choose another path"
            )
        folder.mkdir(parents=True, exist_ok=True)
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise WarehousePathError(f"GENAI_DUCKDB_PATH={path}: not writable by this user; choose a writable path")
    return path
