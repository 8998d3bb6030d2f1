"""Order-independent checksums of warehouse tables and of the raw zone's files: how tests and
benchmarks prove that two ways of building the same days give identical rows."""

from pathlib import Path

import duckdb

from genai_pipeline.core.paths import raw_table_files, raw_table_scan


def table_checksums(conn: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """{schema.table: (row count, sum of row hashes)} for every base table in `schemas`."""
    tables = conn.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_type = 'BASE TABLE' and list_contains(?, table_schema) order by 1",
        [list(schemas)],
    ).fetchall()
    result = {}
    for (name,) in tables:
        rows, total = conn.execute(f"select count(*), coalesce(sum(hash(t)::hugeint), 0) from {name} t").fetchone()
        result[name] = (int(rows), int(total))
    return result


def raw_zone_checksums(root: Path) -> dict[str, tuple[int, int]]:
    """{raw.<table>: (row count, sum of row hashes)} over each table's Parquet files under the
    raw zone `root`, partition_date (from the folder names) included; tables with no file are
    left out, as a table that does not exist."""
    result = {}
    with duckdb.connect() as conn:
        for folder in sorted(p for p in root.glob("*") if p.is_dir()):
            pattern = raw_table_files(root, folder.name)
            if not conn.execute("select count(*) from glob(?)", [pattern]).fetchone()[0]:
                continue
            rows, total = conn.execute(
                f"select count(*), coalesce(sum(hash(t)::hugeint), 0) from {raw_table_scan('?')} t",
                [pattern],
            ).fetchone()
            result[f"raw.{folder.name}"] = (int(rows), int(total))
    return result
