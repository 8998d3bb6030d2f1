"""Same days, same answers: every mart and metric table built by DuckDB compared with the same
table built by Spark.

The tables are the manifest's (every table or incremental model in schema marts or metrics)
and each one's key is its `primary_key` test's, so a new mart is compared without being
listed here, and one without a key fails the comparison instead of escaping it. Row counts and
keys must match exactly; each other value exactly, except numbers, which may differ by 1e-9
relative: sums of doubles depend on the order rows are added, which differs between engines.
`compare_table` compares any one table the same way (the backfill metric tables use it, with
DECIMAL values exact: metrics/comparison.py).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from genai_pipeline.transform.spark_target import SPARK_TARGET, quote_identifier

COMPARED_SCHEMAS = ("marts", "metrics")
RELATIVE_TOLERANCE = 1e-9
# compared within RELATIVE_TOLERANCE; integers, like every other type, exactly
FRACTIONAL_TYPES = ("double", "float", "decimal")


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple
    column: str
    duckdb: Any
    spark: Any

    def __str__(self) -> str:
        return f"{self.table} {self.key} {self.column}: DuckDB {self.duckdb!r} vs Spark {self.spark!r}"


@dataclass
class EngineComparison:
    row_counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # table -> (DuckDB, Spark)
    differences: list[Difference] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.differences


def compared_tables(manifest: Mapping[str, Any]) -> dict[str, tuple[Mapping[str, Any], list[str]]]:
    """`schema.table` -> (its model node, its key columns), for every table in marts and metrics."""
    keys: dict[str, list[str]] = {}
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata") or {}
        if node["resource_type"] == "test" and meta.get("name") == "primary_key" and node.get("attached_node"):
            kwargs = meta["kwargs"]
            keys[node["attached_node"]] = kwargs.get("columns") or [kwargs["column_name"]]
    tables = {}
    for uid, node in sorted(manifest["nodes"].items()):
        materialized = node["config"].get("materialized")
        if node["resource_type"] == "model" and node["schema"] in COMPARED_SCHEMAS and materialized != "view":
            if uid not in keys:
                raise ValueError(f"{node['schema']}.{node['alias']} has no primary_key test: nothing to join on")
            tables[f"{node['schema']}.{node['alias']}"] = (node, keys[uid])
    return tables


def compare_engines(manifest: Mapping[str, Any], duckdb_conn: Any, spark_conn: Any) -> EngineComparison:
    """Reads each compared table whole from both connections (`execute(sql).fetchall()`)."""
    result = EngineComparison()
    for node, key in compared_tables(manifest).values():
        types = {column: (props.get("data_type") or "").lower() for column, props in node["columns"].items()}
        compare_table(result, (node["schema"], node["alias"]), types, key, duckdb_conn, spark_conn)
    return result


def compare_table(
    result: EngineComparison,
    relation: tuple[str, str],
    types: Mapping[str, str],
    key: Sequence[str],
    duckdb_conn: Any,
    spark_conn: Any,
    exact_decimals: bool = False,
) -> None:
    """Adds one table's row counts and differences to `result`: `relation` is (schema, table),
    `types` each compared column's SQL type (lower case), `key` the columns a row is known by.
    With `exact_decimals`, DECIMAL values must be equal (only doubles get the tolerance)."""
    name = ".".join(relation)
    columns = list(types)
    sides = [
        _rows(conn, relation, columns, target, types)
        for conn, target in ((duckdb_conn, "dev"), (spark_conn, SPARK_TARGET))
    ]
    result.row_counts[name] = (len(sides[0]), len(sides[1]))
    if len(sides[0]) != len(sides[1]):
        # A difference of its own: rows with a duplicate key collapse into one in by_key below,
        # so a count that differs only by duplicates would otherwise leave no difference.
        result.differences.append(Difference(name, (), "<row count>", len(sides[0]), len(sides[1])))
    by_key = [{tuple(row[columns.index(k)] for k in key): row for row in rows} for rows in sides]
    for missing_in, present in ((1, 0), (0, 1)):
        for row_key in sorted(by_key[present].keys() - by_key[missing_in].keys(), key=str):
            values = ["row missing", "row missing"]
            values[present] = "row present"
            result.differences.append(Difference(name, row_key, "<row>", *values))
    for row_key in sorted(by_key[0].keys() & by_key[1].keys(), key=str):
        left, right = by_key[0][row_key], by_key[1][row_key]
        for i, column in enumerate(columns):
            data_type = types[column]
            if exact_decimals and data_type.startswith("decimal"):
                data_type = "decimal (exact)"
            if not _same(left[i], right[i], data_type):
                result.differences.append(Difference(name, row_key, column, left[i], right[i]))


def _rows(conn: Any, relation: tuple[str, str], columns: Sequence[str], target: str, types: Mapping[str, str]) -> list:
    table = ".".join(quote_identifier(part, target) for part in relation)
    selected = ", ".join(quote_identifier(column, target) for column in columns)
    rows = conn.execute(f"select {selected} from {table}").fetchall()
    return [
        tuple(_normalized(value, types[column]) for value, column in zip(row, columns, strict=True)) for row in rows
    ]


def _normalized(value: Any, data_type: str) -> Any:
    """One Python value per SQL value whichever client read it (the Thrift client returns
    dates, timestamps and decimals as text)."""
    if value is None:
        return None
    if data_type.startswith("timestamp"):
        return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if data_type == "date":
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if data_type.startswith("decimal"):
        return decimal.Decimal(str(value))
    if data_type.endswith("[]") or data_type.startswith("array"):
        # a list from DuckDB, JSON text from the Thrift client; a tuple, so a row stays hashable
        return tuple(json.loads(value) if isinstance(value, str) else value)
    return value


def _same(left: Any, right: Any, data_type: str) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if data_type.startswith(FRACTIONAL_TYPES):
        a, b = float(left), float(right)
        return a == b or abs(a - b) <= RELATIVE_TOLERANCE * max(abs(a), abs(b))
    return left == right
