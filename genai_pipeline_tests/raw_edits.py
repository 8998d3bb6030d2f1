"""Tests' edits of landed raw days: what a manual fix or a broken upstream copy leaves in the
raw zone, written the way the landing writes (the file's schema, an atomic replace)."""

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from genai_pipeline.landing.raw_files import ARROW_SCHEMAS, PART_FILE, PARTITION_COLUMN, day_file, write_day

# A folder DuckDB reads as partition_date NULL: rows that no partition landed.
NO_DAY_FOLDER = f"{PARTITION_COLUMN}=NULL"


def day_rows(root: Path, table: str, day: dt.date, sql: str = "select * from day_rows") -> pa.Table:
    """`sql` over one landed table-day's rows (the view `day_rows`), as the file's schema."""
    with duckdb.connect() as conn:
        conn.execute(
            f"create view day_rows as select * from read_parquet('{day_file(root, table, day)}', hive_partitioning = false)"
        )
        return conn.sql(sql).to_arrow_table().cast(ARROW_SCHEMAS[table])


def rewrite_day(root: Path, table: str, day: dt.date, sql: str) -> None:
    """Replaces a landed table-day by `sql` over its own rows."""
    write_day(root, table, day, day_rows(root, table, day, sql))


def land_without_day(root: Path, table: str, rows: pa.Table) -> Path:
    """Rows in the folder partition_date=NULL: readers see them with no partition day."""
    folder = root / table / NO_DAY_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(rows, folder / PART_FILE)
    return folder / PART_FILE
