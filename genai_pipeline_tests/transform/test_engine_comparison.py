"""compare_table on two DuckDB connections (it takes any two with `execute(sql).fetchall()`;
DuckDB reads the Spark side's backquoted names too): no Spark needed."""

import duckdb

from genai_pipeline.transform.engine_comparison import Difference, EngineComparison, compare_table

TYPES = {"user_id": "bigint", "sessions": "bigint"}


def connection(rows: list[tuple[int, int]]) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    conn.execute("create schema marts")
    conn.execute("create table marts.users_daily (user_id bigint, sessions bigint)")
    conn.executemany("insert into marts.users_daily values (?, ?)", rows)
    return conn


def test_a_row_count_that_differs_only_by_a_duplicated_key_is_a_difference():
    result = EngineComparison()
    left, right = connection([(1, 5), (2, 7)]), connection([(1, 5), (2, 7), (2, 7)])
    compare_table(result, ("marts", "users_daily"), TYPES, ["user_id"], left, right)
    assert result.row_counts == {"marts.users_daily": (2, 3)}
    assert result.differences == [Difference("marts.users_daily", (), "<row count>", 2, 3)]
    assert not result.same


def test_equal_tables_on_two_connections_are_the_same():
    result = EngineComparison()
    compare_table(result, ("marts", "users_daily"), TYPES, ["user_id"], connection([(1, 5)]), connection([(1, 5)]))
    assert result.same and result.row_counts == {"marts.users_daily": (1, 1)}
