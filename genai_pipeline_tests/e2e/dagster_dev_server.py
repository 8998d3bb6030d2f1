"""`genai-pipeline dev` as a child process group: started on a free loopback port with its own
Dagster home and warehouse, ready once GraphQL answers, stopped with every descendant."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import duckdb

from genai_pipeline.instance.local_processes import free_port, stop_process_group

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
    """Stops the server's process group; the processes that had escaped it (killed too)."""
    return stop_process_group(server.process, server.home, STOP_GRACE_S)


def open_for_write(warehouse: Path) -> str | None:
    """None if the warehouse opens read-write right now (no process holds DuckDB's lock)."""
    try:
        duckdb.connect(str(warehouse)).close()
        return None
    except duckdb.IOException as error:
        return str(error)
