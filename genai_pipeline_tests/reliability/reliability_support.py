"""Shared by the reliability tests: the CLI in child processes, killing them, warehouse state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from genai_pipeline.core.checksums import raw_zone_checksums, table_checksums
from genai_pipeline.core.paths import raw_zone_path

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("crash_driver.py")
CLI = Path(sys.executable).parent / "genai-pipeline"
SCHEMAS = ("marts", "metrics")
# Scale does not matter to locks and crashes: a small population keeps each run short.
SMALL = {"GENAI_BASE_USERS": "300"}
# Stand-ins for the alert sinks' secrets, under the names the code reads: every sink is
# configured in the crashed and concurrent runs, and no secret may reach a log or a file
# (alerts/test_alert_secrets.py also delivers alerts with them).
SECRETS = {
    "SLACK_BOT_TOKEN": "xoxb-reliability-sentinel-token",
    "GENAI_SLACK_CHANNEL": "#reliability",
    "GENAI_ALERT_WEBHOOK_URL": "http://127.0.0.1:9/hooks/sentinel-hook",
}


def child_env(home: Path, warehouse: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENAI_")}
    env.update({**SMALL, **SECRETS, "DAGSTER_HOME": str(home), "GENAI_DUCKDB_PATH": str(warehouse), **extra})
    return env


def start(argv: list[str], env: dict[str, str], log: Path, marker: Path | None = None) -> subprocess.Popen:
    """`genai-pipeline argv` in a child process that leads its own process group."""
    command = [sys.executable, str(DRIVER), str(marker) if marker else "-", *argv]
    with log.open("ab") as out:
        return subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def run_cli(argv: list[str], env: dict[str, str], log: Path, timeout: float = 600) -> int:
    process = start(argv, env, log)
    try:
        return process.wait(timeout=timeout)
    finally:
        kill_tree(process)


def run_together(commands: list[list[str]], env: dict[str, str], logs: list[Path], timeout: float = 600) -> list[int]:
    """Starts every command at once; their exit codes (each child is killed if it outlives this)."""
    children = [start(argv, env, log) for argv, log in zip(commands, logs, strict=True)]
    try:
        return [child.wait(timeout=timeout) for child in children]
    finally:
        for child in children:
            kill_tree(child)


def kill_tree(process: subprocess.Popen) -> None:
    """SIGKILL the child's whole process group: the run and dbt, wherever dbt runs."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=60)


def wait_until(condition: Callable[[], bool], process: subprocess.Popen, what: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the child exited ({process.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class DbtLog:
    """dbt's own log file(s) under ``root`` (dbt.log in its target/log dir), read from an
    offset taken before the run: only this run's lines."""

    def __init__(self, root: Path):
        self.root = root
        self.offsets = {path: path.stat().st_size for path in root.rglob("dbt.log")}

    def text(self) -> str:
        parts = []
        for path in self.root.rglob("dbt.log"):
            with path.open("rb") as f:
                f.seek(self.offsets.get(path, 0))
                parts.append(f.read().decode(errors="replace"))
        return "".join(parts)


def checksums(warehouse: Path, schemas: tuple[str, ...] = SCHEMAS) -> dict[str, tuple[int, int]]:
    """The warehouse's tables in `schemas` and the raw zone's tables (raw.*) beside it."""
    raw = raw_zone_checksums(raw_zone_path({}, warehouse))
    if not warehouse.exists():
        return raw
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return raw | table_checksums(conn, schemas)


def raw_files(warehouse: Path) -> dict[str, bytes]:
    """Every file of the raw zone beside `warehouse` (temp files included) -> its bytes."""
    root = raw_zone_path({}, warehouse)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def files_containing(root: Path, needle: str) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and needle.encode() in path.read_bytes():
            found.append(path)
    return found
