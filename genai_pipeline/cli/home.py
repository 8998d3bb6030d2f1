"""`genai-pipeline home`: the project's Dagster home, ready, for tools started by hand.

`make dev` and the CLI set DAGSTER_HOME themselves; `dg dev`, `dg launch` or a bare
`dagster dev` read it from the shell, and without it use a temporary home deleted on exit,
with none of the project's dagster.yaml (one warehouse writer at a time, run monitoring).
`export DAGSTER_HOME=$(genai-pipeline home)` gives them the same home as `make dev`.
"""

import argparse

from genai_pipeline.instance.home import dagster_home


def run_home(args: argparse.Namespace) -> int:
    print(dagster_home())
    return 0
