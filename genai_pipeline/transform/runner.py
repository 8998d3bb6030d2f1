"""Runs dbt inside the Dagster run's process, through dbt's programmatic API (dbtRunner).

A `dbt build` subprocess per run would pay for starting Python and importing dbt, loading
and parsing the project before the first node, and dagster-dbt's `dbt --version` call.
In-process, dbt is imported once per process and the project is parsed once and kept
(dbtRunner accepts a parsed Manifest), so a run pays only for its nodes.

The events are dbt's own structured events, handed to dagster-dbt's event translation, so the
materializations and asset-check results are exactly what the dbt CLI resource would yield.
This module is where the project leans on dbt and dagster-dbt internals; each use says which.
"""

import json
import os
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from dagster import AssetCheckResult, AssetExecutionContext, ConfigurableResource, Failure, MetadataValue

# dagster-dbt internals (asset_utils, core.dbt_cli_event): the selection of a step's subset
# and the translation of dbt's events into Dagster events, as DbtCliResource does them;
# dagster-dbt has no public API for either outside DbtCliResource's subprocess.
from dagster_dbt.asset_utils import (
    DAGSTER_DBT_EXCLUDE_METADATA_KEY,
    DAGSTER_DBT_SELECT_METADATA_KEY,
    DAGSTER_DBT_SELECTOR_METADATA_KEY,
    get_manifest_and_translator_from_dbt_assets,
    get_subset_selection_for_context,
)
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage
from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.artifacts.schemas.results import RunStatus, TestStatus
from dbt_common.events.functions import msg_to_dict

from genai_pipeline.core.paths import RAW_ZONE_ENV, raw_zone_path
from genai_pipeline.core.settings import SettingsError
from genai_pipeline.core.warehouse import (
    MEMORY_LIMIT_ENV,
    connect_with_lock_retry,
    duckdb_memory_limit,
    is_lock_error,
    lock_timeout_seconds,
)
from genai_pipeline.transform.range_chunks import (
    ChunkResults,
    build_budget,
    chunk_windows,
    generations_per_day,
)
from genai_pipeline.transform.spark_target import is_spark, require_spark

# The env vars dbt reads: the warehouse file and DuckDB's memory limit (profiles.yml) and the
# run's partition window (macros/partition_window.sql), set around each invocation and
# restored afterwards.
WAREHOUSE_ENV = "GENAI_DUCKDB_PATH"
WINDOW_ENV = ("GENAI_WINDOW_MIN_DATE", "GENAI_WINDOW_MAX_DATE", "GENAI_WINDOW_RANGE_MAX_DATE")

# dbt's result events, one per executed node; dagster-dbt turns these into Dagster events.
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})

# Failing rows kept with a failed test's check result, for the alert.
SAMPLE_ROWS = 10

_parsed: dict[tuple, Any] = {}
_lock = threading.Lock()


def target_path_for_warehouse(warehouse: Path, target: str) -> Path:
    """dbt's target dir, one per warehouse file, beside it.

    dbt's partial-parse cache is only valid for the profile (warehouse path) it was made with,
    so each warehouse keeps its own; outside dbt_project/ so no run artifact lands in the repo.
    """
    return warehouse.with_name(f"{warehouse.name}.dbt-target-{target}")


def manifest_of(context: AssetExecutionContext) -> Mapping[str, Any]:
    """The dbt manifest behind the step's @dbt_assets definition."""
    return get_manifest_and_translator_from_dbt_assets([context.assets_def])[0]


@contextmanager
def dbt_env(warehouse: Path, window: Mapping[str, str]) -> Iterator[None]:
    """The warehouse and window dbt reads, set for one invocation; the old values come back."""
    values = {
        WAREHOUSE_ENV: str(warehouse),
        MEMORY_LIMIT_ENV: duckdb_memory_limit(),
        **{f"GENAI_WINDOW_{k.upper()}": v for k, v in window.items()},
        RAW_ZONE_ENV: str(raw_zone_path(warehouse=warehouse)),  # the raw zone's Parquet files (macros/raw_zone.sql)
    }
    saved = {name: os.environ.pop(name, None) for name in (WAREHOUSE_ENV, MEMORY_LIMIT_ENV, *WINDOW_ENV, RAW_ZONE_ENV)}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value


