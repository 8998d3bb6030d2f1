"""`genai-pipeline bench [NAME]`: every benchmark, one entry point.

Each prints its figures side by side from one run; nothing here asserts a time.
"""

import sys
from collections.abc import Callable

from genai_pipeline.cli.bench.backfill import bench_backfill
from genai_pipeline.cli.bench.generation import bench_generation
from genai_pipeline.cli.bench.incremental import bench_incremental
from genai_pipeline.cli.bench.landing import bench_landing
from genai_pipeline.cli.bench.launched import bench_launched
from genai_pipeline.cli.bench.scale import bench_scale
from genai_pipeline.cli.bench.simulate import bench_simulate
from genai_pipeline.cli.bench.spark import bench_spark
from genai_pipeline.cli.bench.storage import bench_storage
from genai_pipeline.cli.common import fail

BENCHMARKS: dict[str, Callable[[bool], None]] = {
    "generation": bench_generation,
    "landing": bench_landing,
    "incremental": bench_incremental,
    "simulate": bench_simulate,
    "backfill": bench_backfill,
    "storage": bench_storage,
    "launched": bench_launched,
    "scale": bench_scale,
    "spark": bench_spark,
}


def run_benchmarks(name: str | None, smoke: bool = False) -> int:
    # Figures must reach a log file as they are measured, not when a long run ends.
    sys.stdout.reconfigure(line_buffering=True)
    if name is not None and name not in BENCHMARKS:
        return fail(f"unknown benchmark {name!r}; choose from {sorted(BENCHMARKS)}")
    for key, bench in BENCHMARKS.items():
        if name in (None, key):
            bench(smoke)
            print()
    return 0
