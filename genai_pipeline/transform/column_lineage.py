"""Column-level lineage of each dbt model, for the UI's column graph (`dagster/column_lineage`).

dagster-dbt builds it on every run (`fetch_column_metadata(with_column_lineage=True)`): it
asks the warehouse for every parent's columns, then traces each column through the model's
compiled SQL with sqlglot; 1.7-2.6 s per one-day run here, a third of the run. Lineage only
changes when a model's SQL or its parents' columns change, so here it is traced the same way
(sqlglot over the compiled SQL, the columns and types being the ones the ymls declare: every
model's are, and contracts enforce the marts' and metrics') once per version of the model,
and kept in a JSON file beside the manifest, keyed by the manifest's checksum of the model's
SQL and the columns involved: lineage belongs to the project, not to a warehouse, so every
warehouse's runs share it. A run with nothing changed only reads that file.
"""

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import TableColumnDep, TableColumnLineage
from sqlglot import MappingSchema, exp, parse_one, to_table
from sqlglot.errors import SqlglotError
from sqlglot.lineage import lineage
from sqlglot.optimizer import optimize

from genai_pipeline.transform.translator import translator

CACHE_FILE = "column_lineage.json"
DIALECT = "duckdb"

Deps = dict[str, list[list[str]]]  # column -> [[parent unique_id, parent column], ...]


def _relation(props: Mapping[str, Any]) -> str:
    return props["relation_name"].replace('"', "").lower()


def _columns(props: Mapping[str, Any]) -> dict[str, str]:
    return {name.lower(): (column.get("data_type") or "varchar") for name, column in props["columns"].items()}


def _parents(manifest: Mapping[str, Any], node: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    nodes = {**manifest["nodes"], **manifest["sources"]}
    return {uid: nodes[uid] for uid in node["depends_on"]["nodes"] if uid in nodes}


def version_key(manifest: Mapping[str, Any], node: Mapping[str, Any]) -> str:
    """Changes with the model's SQL or with its own or a parent's declared columns."""
    parts = {"sql": node["checksum"]["checksum"], "columns": _columns(node)}
    parts["parents"] = {uid: _columns(props) for uid, props in sorted(_parents(manifest, node).items())}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def trace(manifest: Mapping[str, Any], node: Mapping[str, Any], compiled_sql: str) -> Deps:
    """Each declared column of the model -> the parent columns it is computed from."""
    schema = MappingSchema(dialect=DIALECT)
    by_relation = {}
    for uid, props in {**_parents(manifest, node), node["unique_id"]: node}.items():
        by_relation[_relation(props)] = uid
        schema.add_table(to_table(props["relation_name"], dialect=DIALECT), _columns(props), dialect=DIALECT)
    optimized = optimize(parse_one(compiled_sql, dialect=DIALECT), schema=schema, dialect=DIALECT).sql(DIALECT)
    deps: Deps = {}
    for column in _columns(node):
        found = set()
        for step in lineage(column, optimized, schema=schema, dialect=DIALECT).walk():
            table = None if step.downstream else step.expression.find(exp.Table)
            if table is None:
                continue
            name = ".".join(part for part in (table.catalog, table.db, table.name) if part).lower()
            parent = by_relation.get(name)
            if parent is not None and parent != node["unique_id"]:
                found.add((parent, step.name.split(".")[-1].strip('"').lower()))
        deps[column] = [list(dep) for dep in sorted(found)]
    return deps


def lineage_of(
    manifest: Mapping[str, Any], unique_ids: list[str], compiled_in: Path | None, path: Path
) -> dict[str, Deps]:
    """The lineage of these models, traced (from the compiled SQL in dbt's target dir
    `compiled_in`) only for versions not yet in the file `path`; with no `compiled_in`, only
    what the file holds.

    A model whose compiled SQL is missing, or which sqlglot cannot follow, has none: the
    UI then shows its columns without lineage, and the run goes on.
    """
    cache = json.loads(path.read_text()) if path.exists() else {}
    found, changed = {}, False
    for uid in unique_ids:
        node = manifest["nodes"][uid]
        key = version_key(manifest, node)
        if cache.get(uid, {}).get("version") != key:
            if compiled_in is None:
                continue
            sql_file = compiled_in / "compiled" / node["package_name"] / node["original_file_path"]
            try:
                cache[uid] = {"version": key, "columns": trace(manifest, node, sql_file.read_text())}
            except (OSError, SqlglotError):
                continue
            changed = True
        found[uid] = cache[uid]["columns"]
    if changed:
        # Runs of two warehouses may write it at once: each its own scratch file, then the
        # last one wins (what it drops is traced again later).
        scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        scratch.write_text(json.dumps(cache, indent=1, sort_keys=True))
        scratch.replace(path)  # a reader never sees half a file
    return found


def as_metadata(manifest: Mapping[str, Any], deps: Deps) -> TableColumnLineage:
    nodes = {**manifest["nodes"], **manifest["sources"]}
    return TableColumnLineage(
        deps_by_column={
            column: [
                TableColumnDep(asset_key=translator.get_asset_key(nodes[uid]), column_name=name)
                for uid, name in parents
            ]
            for column, parents in deps.items()
        }
    )
