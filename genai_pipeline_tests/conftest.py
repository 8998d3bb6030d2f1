"""Session-wide sandbox: a temp warehouse and Dagster home, set before anything imports
the definitions (they read GENAI_DUCKDB_PATH at import), and a dbt manifest."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

SANDBOX = Path(tempfile.mkdtemp(prefix="genai-tests-"))
os.environ["GENAI_DUCKDB_PATH"] = str(SANDBOX / "session" / "warehouse.duckdb")
os.environ["DAGSTER_HOME"] = str(SANDBOX / "dagster_home")
(SANDBOX / "session").mkdir()
(SANDBOX / "dagster_home").mkdir()
for name in list(os.environ):
    if name.startswith("GENAI_") and name != "GENAI_DUCKDB_PATH":
        del os.environ[name]

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "dbt_project" / "target" / "manifest.json"
if not MANIFEST.exists():
    subprocess.run([str(Path(sys.executable).parent / "dbt"), "parse", "--quiet"], cwd=ROOT / "dbt_project", check=True)


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    return tmp_path
