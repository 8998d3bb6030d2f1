"""Benchmark: a day as the schedule and the UI run it, beside the CLI's day and Dagster's floor.

A scheduled run and every run started from the UI go through the run queue: the daemon of
`dagster dev` dequeues it and the code server starts a fresh run worker for it. Here, in
one process and one after the other, so they never share the machine:

- the CLI's day: `daily_job` in this process (as `simulate` runs it), on a temp instance;
- the launched day: `genai-pipeline dev` (webserver + daemon, the project's dagster.yaml in a
  temp home) on a free loopback port, `daily_job` submitted through GraphQL day after day;
  each run's phases are read from its event log (GraphQL `logsForRun`);
- Dagster's floor: one no-op daily-partitioned asset in a code location of its own (a
  module written to a temp folder), under `dagster dev` with the same dagster.yaml,
  launched the same way.

Every server is its own process group, bound to 127.0.0.1, and stopped with its group.
"""

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from dagster import DagsterInstance
from dagster_graphql import DagsterGraphQLClient

from genai_pipeline.cli.bench.machine import machine
from genai_pipeline.cli.daily_runs import Simulation
from genai_pipeline.core.jobs import DAILY_JOB
from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.instance.home import dagster_home, dagster_yaml
from genai_pipeline.instance.local_processes import free_port, stop_process_group
from genai_pipeline.instance.storage import PG_URL_VAR
from genai_pipeline.transform import runner as dbt_runner

HOST = "127.0.0.1"
READY_TIMEOUT_S = 300
RUN_TIMEOUT_S = 600
STOP_GRACE_S = 60
POLL_S = 0.2
SMOKE_BASE_USERS = "200"

FLOOR_JOB = "floor_job"
FLOOR_MODULE = '''\
"""Dagster's floor: one daily-partitioned asset that does nothing, run like daily_job."""

from dagster import DailyPartitionsDefinition, Definitions, asset, define_asset_job, in_process_executor

days = DailyPartitionsDefinition(start_date="{start}")


@asset(partitions_def=days)
def noop() -> None:
    """Nothing: what a launched run of it costs is Dagster's own."""


floor_job = define_asset_job("{job}", selection=[noop], partitions_def=days, executor_def=in_process_executor)
defs = Definitions(assets=[noop], jobs=[floor_job])
'''

REPOSITORIES = "{ repositoriesOrError { ... on RepositoryConnection { nodes { name } } } }"
RUN_EVENTS = """
query($runId: ID!, $cursor: String) { logsForRun(runId: $runId, afterCursor: $cursor, limit: 1000) {
    __typename
    ... on EventConnection { cursor hasMore events { __typename ... on MessageEvent { timestamp message stepKey } } }
} }"""
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}
IN_PROGRESS_RUNS = """
{ runsOrError(filter: {statuses: [QUEUED, NOT_STARTED, STARTING, STARTED]}) { ... on Runs { results { id jobName } } } }"""
# The server's own runs (on a fresh home the freshness sensor's first tick launches one) take
# the queue's only slot: the benchmark waits for them, and for this long without any, first.
QUIET_S = 3.0


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    home: Path
    log: Path
    started: float

    @property
    def graphql(self) -> str:
        return f"http://{HOST}:{self.port}/graphql"


@dataclass
class RunFigures:
    """One launched run, in seconds, from its event log (and the client's own clock)."""

    partition: str
    submit: float  # the client's launch call -> enqueued (the webserver creates the run)
    queue: float  # enqueued -> starting (the daemon's dequeue)
    worker_process: float  # starting -> the worker's "Started process for run"
    worker_load: float  # -> RUN_START (the code location loaded in the worker, the plan)
    steps: float  # first step start -> last step end
    dbt: float  # the dbt step
    after_steps: float  # last step end -> RUN_SUCCESS
    total: float  # enqueued -> RUN_SUCCESS
    client: float  # submit -> SUCCESS seen by polling

    @property
    def worker(self) -> float:
        return self.worker_process + self.worker_load

    def line(self) -> str:
        return (
            f"{self.partition}: launch to success {self.client:.1f}s (events {self.total:.1f}s): "
            f"submit {self.submit:.1f}s, queue {self.queue:.1f}s, worker start to RUN_START {self.worker:.1f}s "
            f"(process {self.worker_process:.1f}s, code location and plan {self.worker_load:.1f}s), "
            f"steps {self.steps:.1f}s (dbt {self.dbt:.1f}s), after the steps {self.after_steps:.1f}s"
        )


