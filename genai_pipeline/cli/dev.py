"""`genai-pipeline dev`: `dagster dev` on loopback, with the project's persistent home."""

import argparse
import os
import sys
from pathlib import Path

from genai_pipeline.core.paths import PROJECT_ROOT
from genai_pipeline.instance.home import dagster_home


def run_dev(args: argparse.Namespace) -> int:
    home = dagster_home()
    print(f"DAGSTER_HOME={home}; UI on http://{args.host}:{args.port}", flush=True)
    bin_dir = Path(sys.executable).parent
    dagster = str(bin_dir / "dagster")
    # The code server re-parses the dbt project on load (prepare_if_dev) with the `dbt` it
    # finds on PATH: make that this environment's dbt, activated or not.
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    os.chdir(PROJECT_ROOT)
    os.execv(dagster, [dagster, "dev", "-w", "workspace.yaml", "-h", args.host, "-p", str(args.port)])
