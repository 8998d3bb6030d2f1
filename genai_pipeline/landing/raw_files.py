"""The raw zone's files: one Parquet file per table and UTC day, replaced atomically.

Layout (Hive style, read by DuckDB and Spark alike):
``<raw zone>/<table>/partition_date=YYYY-MM-DD/part-0.parquet``. The day lives in the folder
name only, not in the file. A file is written to a temp file in the same folder, whose name
starts with "." and does not end in ".parquet" (readers' globs skip it), then renamed onto
``part-0.parquet``: a reader sees the old file or the new one, never a partial one.
"""

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from genai_pipeline.simulation.schema import RAW_TABLES

PARTITION_COLUMN = "partition_date"
PART_FILE = "part-0.parquet"
TEMP_PREFIX = f".{PART_FILE}."
TEMP_SUFFIX = ".tmp"
# Spark cannot read nanosecond Parquet timestamps; microseconds, no time zone (UTC wall time).
_ARROW_TYPES = {
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "TIMESTAMP": pa.timestamp("us"),
    "VARCHAR": pa.string(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
}
ARROW_SCHEMAS = {
    table: pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in columns.items() if name != PARTITION_COLUMN])
    for table, columns in RAW_TABLES.items()
}


def day_folder(root: Path, table: str, day: dt.date) -> Path:
    return root / table / f"{PARTITION_COLUMN}={day.isoformat()}"


def day_file(root: Path, table: str, day: dt.date) -> Path:
    return day_folder(root, table, day) / PART_FILE


def to_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    """A day's frame as the file's exact schema: the contract's types, no pandas metadata.

    Raises on a value the schema cannot hold, before anything of the day is written.
    """
    columns = frame.drop(columns=[PARTITION_COLUMN], errors="ignore")
    arrow = pa.Table.from_pandas(columns, preserve_index=False)
    return arrow.select(ARROW_SCHEMAS[table].names).cast(ARROW_SCHEMAS[table])


def write_day(root: Path, table: str, day: dt.date, rows: pa.Table) -> Path:
    """Replaces one table-day file atomically; the same rows give the same bytes."""
    folder = day_folder(root, table, day)
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f"{TEMP_PREFIX}{os.getpid()}{TEMP_SUFFIX}"
    with temp.open("wb") as out:
        pq.write_table(rows, out, compression="snappy")
        out.flush()
        # Durable before it is visible: a rename can reach the disk before the data it names.
        os.fsync(out.fileno())
    publish(temp, folder / PART_FILE)
    remove_stale_temp_files(folder)
    return folder / PART_FILE


def publish(temp: Path, final: Path) -> None:
    """The atomic step (the crash tests pause right before it)."""
    os.replace(temp, final)
    folder = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Deletes temp files left by writers that died (killed mid-write); a live writer's stays.

    The writer's pid is in the name. A raw zone shared by several hosts (NFS) would need the
    host in the name too; an object store has no temp files (a PUT is atomic per object).
    """
    removed = []
    for temp in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        pid = temp.name[len(TEMP_PREFIX) : -len(TEMP_SUFFIX)]
        if not pid.isdigit() or not _alive(int(pid)):
            temp.unlink(missing_ok=True)
            removed.append(temp)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process is not writing that file now: it is a leftover of its own
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True
