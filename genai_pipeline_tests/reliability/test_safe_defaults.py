"""Defaults a user gets without asking: loopback-only UI, no data or instance in git."""

import os
import subprocess

import pytest

from genai_pipeline.cli import dev
from genai_pipeline.cli.main import main
from genai_pipeline.core.paths import DEFAULT_DAGSTER_HOME, DEFAULT_WAREHOUSE, PROJECT_ROOT

pytestmark = pytest.mark.reliability


def dev_argv(monkeypatch, tmp_path, *args: str) -> list[str]:
    """The command `genai-pipeline dev` would exec, captured instead of run."""
    captured = []
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(dev.os, "execv", lambda path, argv: captured.append(argv))
    monkeypatch.setattr(dev.os, "chdir", lambda path: None)
    monkeypatch.setenv("PATH", os.environ.get("PATH", ""))  # restored after dev prepends the venv
    main(["dev", *args])
    [argv] = captured
    return argv


def test_dev_binds_the_ui_to_loopback_unless_told_otherwise(monkeypatch, tmp_path):
    argv = dev_argv(monkeypatch, tmp_path)
    assert argv[1:2] == ["dev"] and argv[argv.index("-h") + 1] == "127.0.0.1"
    argv = dev_argv(monkeypatch, tmp_path, "--host", "0.0.0.0", "--port", "3333")
    assert argv[argv.index("-h") + 1] == "0.0.0.0" and argv[argv.index("-p") + 1] == "3333"


@pytest.mark.parametrize(
    "path",
    [
        DEFAULT_WAREHOUSE,
        DEFAULT_WAREHOUSE.with_name("warehouse.duckdb.wal"),
        PROJECT_ROOT / "elsewhere.duckdb",
        PROJECT_ROOT / "any" / "warehouse.duckdb.dbt-target-dev" / "manifest.json",
        DEFAULT_DAGSTER_HOME / "dagster.yaml",
        DEFAULT_DAGSTER_HOME / "history" / "runs.db",
        PROJECT_ROOT / "dbt_project" / "target" / "manifest.json",
        PROJECT_ROOT / "dbt_project" / "logs" / "dbt.log",
    ],
)
def test_warehouse_files_and_the_dagster_home_are_git_ignored(path):
    if not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    relative = path.relative_to(PROJECT_ROOT)
    done = subprocess.run(["git", "check-ignore", "-q", "--no-index", str(relative)], cwd=PROJECT_ROOT)
    assert done.returncode == 0, f"{relative} is not git-ignored"


def test_no_tracked_file_is_a_warehouse_or_an_instance_database():
    if not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout
    assert [f for f in tracked.splitlines() if f.endswith((".duckdb", ".wal", ".db", ".sqlite"))] == []
