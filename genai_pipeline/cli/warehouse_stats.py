"""Read-only figures the CLI prints: per-day KPIs and the weekly growth summary.

They come from `metrics.daily_metrics` on the engine DBT_TARGET names (the warehouse file, or
the Spark server) when dbt ran, or straight from the raw zone's Parquet files for `--skip-dbt` (read without opening the warehouse, which landing
does not need); never from the CLI's own bookkeeping.
"""

import datetime as dt
from pathlib import Path

import duckdb

from genai_pipeline.core.paths import raw_table_files, raw_table_scan, raw_zone_path
from genai_pipeline.core.warehouse import connect_with_lock_retry, lock_timeout_seconds
from genai_pipeline.transform.spark_target import dbt_target, is_spark
from genai_pipeline.transform.sql_engine import target_engine

FROM_METRICS = """
    select metric_date as day, new_users, total_users, generations, revenue_usd, success_rate_pct
    from metrics.daily_metrics where metric_date >= $first and metric_date <= $last
"""
FROM_RAW = f"""
    with g as (
        select partition_date as day, count(*) as generations,
               sum(revenue_usd) as revenue_usd,
               100.0 * avg(case when status = 'success' then 1 else 0 end) as success_rate_pct
        from {raw_table_scan("$generations")}
        where partition_date >= $first and partition_date <= $last group by 1
    ), u as (
        select partition_date as day, count(*) as new_users,
               sum(count(*)) over (order by partition_date) as total_users
        from {raw_table_scan("$users")} group by 1
    )
    select u.day, u.new_users, u.total_users, coalesce(g.generations, 0) as generations,
           coalesce(g.revenue_usd, 0) as revenue_usd, coalesce(g.success_rate_pct, 0) as success_rate_pct
    from u left join g using (day) where u.day >= $first and u.day <= $last
"""


def _rows(warehouse: Path, first: dt.date, last: dt.date, from_raw: bool) -> list[dict]:
    if from_raw:
        return _raw_rows(raw_zone_path(warehouse=warehouse), first, last)
    if is_spark(dbt_target()):
        return _spark_rows(first, last)
    if not warehouse.exists():
        return []
    conn = connect_with_lock_retry(str(warehouse), timeout_seconds=lock_timeout_seconds(), read_only=True)
    try:
        return _fetch(conn, FROM_METRICS, {"first": first, "last": last})
    except duckdb.CatalogException:
        return []
    finally:
        conn.close()


def _spark_rows(first: dt.date, last: dt.date) -> list[dict]:
    with target_engine(None) as engine:
        try:
            names, rows = engine.columns_and_rows(FROM_METRICS, {"first": first, "last": last})
        except Exception as error:  # no daily_metrics yet
            if "TABLE_OR_VIEW_NOT_FOUND" in str(error) or "SCHEMA_NOT_FOUND" in str(error):
                return []
            raise
    return [dict(zip(names, row, strict=True)) for row in rows]


def _raw_rows(root: Path, first: dt.date, last: dt.date) -> list[dict]:
    files = {table: raw_table_files(root, table) for table in ("users", "generations")}
    with duckdb.connect() as conn:
        if any(not conn.execute("select count(*) from glob(?)", [p]).fetchone()[0] for p in files.values()):
            return []  # nothing landed yet
        return _fetch(conn, FROM_RAW, {**files, "first": first, "last": last})


def _fetch(conn: duckdb.DuckDBPyConnection, query: str, params) -> list[dict]:
    cursor = conn.execute(query, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def day_stats(warehouse: Path, days: list[dt.date], from_raw: bool) -> dict[dt.date, dict]:
    return {row["day"]: row for row in _rows(warehouse, days[0], days[-1], from_raw)}


def days_present(warehouse: Path, from_raw: bool) -> set[dt.date]:
    rows = _rows(warehouse, dt.date.min, dt.date.max, from_raw)
    return {row["day"] for row in rows if row["generations"]}


def weekly_summary(warehouse: Path, first: dt.date, last: dt.date, from_raw: bool) -> list[dict]:
    """Weeks of 7 simulated days counted from `first`, with the user base at each week's end."""
    weeks: dict[int, dict] = {}
    for row in sorted(_rows(warehouse, first, last, from_raw), key=lambda r: r["day"]):
        index = (row["day"] - first).days // 7 + 1
        week = weeks.setdefault(
            index,
            {"week": index, "first_day": row["day"].isoformat(), "new_users": 0, "generations": 0, "revenue_usd": 0.0},
        )
        week["new_users"] += int(row["new_users"])
        week["generations"] += int(row["generations"])
        week["revenue_usd"] += float(row["revenue_usd"])
        week["total_users"] = int(row["total_users"])
    return list(weeks.values())
