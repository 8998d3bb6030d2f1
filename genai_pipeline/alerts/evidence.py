"""Failing-row samples of dbt tests, from dbt's store_failures tables.

Every dbt test stores the rows it failed on in `dbt_test_failures.<test alias>`
(dbt_project.yml), but the next run of the test replaces that table: when runs follow each
other (a simulation, a per-day backfill) the sensor could read a later run's rows. So the
daily job's hooks copy the failed tests' rows into `check_failure_samples` right after the
dbt step, inside the run; the sensor reads them there. Runs without the hooks (the UI's
ad-hoc materializations) fall back to the live table, used only while its row count still
matches the evaluation's.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Optional

import duckdb
from dagster import AssetCheckEvaluation, DagsterEventType, HookContext, failure_hook, success_hook

from genai_pipeline.alerts.alert import Alert, metadata_value
from genai_pipeline.alerts.store import ensure_tables, utc_now

SAMPLE_ROWS = 10


@lru_cache(maxsize=4)
def _manifest_nodes(path: str, mtime: float) -> dict:
    with open(path) as handle:
        return json.load(handle)["nodes"]


def failure_relation(unique_id: Optional[str]) -> Optional[str]:
    """The store_failures table of a dbt test, or None (not a test, or not stored)."""
    from genai_pipeline.dbt_resource import dbt_project

    path = dbt_project.manifest_path
    node = _manifest_nodes(str(path), path.stat().st_mtime).get(unique_id or "")
    if not node or node["resource_type"] != "test" or not node["config"].get("store_failures"):
        return None
    return f'"{node["schema"]}"."{node["alias"]}"'


def read_failures(conn: duckdb.DuckDBPyConnection, relation: str) -> tuple[int, list[dict]]:
    count = conn.execute(f"select count(*) from {relation}").fetchall()[0][0]
    cursor = conn.execute(f"select * from {relation} limit {SAMPLE_ROWS}")
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    return int(count), json.loads(json.dumps(rows, default=str))


def capture_failing_rows(context: HookContext) -> None:
    """Copies the failing rows of the step's failed dbt tests into check_failure_samples."""
    failed = []
    for entry in context.instance.all_logs(context.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data
        if entry.step_key != context.step_key or not isinstance(evaluation, AssetCheckEvaluation) or evaluation.passed:
            continue
        relation = failure_relation(metadata_value(evaluation.metadata, "unique_id"))
        if relation:
            failed.append((evaluation, relation))
    if not failed:
        return
    with context.resources.warehouse.get_connection() as conn:
        ensure_tables(conn)
        for evaluation, relation in failed:
            try:
                count, rows = read_failures(conn, relation)
            except duckdb.CatalogException:
                continue  # the test errored before storing anything
            conn.execute(
                "insert or replace into main.check_failure_samples values (?, ?, ?, ?, ?, ?)",
                [context.run_id, evaluation.asset_key.to_user_string(), evaluation.check_name, count, json.dumps(rows), utc_now()],
            )
    context.log.info(f"captured failing rows of {len(failed)} failed dbt test(s) for the alerts")


@success_hook(required_resource_keys={"warehouse"})
def failing_rows_after_success(context: HookContext) -> None:
    capture_failing_rows(context)


# A failed error-severity test fails the dbt step: its rows matter most.
@failure_hook(required_resource_keys={"warehouse"})
def failing_rows_after_failure(context: HookContext) -> None:
    capture_failing_rows(context)


EVIDENCE_HOOKS = {failing_rows_after_success, failing_rows_after_failure}


def with_sample(conn: duckdb.DuckDBPyConnection, alert: Alert) -> Alert:
    """The alert with its dbt failing rows, when it has none from the check's metadata."""
    if alert.sample_source != "none" or not alert.dbt_unique_id:
        return alert
    captured = conn.execute(
        "select sample from main.check_failure_samples where run_id = ? and asset_key = ? and check_name = ?",
        [alert.run_id, alert.asset_key, alert.check_name],
    ).fetchall()
    if captured:
        return alert.with_sample(json.loads(captured[0][0]), "dbt store_failures, captured in the run")
    relation = failure_relation(alert.dbt_unique_id)
    if relation is None:
        return alert
    try:
        count, rows = read_failures(conn, relation)
    except duckdb.CatalogException:
        return alert.with_sample([], f"unavailable: {relation} does not exist")
    if count != alert.failing_rows:
        return alert.with_sample([], f"unavailable: {relation} was replaced by a later run ({count} row(s) now)")
    return alert.with_sample(rows, f"dbt store_failures, {relation} read after the run")
