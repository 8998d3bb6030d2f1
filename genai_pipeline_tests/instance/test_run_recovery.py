"""A run whose worker process died is failed and its pool slot freed; live runs are left alone."""

import os
import signal
import subprocess
import sys

import pytest
from dagster import DagsterInstance, DagsterRunStatus, build_sensor_context
from run_in_pool import claimed_slots, start_run_in_pool, wait_for_the_pool_slot

from genai_pipeline.instance.run_recovery import dead_run_worker_sensor, fail_runs_with_dead_workers, process_alive

pytestmark = pytest.mark.reliability


def test_a_killed_or_zombie_process_is_dead_and_a_running_one_alive():
    assert process_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    assert process_alive(child.pid)
    child.send_signal(signal.SIGKILL)
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # dead, but a zombie until reaped
    assert not process_alive(child.pid)
    child.wait()
    assert not process_alive(child.pid)


@pytest.mark.slow
def test_the_sensor_leaves_a_live_run_alone_then_fails_it_once_its_worker_is_killed(tmp_path, monkeypatch):
    from genai_pipeline.instance.home import dagster_home

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    dagster_home()
    # Untagged: on SQLite storage every process of the instance is on this host.
    worker = start_run_in_pool({})
    try:
        with DagsterInstance.get() as instance:
            wait_for_the_pool_slot(instance, worker)
            [run] = instance.get_runs()

            dead_run_worker_sensor.evaluate_tick(build_sensor_context(instance=instance))
            assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.STARTED

            worker.kill()
            worker.wait()
            result = dead_run_worker_sensor.evaluate_tick(build_sensor_context(instance=instance))
            assert "marked 1 run(s)" in result.skip_message
            assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.FAILURE
            assert claimed_slots(instance) == []
            assert fail_runs_with_dead_workers(instance) == []  # and only once
    finally:
        worker.kill()
        worker.wait()
