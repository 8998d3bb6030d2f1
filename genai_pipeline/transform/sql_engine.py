"""The engine-neutral seam for Python code that reads or writes the warehouse with SQL of its
own (the backfill metrics, the anomaly checks): `rows(sql, params)` and `execute(sql, params)`
on DuckDB (the warehouse file) or on Spark (the Thrift server), whichever DBT_TARGET names.

The SQL is written once, in the subset both engines read, with DuckDB's named parameters
(`$start`); each engine binds them its own way: DuckDB as prepared-statement values, Spark as
literals pasted in (the Thrift protocol has no parameters): dates, numbers, strings (quoted
and escaped), lists (`array(...)`). Values come back as the same Python types from both
(the Thrift client returns dates, decimals and arrays as text).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from genai_pipeline.transform.spark_target import dbt_target, is_spark, spark_connection

PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)")


@dataclass(frozen=True)
class BoundSql:
    """A query with its parameters pasted in as Spark literals: what a metric's `conn.sql(...)`
    returns on Spark, to be used as a subquery."""

    sql: str


def spark_literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return f"timestamp '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"date '{value.isoformat()}'"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # a bare 0.5 is a DECIMAL on Spark; DuckDB binds a Python float as DOUBLE
        return f"cast('{value!r}' as double)"
    if isinstance(value, decimal.Decimal):
        return f"{value}BD"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, (list, tuple)):
        return f"array({', '.join(spark_literal(v) for v in value)})"
    raise TypeError(f"no Spark literal for {type(value).__name__} {value!r}")


def bind_spark(sql: str, params: Mapping[str, Any] | None) -> str:
    """`sql` with each `$name` replaced by its value as a Spark literal."""
    params = params or {}

    def literal(match: re.Match) -> str:
        if match.group(1) not in params:
            raise KeyError(f"no value for SQL parameter ${match.group(1)}")
        return spark_literal(params[match.group(1)])

    return PARAMETER.sub(literal, sql)


def used_params(sql: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The parameters `sql` names (DuckDB refuses values it was not asked for)."""
    names = set(PARAMETER.findall(sql))
    return {k: v for k, v in (params or {}).items() if k in names}


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        return self.columns_and_rows(sql, params)[1]

    def columns_and_rows(self, sql: str, params: Mapping[str, Any] | None = None) -> tuple[list[str], list[tuple]]:
        cursor = self.conn.execute(sql, used_params(sql, params))
        return [d[0] for d in cursor.description or []], cursor.fetchall()

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        self.conn.execute(sql, used_params(sql, params))

    def sql(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.conn.sql(sql, params=used_params(sql, params))


class SparkEngine:
    name = "spark"

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        return self.columns_and_rows(sql, params)[1]

    def columns_and_rows(self, sql: str, params: Mapping[str, Any] | None = None) -> tuple[list[str], list[tuple]]:
        self.cursor.execute(bind_spark(sql, params))
        description = self.cursor.description or []
        types = [str(d[1]).upper() for d in description]
        rows = [tuple(_from_thrift(v, t) for v, t in zip(row, types, strict=True)) for row in self.cursor.fetchall()]
        return [d[0] for d in description], rows

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        self.cursor.execute(bind_spark(sql, params))

    def sql(self, sql: str, params: Mapping[str, Any] | None = None) -> BoundSql:
        """What a metric's `conn.sql(query, params=...)` gives on Spark: the bound query."""
        return BoundSql(bind_spark(sql, params))


Engine = DuckDBEngine | SparkEngine


def _from_thrift(value: Any, type_name: str) -> Any:
    if value is None or not isinstance(value, str):
        return value
    if type_name.startswith("DATE"):
        return dt.date.fromisoformat(value)
    if type_name.startswith("TIMESTAMP"):
        return dt.datetime.fromisoformat(value)
    if type_name.startswith("DECIMAL"):
        return decimal.Decimal(value)
    if type_name.startswith(("ARRAY", "MAP", "STRUCT")):
        return json.loads(value)
    return value


def as_engine(conn: Any) -> Engine:
    """An engine as is; a DuckDB connection wrapped (the DuckDB callers and tests pass one)."""
    return conn if isinstance(conn, (DuckDBEngine, SparkEngine)) else DuckDBEngine(conn)


@contextmanager
def target_engine(warehouse: Any, target: str | None = None) -> Iterator[Engine]:
    """The engine DBT_TARGET (or `target`) names: the warehouse resource's DuckDB file, or the
    Spark Thrift server (GENAI_SPARK_HOST/PORT) that the dbt assets built on."""
    target = dbt_target() if target is None else target
    if is_spark(target):
        with spark_connection() as conn:
            yield SparkEngine(conn.cursor)
    else:
        with warehouse.get_connection() as conn:
            yield DuckDBEngine(conn)


def engine_kind(target: str | None = None) -> str:
    return "spark" if is_spark(dbt_target() if target is None else target) else "duckdb"