def bench_launched(smoke: bool = False) -> None:
    """--smoke: one day at 200 base users."""
    days = 1 if smoke else 3
    saved = {name: os.environ.get(name) for name in ("DAGSTER_HOME", "GENAI_BASE_USERS", "GENAI_DUCKDB_PATH")}
    if smoke:
        os.environ["GENAI_BASE_USERS"] = SMOKE_BASE_USERS
    start = SimulationSettings().start_date
    plan = [start + dt.timedelta(days=i) for i in range(days)]
    print(f"launched benchmark: daily_job for {days} day(s), {machine()}, load {_load()}")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-launched-") as folder:
            root = Path(folder)
            _cli_days(root / "cli", plan)
            _launched(
                "project",
                root / "project",
                DAILY_JOB,
                plan,
                lambda port: [str(Path(sys.executable).parent / "genai-pipeline"), "dev", "--port", str(port)],
            )
            floor = root / "floor"
            floor.mkdir()
            (floor / "floor_location.py").write_text(FLOOR_MODULE.format(start=start.isoformat(), job=FLOOR_JOB))
            _launched(
                "floor",
                floor,
                FLOOR_JOB,
                plan,
                lambda port: [
                    *(str(Path(sys.executable).parent / "dagster"), "dev", "-f", "floor_location.py"),
                    *("-h", HOST, "-p", str(port)),
                ],
            )
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    print(f"  load after the runs {_load()}")
    print("  every server stopped with its process group, nothing left running (checked)")


def _cli_days(folder: Path, plan: list[dt.date]) -> None:
    """The same days in this process, as `simulate` runs them (the first pays dbt's parse)."""
    os.environ["DAGSTER_HOME"] = str(folder / "home")
    dagster_home()
    instance = DagsterInstance.get()
    dbt_runner.forget_parsed_projects()
    sim = Simulation(warehouse=folder / "warehouse.duckdb", instance=instance)
    seconds = []
    for day in plan:
        started = time.perf_counter()
        [outcome] = sim.execute([day])
        seconds.append(time.perf_counter() - started)
        if not outcome.success:
            raise RuntimeError(f"launched benchmark: the in-process run of {day} failed")
    instance.dispose()
    dbt_runner.release_duckdb()
    later = f", later days {sum(seconds[1:]) / len(seconds[1:]):.1f}s on average" if len(seconds) > 1 else ""
    print(f"  CLI, in this process: day 1 {seconds[0]:.1f}s (dbt parse included){later}")


def _launched(label: str, folder: Path, job: str, plan: list[dt.date], command) -> None:
    home = folder / "home"
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(dagster_yaml(home, postgres=False))
    # Its storage created once before two processes (webserver, daemon) would both create it.
    DagsterInstance.from_config(str(home)).dispose()
    env = {name: value for name, value in os.environ.items() if not name.startswith("DAGSTER_") and name != PG_URL_VAR}
    env.update({"DAGSTER_HOME": str(home), "GENAI_DUCKDB_PATH": str(folder / "warehouse.duckdb")})
    port = free_port()
    server = _start(command(port), port, folder, env, folder / "dagster_dev.log")
    try:
        ready = _wait_until_ready(server)
        print(f"  {label}: dagster dev ready (repository loaded) after {ready:.1f}s")
        waited, others = _wait_for_an_empty_queue(server)
        if others:
            print(f"  {label}: {waited:.1f}s for the server's own runs to end first ({', '.join(sorted(others))})")
        client = DagsterGraphQLClient(HOST, port_number=port)
        runs = [_run(server, client, job, day.isoformat()) for day in plan]
    finally:
        _stop(server)
    for figures in runs:
        print(f"  {label}, {figures.line()}")
    if len(runs) > 1:
        mean = sum(r.client for r in runs) / len(runs)
        print(
            f"  {label}, {len(runs)} runs: launch to success {mean:.1f}s on average "
            f"({min(r.client for r in runs):.1f}-{max(r.client for r in runs):.1f}s)"
        )


def _run(server: Server, client: DagsterGraphQLClient, job: str, partition: str) -> RunFigures:
    submitted, submitted_at = time.perf_counter(), time.time()
    run_id = client.submit_job_execution(job, tags={"dagster/partition": partition})
    deadline = submitted + RUN_TIMEOUT_S
    while (status := client.get_run_status(run_id).value) not in FINISHED:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"launched benchmark: run {run_id} still {status} after {RUN_TIMEOUT_S}s")
        time.sleep(POLL_S)
    seen = time.perf_counter() - submitted
    if status != "SUCCESS":
        raise RuntimeError(
            f"launched benchmark: run {run_id} of {job} for {partition} ended {status}; see {server.log}"
        )
    return _figures(_events(server, run_id), partition, submitted_at, seen)