class DbtRunnerResource(ConfigurableResource):
    """dbt Core, run in-process against the project's profile; the warehouse file comes from
    the caller (the warehouse resource), the target from DBT_TARGET."""

    project_dir: str
    profiles_dir: str
    target: str = "dev"

    def _common_args(self, target_path: Path) -> list[str]:
        return [
            "--project-dir",
            self.project_dir,
            "--profiles-dir",
            self.profiles_dir,
            "--target",
            self.target,
            "--target-path",
            str(target_path),
            "--log-path",
            str(target_path),
        ]

    def _manifest(self, warehouse: Path, target_path: Path) -> Any:
        """The parsed project, once per process (call it inside ``dbt_env``).

        A parse depends on the profile only through the DuckDB catalog name, which is the
        warehouse file's stem: warehouses with the same file name share one parse (the tests'
        temp warehouses all do).
        """
        key = (self.project_dir, self.profiles_dir, self.target, warehouse.stem)
        if key not in _parsed:
            # Only the Manifest object is used (and the partial-parse file dbt writes anyway):
            # no manifest.json, no debug log. A run worker parses once per run.
            quiet = [
                "--quiet",
                "--no-write-json",
                *([] if os.environ.get("DBT_LOG_LEVEL_FILE") else ["--log-level-file", "none"]),
            ]
            result = _dbt_runner()().invoke(["parse", *quiet, *self._common_args(target_path)])
            if not result.success:
                raise Failure(f"dbt could not parse {self.project_dir}: {result.exception}")
            _parsed[key] = result.result
        return _parsed[key]

    def build(
        self,
        context: AssetExecutionContext,
        warehouse: Path,
        window: Mapping[str, str],
        sample_from: Callable[[], AbstractContextManager[Any]] | None = None,
    ) -> Iterator[Any]:
        """`dbt build` of the step's selected models and tests on ``warehouse`` for the
        partition ``window`` (``min_date``/``max_date``, max exclusive; empty = all history);
        yields their Dagster events, then raises Failure naming every failed node if dbt did
        not succeed. A window longer than CHUNK_DAYS is built as consecutive chunks
        (transform/range_chunks.py), their results merged into one per node.

        sample_from: opens a warehouse connection; each failed or warned test's check result
        then carries up to SAMPLE_ROWS of its failing rows (metadata "sample"), read with the
        SQL the test just ran, so the alert shows the rows the run saw.
        """
        if is_spark(self.target):
            try:
                require_spark()  # one line naming what to start, before dbt writes anything
            except SettingsError as error:  # a bad GENAI_SPARK_PORT: a failed step in one line, not a traceback
                raise Failure(description=str(error)) from None
        manifest, translator, _ = get_manifest_and_translator_from_dbt_assets([context.assets_def])
        selection, indirect = get_subset_selection_for_context(
            context=context,
            manifest=manifest,
            select=context.op.tags.get(DAGSTER_DBT_SELECT_METADATA_KEY),
            exclude=context.op.tags.get(DAGSTER_DBT_EXCLUDE_METADATA_KEY),
            selector=context.op.tags.get(DAGSTER_DBT_SELECTOR_METADATA_KEY),
            dagster_dbt_translator=translator,
            current_dbt_indirect_selection_env=os.environ.get("DBT_INDIRECT_SELECTION"),
        )
        target_path = target_path_for_warehouse(warehouse, self.target)
        args = [
            "build",
            *selection,
            *self._common_args(target_path),
            *(["--indirect-selection", indirect] if indirect else []),
            # dbt unit tests check the SQL's logic on fixed rows: a change of the SQL breaks
            # them, never a day's data, so `make test` runs them (transform/test_dbt_unit_tests.py)
            # and a day does not pay for them. A resource-type exclusion also holds for the
            # subset selections dagster-dbt builds, which drop the asset's `exclude`.
            "--exclude-resource-type",
            "unit_test",
            # The run's event log records every result; dbt's debug log file and its JSON
            # artifacts would cost a third of the build for nothing read afterwards. Setting
            # DBT_LOG_LEVEL_FILE (e.g. debug) brings dbt.log back, in the target dir.
            *([] if os.environ.get("DBT_LOG_LEVEL_FILE") else ["--log-level-file", "none"]),
            "--log-level",
            "warn",
            "--no-write-json",
            "--no-use-colors",
            "--no-send-anonymous-usage-stats",
        ]
        # A long range is built chunk by chunk (transform/range_chunks.py), every chunk even
        # after a failed one, as one dbt build tests every day of its window.
        chunks = self._chunks(warehouse, window)
        results = ChunkResults()
        failures: list[str] = []
        exception = None
        for number, chunk in enumerate(chunks, start=1):
            started = time.perf_counter()
            try:
                if len(chunks) > 1 and not is_spark(self.target):
                    # the lock is released between builds: wait for it as the step's start did
                    connect_with_lock_retry(str(warehouse), lock_timeout_seconds()).close()
                chunk_window = _with_range_end(chunk, window)
                raw_events, result = self._invoke(args, warehouse, chunk_window, target_path)
                if not raw_events and not is_spark(self.target) and is_lock_error(result.exception):
                    # another process (the alert sensor recording an alert) took the lock
                    # between the step's wait and dbt's open: nothing ran, so wait for it as
                    # the step's start did and build the chunk again
                    connect_with_lock_retry(str(warehouse), lock_timeout_seconds()).close()
                    raw_events, result = self._invoke(args, warehouse, chunk_window, target_path)
            except Failure as error:
                exception = error
                break
            results.add(
                {raw["data"]["node_info"]["unique_id"]: raw for raw in raw_events},
                _failing_samples(result, sample_from) if sample_from else {},
            )
            if result.exception is not None:
                exception = result.exception
                break
            if not result.success:
                failures.extend(node for node in _failed_nodes(result) if node not in failures)
            # a long range's progress, and which build raised the process's peak memory
            context.log.info(build_line(number, len(chunks), chunk, time.perf_counter() - started, _peak_rss_mb()))
        # chunks that never ran count as chunks where no node ran: nothing is reported as
        # built or passed for days a stopped range did not reach; a failed or warned test
        # carries the failing rows of the chunk whose result is reported
        for raw, sample in results.merged(len(chunks)):
            event = DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={})
            for dagster_event in event.to_default_asset_events(
                manifest=manifest, dagster_dbt_translator=translator, context=context, target_path=target_path
            ):
                if sample is not None and isinstance(dagster_event, AssetCheckResult):
                    dagster_event = dagster_event.with_metadata(
                        {**dagster_event.metadata, "sample": MetadataValue.json(sample)}
                    )
                yield dagster_event
        if exception is not None:
            raise Failure(f"dbt build failed: {exception}")
        if failures:
            raise Failure(f"dbt build failed: {len(failures)} node(s) failed: {', '.join(failures)}")

    def _chunks(self, warehouse: Path, window: Mapping[str, str]) -> list[dict[str, str]]:
        """The builds of ``window``: its days in chunks sized to DuckDB's memory limit."""
        rows = generations_per_day(raw_zone_path(warehouse=warehouse), window)
        return chunk_windows(window, rows, build_budget())

    def _invoke(
        self, args: list[str], warehouse: Path, window: Mapping[str, str], target_path: Path
    ) -> tuple[list[dict], Any]:
        """One dbt invocation for ``window``: its result events (one per executed node) and result."""
        raw_events: list[dict] = []

        def collect(msg: Any) -> None:
            if msg.info.name in RESULT_EVENTS:
                raw_events.append(msg_to_dict(msg))

        with _lock, dbt_env(warehouse, window):
            try:
                runner = _dbt_runner()(manifest=self._manifest(warehouse, target_path), callbacks=[collect])
                result = runner.invoke(args)
            finally:
                release_duckdb()
        return raw_events, result


