"""The warehouse resource: one DuckDB file, opened with a bounded wait on its single-writer lock."""

import os
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import Failure
from dagster_duckdb import DuckDBResource
from pydantic import Field

from genai_pipeline.core.paths import ensure_writable_warehouse, warehouse_path
from genai_pipeline.core.settings import SettingsError

DEFAULT_LOCK_TIMEOUT_SECONDS = 60.0
MEMORY_LIMIT_ENV = "GENAI_DUCKDB_MEMORY_LIMIT"
# DuckDB's own default is 80% of the machine's memory, and it keeps what it read cached up
# to that: a range run's memory then grows with the history it reads. Under a limit, DuckDB
# evicts cached blocks and spills its largest operators to `<warehouse>.tmp` instead. 512MB
# was too little for a year at 10x users: dim_prompts' group-by over 41.7M prompts ran out.
DEFAULT_MEMORY_LIMIT = "1GB"
METRIC_MEMORY_LIMIT_ENV = "GENAI_METRIC_MEMORY_LIMIT"
# A backfill metric reads the marts a month at a time (metrics/store.py): no later chunk reads
# what an earlier one cached, so under the warehouse's limit a year's metric step only fills
# DuckDB's cache (its memory grew with the window's length). DuckDB has no cache size apart
# from memory_limit; this one bounds the metric steps' connections. A whole-year
# user_lifetime_value at 10x users, the largest metric, ran in 44 s at 1GB and 46 s at 400MB.
DEFAULT_METRIC_MEMORY_LIMIT = "400MB"
_MEMORY_LIMIT = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KIB|MIB|GIB|TIB)$")


class WarehouseLockedError(Failure):
    """Another process holds DuckDB's single-writer lock on the warehouse file."""


class WarehouseResource(DuckDBResource):
    """DuckDBResource that always closes its connection and fails clearly on a held lock.

    DuckDB lets one process write a file; a shell or notebook left open on it blocks every
    run. The stock resource retries for minutes and then raises a raw IOException, and it
    leaks the connection when the body raises.
    """

    lock_timeout_seconds: float | None = Field(
        default=None, description="How long to wait for a held file lock (default: GENAI_LOCK_TIMEOUT_SECONDS or 60)."
    )

    def path(self) -> Path:
        """The warehouse file, absolute (a relative ``database`` is from the project root)."""
        return warehouse_path({"GENAI_DUCKDB_PATH": self.database})

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        path = ensure_writable_warehouse(self.path())
        try:
            timeout = lock_timeout_seconds() if self.lock_timeout_seconds is None else self.lock_timeout_seconds
            duckdb_memory_limit()
        except SettingsError as error:  # a failed run with the message, as for any bad setting
            raise Failure(description=str(error)) from None
        conn = connect_with_lock_retry(str(path), timeout)
        try:
            yield conn
        finally:
            conn.close()


def lock_timeout_seconds(environ: Mapping[str, str] | None = None) -> float:
    """GENAI_LOCK_TIMEOUT_SECONDS: how long a run or the CLI waits for another process's lock."""
    environ = os.environ if environ is None else environ
    raw = environ.get("GENAI_LOCK_TIMEOUT_SECONDS", "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT_SECONDS
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise SettingsError(
            f"invalid setting GENAI_LOCK_TIMEOUT_SECONDS={raw!r}: must be a number of seconds in 0..3600"
        )
    return value


def duckdb_memory_limit(environ: Mapping[str, str] | None = None) -> str:
    """GENAI_DUCKDB_MEMORY_LIMIT: DuckDB's memory_limit in every warehouse connection, dbt's too."""
    return _size_setting(MEMORY_LIMIT_ENV, DEFAULT_MEMORY_LIMIT, environ)


def metric_memory_limit(environ: Mapping[str, str] | None = None) -> str:
    """GENAI_METRIC_MEMORY_LIMIT: DuckDB's memory_limit while a backfill metric writes and checks."""
    return _size_setting(METRIC_MEMORY_LIMIT_ENV, DEFAULT_METRIC_MEMORY_LIMIT, environ)


def _size_setting(name: str, default: str, environ: Mapping[str, str] | None) -> str:
    environ = os.environ if environ is None else environ
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not _MEMORY_LIMIT.match(raw.upper()):
        raise SettingsError(f"invalid setting {name}={raw!r}: must be a size such as 512MB or 2GB (KB, MB, GB, TB)")
    return re.sub(r"\s", "", raw.upper())


_UNIT_BYTES = {
    "KB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "TB": 10**12,
    "KIB": 2**10,
    "MIB": 2**20,
    "GIB": 2**30,
    "TIB": 2**40,
}


def memory_limit_bytes(limit: str) -> int:
    """A size as duckdb_memory_limit() returns it (e.g. 1GB, 512MIB), in bytes."""
    number, unit = re.match(r"^(\d+(?:\.\d+)?)([A-Z]+)$", limit).groups()
    return int(float(number) * _UNIT_BYTES[unit])


def is_lock_error(error: BaseException | None) -> bool:
    """DuckDB could not open the file because another process holds its single-writer lock
    (DuckDB's IOException "Could not set lock on file ...", as raised here or inside dbt)."""
    return error is not None and "could not set lock" in str(error).lower()


def connect_with_lock_retry(path: str, timeout_seconds: float, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + timeout_seconds
    delay = 0.1
    while True:
        try:
            return duckdb.connect(
                path,
                read_only=read_only,
                config={"custom_user_agent": "genai-pipeline", "memory_limit": duckdb_memory_limit()},
            )
        except duckdb.IOException as error:
            if not is_lock_error(error) or time.monotonic() >= deadline:
                raise _lock_failure(path, error, timeout_seconds) from error
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def _lock_failure(path: str, error: Exception, waited: float) -> Exception:
    if not is_lock_error(error):
        return error
    text = str(error)
    pid = re.search(r"PID (\d+)", text)
    holder = f"process {pid.group(1)}" if pid else "another process"
    return WarehouseLockedError(
        description=(
            f"warehouse {path} is locked by {holder} (waited {waited:.0f}s); "
            f"close that DuckDB session (e.g. `kill {pid.group(1) if pid else '<pid>'}`) and re-run"
        )
    )
