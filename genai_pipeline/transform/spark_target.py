"""DBT_TARGET=spark: the dbt project on a Spark Thrift Server instead of the DuckDB file.

The target decides the engine; the Dagster code is the same. What differs lives here: where
the server is (GENAI_SPARK_HOST / GENAI_SPARK_PORT, read by profiles.yml too), the check that
it is there before anything runs, and a plain SQL connection to it for what the dbt assets
read back after a build (row counts, a failed test's rows).
"""

from __future__ import annotations

import importlib.util
import os
import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from dagster import Failure

from genai_pipeline.core.settings import SettingsError

SPARK_TARGET = "spark"
HOST_ENV, PORT_ENV = "GENAI_SPARK_HOST", "GENAI_SPARK_PORT"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 10000
CONNECT_TIMEOUT_S = 5.0


class SparkUnavailableError(Failure):
    """DBT_TARGET=spark, but dbt-spark is not installed or no server answers."""


def dbt_target(environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    return environ.get("DBT_TARGET", "").strip() or "dev"


def is_spark(target: str) -> bool:
    return target == SPARK_TARGET


def engine_pool(target: str) -> str:
    """The Dagster pool of the dbt assets, named after the engine. Every pool has one slot
    (instance/home.py: default_limit 1, and one run at a time), so on Spark too one such step
    runs at a time; the name only says which engine a step holds."""
    return "spark" if is_spark(target) else "duckdb"


def spark_endpoint(environ: Mapping[str, str] | None = None) -> tuple[str, int]:
    environ = os.environ if environ is None else environ
    host = environ.get(HOST_ENV, "").strip() or DEFAULT_HOST
    raw = environ.get(PORT_ENV, "").strip() or str(DEFAULT_PORT)
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"invalid setting {PORT_ENV}={raw!r}: must be a TCP port, 1..65535")
    return host, int(raw)


def require_spark(environ: Mapping[str, str] | None = None) -> tuple[str, int]:
    """The server's host and port, once dbt-spark is importable and the port answers; else
    SparkUnavailableError whose one line says what to install or start."""
    if not all(_installed(module) for module in ("dbt.adapters.spark", "pyhive")):
        raise SparkUnavailableError("DBT_TARGET=spark but dbt-spark is not installed: run `make install-spark`")
    host, port = spark_endpoint(environ)
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError:
        raise SparkUnavailableError(
            f"DBT_TARGET=spark but no Spark Thrift Server answers at {host}:{port}: start one with "
            f"`make spark-server` (Java 17: `make java`), or set {HOST_ENV}/{PORT_ENV} to yours"
        ) from None
    return host, port


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing, or a module set to None
        return False


class SparkSqlConnection:
    """The slice of DuckDB's connection API the dbt assets use (`execute(sql).fetchall()`,
    `.description`), over a Thrift cursor. Identifiers are quoted with backticks by the
    callers (`quote_identifier`); no parameters: the values pasted in are validated dates."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def execute(self, sql: str) -> Any:
        self.cursor.execute(sql)
        return self.cursor


@contextmanager
def spark_connection(environ: Mapping[str, str] | None = None) -> Iterator[SparkSqlConnection]:
    from pyhive import hive

    host, port = require_spark(environ)
    conn = hive.connect(host=host, port=port)
    try:
        yield SparkSqlConnection(conn.cursor())
    finally:
        conn.close()


def quote_identifier(name: str, target: str) -> str:
    return f"`{name}`" if is_spark(target) else f'"{name}"'