def _wait_for_an_empty_queue(server: Server) -> tuple[float, set[str]]:
    """Seconds until no run has been queued or running for QUIET_S, and those runs' jobs."""
    started = time.perf_counter()
    quiet_since, jobs = started, set()
    while time.perf_counter() - quiet_since < QUIET_S:
        if time.perf_counter() - started > RUN_TIMEOUT_S:
            raise TimeoutError(f"launched benchmark: the server's own runs still going after {RUN_TIMEOUT_S}s")
        running = _graphql(server, IN_PROGRESS_RUNS)["runsOrError"]["results"]
        if running:
            jobs |= {run["jobName"] for run in running}
            quiet_since = time.perf_counter()
        time.sleep(POLL_S)
    return time.perf_counter() - started - QUIET_S, jobs


def _events(server: Server, run_id: str) -> list[dict]:
    events, cursor = [], None
    while True:
        page = _graphql(server, RUN_EVENTS, {"runId": run_id, "cursor": cursor})["logsForRun"]
        if page["__typename"] != "EventConnection":
            raise RuntimeError(f"launched benchmark: no event log for run {run_id}: {page}")
        events += page["events"]
        if not page["hasMore"]:
            return events
        cursor = page["cursor"]


def _figures(events: list[dict], partition: str, submitted_at: float, client: float) -> RunFigures:
    def at(kind: str, message: str = "") -> float:
        return next(
            float(e["timestamp"]) / 1000 for e in events if e["__typename"] == kind and message in (e["message"] or "")
        )

    step_starts = {
        e["stepKey"]: float(e["timestamp"]) / 1000 for e in events if e["__typename"] == "ExecutionStepStartEvent"
    }
    step_ends = {
        e["stepKey"]: float(e["timestamp"]) / 1000 for e in events if e["__typename"] == "ExecutionStepSuccessEvent"
    }
    enqueued, starting = at("RunEnqueuedEvent"), at("RunStartingEvent")
    process, run_start, success = (
        at("EngineEvent", "Started process for run"),
        at("RunStartEvent"),
        at("RunSuccessEvent"),
    )
    dbt = sum(step_ends[key] - step_starts[key] for key in step_starts if "dbt" in key)
    return RunFigures(
        partition=partition,
        submit=enqueued - submitted_at,
        queue=starting - enqueued,
        worker_process=process - starting,
        worker_load=run_start - process,
        steps=max(step_ends.values()) - min(step_starts.values()),
        dbt=dbt,
        after_steps=success - max(step_ends.values()),
        total=success - enqueued,
        client=client,
    )


def _graphql(server: Server, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        server.graphql,
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.load(response)
    if body.get("errors"):
        raise RuntimeError(f"launched benchmark: GraphQL errors {body['errors']}")
    return body["data"]


def _start(command: list[str], port: int, cwd: Path, env: dict[str, str], log: Path) -> Server:
    with log.open("wb") as out:
        # A session of its own: webserver, daemon, code server and run workers are one process
        # group, stopped at once.
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Server(process, port, Path(env["DAGSTER_HOME"]), log, time.perf_counter())


def _wait_until_ready(server: Server) -> float:
    """Seconds from the start until GraphQL answers with the repository (code location loaded)."""
    deadline = server.started + READY_TIMEOUT_S
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"launched benchmark: dagster dev exited with {server.process.returncode}; see {server.log}"
            )
        try:
            if _graphql(server, REPOSITORIES)["repositoriesOrError"].get("nodes"):
                return time.perf_counter() - server.started
        except (urllib.error.URLError, ConnectionError, TimeoutError, KeyError, ValueError):
            pass
        time.sleep(POLL_S)
    raise TimeoutError(f"launched benchmark: dagster dev not ready after {READY_TIMEOUT_S}s; see {server.log}")


def _stop(server: Server) -> None:
    """The server's whole process group; then no process started with its home may be left."""
    left = stop_process_group(server.process, server.home, STOP_GRACE_S)
    if left:
        raise RuntimeError(f"launched benchmark: processes {left} outlived dagster dev's process group (killed)")


def _load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
