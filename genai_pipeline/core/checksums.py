"""Order-independent checksums of warehouse tables: how tests and benchmarks prove that
two ways of building the same days give identical rows."""

import duckdb


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
