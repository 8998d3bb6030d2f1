"""The `dg` command line on this project ([tool.dg] in pyproject.toml): `dg check defs`
loads the code location (CI runs it), `dg list defs` shows the graph."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DG = str(Path(sys.executable).parent / "dg")


def dg(*args: str) -> subprocess.CompletedProcess:
    # The session's sandbox (conftest): DAGSTER_HOME and the warehouse are temporary.
    return subprocess.run([DG, *args], cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=300)


def test_dg_check_defs_loads_the_code_location():
    result = dg("check", "defs")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All definitions loaded successfully" in result.stdout + result.stderr


def test_dg_list_defs_shows_the_assets_checks_jobs_schedule_and_sensors():
    result = dg("list", "defs", "--json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assets = {a["asset_key"] for a in listed["assets"]}
    assert {"raw/users", "stg_users", "fct_generations", "daily_metrics", "prompt_toxicity"} <= assets
    checks = {c["key"] for c in listed["asset_checks"]}
    assert "daily_metrics:freshness_check" in checks and len(checks) > 100
    assert "daily_job" in {j["name"] for j in listed["jobs"]}
    assert {s["name"] for s in listed["schedules"]} == {"daily_schedule"}
    assert {"check_failure_alert_sensor", "freshness_checks_sensor", "default_automation_condition_sensor"} <= {
        s["name"] for s in listed["sensors"]
    }
