"""`genai-pipeline dev` as a child process group: started on a free loopback port with its own
Dagster home and warehouse, ready once GraphQL answers, stopped with every descendant."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import duckdb

HOST = "127.0.0.1"
READY_TIMEOUT_S = 240
STOP_GRACE_S = 60


@dataclass
class DevServer:
    process: subprocess.Popen
    port: int
    home: Path
    warehouse: Path
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start(workdir: Path, extra_env: dict[str, str]) -> DevServer:
    home, warehouse, log = workdir / "dagster_home", workdir / "warehouse.duckdb", workdir / "dagster_dev.log"
    home.mkdir(parents=True, exist_ok=True)
    env = {name: value for name, value in os.environ.items() if not name.startswith(("GENAI_", "DAGSTER_"))}
    env.update({"DAGSTER_HOME": str(home), "GENAI_DUCKDB_PATH": str(warehouse), **extra_env})
    port = free_port()
    cli = Path(sys.executable).parent / "genai-pipeline"
    with log.open("wb") as out:
        # A session of its own: the whole tree (webserver, daemon, code servers, runs) is one
        # process group that the teardown can signal at once.
        process = subprocess.Popen(
            [str(cli), "dev", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return DevServer(process, port, home, warehouse, log)


def wait_until_ready(server: DevServer) -> None:
    """Until the code location is loaded: GraphQL answers with the repository, not just HTTP."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    query = json.dumps({"query": "{ repositoriesOrError { ... on RepositoryConnection { nodes { name } } } }"})
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"dagster dev exited with {server.process.returncode}; see {server.log}")
        request = urllib.request.Request(
            f"{server.url}/graphql", data=query.encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                nodes = json.load(response)["data"]["repositoriesOrError"].get("nodes") or []
            if nodes:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError, KeyError, ValueError):
            pass
        time.sleep(1)
    raise TimeoutError(f"dagster dev GraphQL not ready after {READY_TIMEOUT_S}s; see {server.log}")


def stop(server: DevServer) -> list[int]:
    """SIGTERM to the group (dagster dev shuts its children down), SIGKILL what outlives the
    grace. Returns the processes that had escaped the group (killed too, so none is left
    running): a clean shutdown returns []."""
    pgid = server.process.pid
    _signal_group(pgid, signal.SIGTERM)
    try:
        server.process.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + STOP_GRACE_S
    while _signal_group(pgid, 0) and time.monotonic() < deadline:
        time.sleep(0.5)
    if _signal_group(pgid, signal.SIGKILL):
        server.process.wait(timeout=10)
    escaped = processes_using(server.home)
    for pid in escaped:
        os.kill(pid, signal.SIGKILL)
    return escaped


def _signal_group(pgid: int, sig: int) -> bool:
    """True if some process of the group was still there to receive it."""
    try:
        os.killpg(pgid, sig)
        return True
    except ProcessLookupError:
        return False


def processes_using(home: Path) -> list[int]:
    """Live processes started with this DAGSTER_HOME: none may outlive the server."""
    marker = f"DAGSTER_HOME={home}".encode()
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
    status = (entry / "stat").read_text()
    return status.rsplit(")", 1)[1].split()[0] == "Z"


def open_for_write(warehouse: Path) -> str | None:
    """None if the warehouse opens read-write right now (no process holds DuckDB's lock)."""
    try:
        duckdb.connect(str(warehouse)).close()
        return None
    except duckdb.IOException as error:
        return str(error)
