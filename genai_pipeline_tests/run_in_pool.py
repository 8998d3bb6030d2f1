"""A run that holds the "duckdb" pool slot until it is killed: the dead-run recovery tests'
stand-in for a run worker (on SQLite, instance/test_run_recovery.py; on PostgreSQL,
reliability/test_postgres_instance.py)."""

import json
import subprocess
import sys
import time

from dagster import DagsterInstance

# Its job carries the tags given as the argument (the project's jobs carry their host's).
RUN_IN_POOL = """
import json, sys, time
from dagster import DagsterInstance, job, op

@op(pool="duckdb")
def lands():
    time.sleep(600)

@job(tags=json.loads(sys.argv[1]))
def landing_job():
    lands()

landing_job.execute_in_process(instance=DagsterInstance.get())
"""


def start_run_in_pool(tags: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", RUN_IN_POOL, json.dumps(tags)])


def claimed_slots(instance: DagsterInstance) -> list:
    return instance.event_log_storage.get_concurrency_info("duckdb").claimed_slots


def wait_for_the_pool_slot(instance: DagsterInstance, worker: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not claimed_slots(instance):
        assert worker.poll() is None and time.monotonic() < deadline, "the run never took its pool slot"
        time.sleep(0.1)