def build_line(number: int, builds: int, chunk: Mapping[str, str], seconds: float, peak_rss_mb: float) -> str:
    """The log line of one dbt build of a range (`bench scale` parses it: cli/bench/memory_trace.py)."""
    return (
        f"dbt build {number} of {builds}: {chunk.get('min_date') or 'all history'} to before "
        f"{chunk.get('max_date') or 'the end'}, {seconds:.1f}s; the process's peak RSS so far {peak_rss_mb:,.0f} MB"
    )


def _peak_rss_mb() -> float:
    """The process's peak RSS so far: ru_maxrss is in KB on Linux, in bytes on macOS."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (2**20 if sys.platform == "darwin" else 1024)


def _with_range_end(chunk: Mapping[str, str], window: Mapping[str, str]) -> dict[str, str]:
    """A chunk's window, plus the whole range's end when the range is split: a first build in
    the first chunk then leaves out only the days the later chunks build
    (macros/partition_window.sql)."""
    if chunk.get("max_date") and window.get("max_date") and chunk["max_date"] != window["max_date"]:
        return {**chunk, "range_max_date": window["max_date"]}
    return dict(chunk)


def _failing_samples(result: Any, sample_from: Callable[[], AbstractContextManager[Any]]) -> dict[str, list[dict]]:
    """unique_id -> the first failing rows of each test that failed or warned.

    A test's compiled SQL selects exactly its failing rows (the partition window already
    substituted), so re-reading it right after the build costs nothing when every test
    passes, unlike dbt's store_failures, which writes a table per test on every run.
    """
    failed = {
        r.node.unique_id: r.node.compiled_code
        for r in getattr(result.result, "results", None) or []
        if r.node.resource_type == "test" and r.status in (TestStatus.Fail, TestStatus.Warn) and r.node.compiled_code
    }
    samples: dict[str, list[dict]] = {}
    if not failed:
        return samples
    with sample_from() as conn:
        for unique_id, sql in failed.items():
            try:
                cursor = conn.execute(f"select * from ({sql}) as failing limit {SAMPLE_ROWS}")
            except Exception:  # the sample is evidence for the alert, never a reason to fail the step
                continue
            names = [column[0] for column in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            samples[unique_id] = json.loads(json.dumps(rows, default=str))
    return samples


def _failed_nodes(result: Any) -> list[str]:
    """Each failed node's id, with dbt's own message for errors (a failed test's id says
    enough; a model's error needs dbt's explanation, e.g. the columns of a broken contract)."""
    failed = []
    for node_result in getattr(result.result, "results", None) or []:
        if node_result.status in (RunStatus.Error, TestStatus.Error, TestStatus.Fail):
            unique_id = node_result.node.unique_id
            message = node_result.message if node_result.status != TestStatus.Fail else None
            failed.append(f"{unique_id} ({message.strip()})" if message else unique_id)
    return failed


def _dbt_runner() -> Any:
    """dbt's programmatic entry point, imported when dbt first runs in the process: loading
    the code location (`dagster dev`, each run worker) does not need dbt's CLI (~0.4 s)."""
    from dbt.cli.main import dbtRunner

    return dbtRunner


def forget_parsed_projects() -> None:
    _parsed.clear()


def release_duckdb() -> None:
    """Closes dbt-duckdb's process-wide database handle.

    dbt-duckdb keeps the DuckDB database open in a class attribute between invocations: that
    would hold the warehouse's single-writer lock for as long as this process lives, against
    every other run, the CLI and the next connection made here with other settings. Relies on
    dbt-duckdb's private class attributes ``_LOCK`` and ``_ENV`` (no public close exists).
    """
    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None
