"""Servers started on this machine for a Dagster home: a free loopback port, and stopping a
server's whole process group so that nothing started with its home is left running.

Shared by the throwaway PostgreSQL, the launched-run benchmark and the e2e suite.
"""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def processes_using(home: Path, variable: str = "DAGSTER_HOME") -> list[int]:
    """Live processes (not zombies) started with `variable`=home (by default this
    DAGSTER_HOME), other than this one."""
    marker = f"{variable}={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0") and not _is_zombie(entry):
                found.append(int(entry.name))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


def _is_zombie(entry: Path) -> bool:
    # the state letter follows the parenthesised command name, which may hold spaces
    return (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"


def signal_group(pgid: int, sig: int) -> bool:
    """True if some process of the group was still there to receive it."""
    try:
        os.killpg(pgid, sig)
        return True
    except ProcessLookupError:
        return False


def stop_process_group(
    process: subprocess.Popen, home: Path, grace_seconds: float, variable: str = "DAGSTER_HOME"
) -> list[int]:
    """SIGTERM to the group `process` leads (dagster dev shuts its children down), SIGKILL to
    whatever outlives the grace period. Returns the processes started with `variable`=home
    that had left the group (killed too, so none is left running): a clean stop returns []."""
    pgid = process.pid
    signal_group(pgid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + grace_seconds
    while signal_group(pgid, 0) and time.monotonic() < deadline:
        time.sleep(0.5)
    if signal_group(pgid, signal.SIGKILL):
        process.wait(timeout=10)
    escaped = processes_using(home, variable)
    for pid in escaped:
        os.kill(pid, signal.SIGKILL)
    return escaped
