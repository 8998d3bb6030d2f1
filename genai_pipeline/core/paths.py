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


RAW_ZONE_ENV = "GENAI_RAW_PATH"
# How DuckDB reads a raw table: the day from the folder names, typed DATE (as dbt's
# macros/raw_zone.sql registers it), so a filter on partition_date skips other days' folders.
RAW_SCAN_OPTIONS = "hive_partitioning = true, hive_types = {'partition_date': date}"


def raw_table_files(root: Path, table: str) -> str:
    """The glob of a raw table's Parquet files: <root>/<table>/partition_date=<day>/<file>."""
    return str(root / table / "*" / "*.parquet")


def raw_table_scan(files: str) -> str:
    """DuckDB's table function over a raw table; ``files`` is SQL: a literal or a parameter."""
    return f"read_parquet({files}, {RAW_SCAN_OPTIONS})"


class RawZonePathError(WarehousePathError):
    """GENAI_RAW_PATH points somewhere the landing cannot write.

    A kind of WarehousePathError so every command that already refuses a bad warehouse path
    in one line refuses a bad raw zone the same way.
    """


def raw_zone_path(environ: Mapping[str, str] | None = None, warehouse: Path | None = None) -> Path:
    """The raw zone's root folder, absolute: GENAI_RAW_PATH, else `raw` beside the warehouse.

    Beside the warehouse by default, so each warehouse (a test's, a benchmark's) has its own
    raw zone and the default one is <repo>/data/raw.
    """
    environ = os.environ if environ is None else environ
    raw = environ.get(RAW_ZONE_ENV, "").strip()
    if not raw:
        return (warehouse or warehouse_path(environ)).parent / "raw"
    path = Path(raw).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def writable_raw_zone(environ: Mapping[str, str] | None = None, warehouse: Path | None = None) -> Path:
    """The raw zone's folder, created if missing; refuses a file or a folder this user cannot write.

    A configured GENAI_RAW_PATH must have an existing parent (a typo should not grow a new
    tree); the default, beside the warehouse, is created with its parents.
    """
    environ = os.environ if environ is None else environ
    path = raw_zone_path(environ, warehouse)
    if path.exists() and not path.is_dir():
        raise RawZonePathError(f"{RAW_ZONE_ENV}={path} is a file; give a folder for the raw zone")
    configured = bool(environ.get(RAW_ZONE_ENV, "").strip())
    if configured and not path.parent.is_dir():
        raise RawZonePathError(
            f"{RAW_ZONE_ENV}={path}: folder {path.parent} does not exist; create it or choose another path"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # judged just below, with the same message as an existing read-only folder
    if not path.is_dir() or not os.access(path, os.W_OK | os.X_OK):
        raise RawZonePathError(f"{RAW_ZONE_ENV}={path}: not writable by this user; choose a writable folder")
    return path
