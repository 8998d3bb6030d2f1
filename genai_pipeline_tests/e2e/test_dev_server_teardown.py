"""The e2e teardown on stand-in process trees (no Dagster): fast, so part of `make test`."""

import os
import subprocess
import sys
import time

import dagster_dev_server
import pytest
from dagster_dev_server import DevServer

from genai_pipeline.instance.local_processes import free_port, processes_using


def left_the_group(server: DevServer) -> bool:
    """True once some process of the tree runs in a process group other than the server's."""
    group = os.getpgid(server.process.pid)
    for pid in processes_using(server.home):
        try:
            if os.getpgid(pid) != group:
                return True
        except ProcessLookupError:
            continue
    return False


def start_tree(tmp_path, script: str) -> DevServer:
    home = tmp_path / "home"
    home.mkdir()
    process = subprocess.Popen(
        ["sh", "-c", script], env={**os.environ, "DAGSTER_HOME": str(home)}, start_new_session=True
    )
    server = DevServer(process, 0, home, tmp_path / "w.duckdb", tmp_path / "log")
    # Both processes must exist before the test stops them; on a loaded machine the shell
    # can take seconds to start its child.
    deadline = time.monotonic() + 60
    while len(processes_using(home)) < 2:
        assert time.monotonic() < deadline, "the stand-in process tree never started"
        time.sleep(0.1)
    return server


def test_stopping_ends_every_process_of_the_group(tmp_path):
    server = start_tree(tmp_path, "sleep 300 & sleep 300 & wait")
    assert dagster_dev_server.stop(server) == []
    assert processes_using(server.home) == []


def test_a_process_that_left_the_group_is_reported_and_still_killed(tmp_path):
    server = start_tree(tmp_path, "setsid sleep 300 & wait")
    # `setsid` leaves the group only once it runs: stopping the group before that would kill it.
    deadline = time.monotonic() + 60
    while not left_the_group(server):
        assert time.monotonic() < deadline, "the stand-in process never left the group"
        time.sleep(0.1)
    escaped = dagster_dev_server.stop(server)
    assert len(escaped) == 1
    time.sleep(0.5)
    assert processes_using(server.home) == []


def test_a_server_that_exits_before_answering_fails_fast_with_its_log(tmp_path):
    process = subprocess.Popen(["sh", "-c", "exit 3"], start_new_session=True)
    process.wait()
    server = DevServer(process, free_port(), tmp_path, tmp_path / "w.duckdb", tmp_path / "log")
    with pytest.raises(RuntimeError, match="exited with 3"):
        dagster_dev_server.wait_until_ready(server)


def test_a_held_lock_on_the_warehouse_is_reported(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    assert dagster_dev_server.open_for_write(warehouse) is None
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(60)",
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert "lock" in dagster_dev_server.open_for_write(warehouse).lower()
    finally:
        holder.kill()
        holder.wait()
