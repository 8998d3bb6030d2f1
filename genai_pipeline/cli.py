"""`genai-pipeline`: simulate | backfill | bench | dev. Drives Dagster, never bypasses it."""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

EXIT_USAGE = 2
# Not a usage error: the warehouse is busy (another process holds DuckDB's lock).
EXIT_FAILURE = 1


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other bad input
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="genai-pipeline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sim = sub.add_parser("simulate", help="run the daily batch over N simulated days through Dagster")
    sim.add_argument("--days", type=int, default=30, help="simulate days 1..N, skipping days already done (default 30)")
    sim.add_argument("--start", type=_date, help="run N days from this date, done or not")
    sim.add_argument("--reset", action="store_true", help="wipe the warehouse and the simulation's partitions first")
    sim.add_argument("--skip-dbt", action="store_true", help="land raw data only")
    sim.add_argument("--skip-tests", action="store_true", help="build the models without running checks")
    sim.add_argument("--batch", action="store_true", help="one single-run backfill over the whole range")

    from genai_pipeline.backfill import add_backfill_parser

    add_backfill_parser(sub)

    dev = sub.add_parser("dev", help="start `dagster dev` on 127.0.0.1 with the persistent DAGSTER_HOME")
    dev.add_argument("--port", type=int, default=3000)
    dev.add_argument("--host", default="127.0.0.1", help="bind address (default loopback only)")

    bench = sub.add_parser("bench", help="run the benchmarks and print their figures")
    bench.add_argument("name", nargs="?", help="one benchmark (default: all)")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    from genai_pipeline.paths import WarehousePathError
    from genai_pipeline.resources import WarehouseLockedError
    from genai_pipeline.settings import SettingsError

    try:
        if args.command == "simulate":
            return _simulate(args)
        if args.command == "dev":
            return _dev(args)
        if args.command == "backfill":
            from genai_pipeline.backfill import run_backfill

            return run_backfill(args)
        if args.command == "bench":
            from genai_pipeline.bench import run_benchmarks

            return run_benchmarks(args.name)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (SettingsError, WarehousePathError) as error:  # e.g. GENAI_* read while importing the graph
        return _fail(str(error))
    except WarehouseLockedError as error:
        print(f"genai-pipeline: error: {error.description}", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_USAGE


def _fail(message: str) -> int:
    print(f"genai-pipeline: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _simulate(args: argparse.Namespace) -> int:
    from genai_pipeline.instance import dagster_home
    from genai_pipeline.paths import WarehousePathError, ensure_writable_warehouse, warehouse_path
    from genai_pipeline.resources import lock_timeout_seconds
    from genai_pipeline.settings import SettingsError, SimulationSettings
    from genai_pipeline.simulate import UsageError, plan_days

    try:
        SimulationSettings.from_env()
        lock_timeout_seconds()
        warehouse = ensure_writable_warehouse(warehouse_path())
        plan_days(args.days, args.start, set())
    except (SettingsError, WarehousePathError, UsageError) as error:
        return _fail(str(error))
    dagster_home()
    from genai_pipeline.run_recovery import fail_runs_with_dead_workers
    from genai_pipeline.runner import Simulation

    sim = Simulation(warehouse=warehouse, skip_dbt=args.skip_dbt, skip_tests=args.skip_tests)
    # A run killed earlier still holds its pool slot: this run would wait on it for ever.
    fail_runs_with_dead_workers(sim.instance, print)
    if args.reset:
        sim.reset(print)
    try:
        days = plan_days(args.days, args.start, sim.completed_days())
    except UsageError as error:
        return _fail(str(error))
    if not days:
        print(f"Nothing to do: days 1..{args.days} are already in the warehouse and the Dagster instance.")
        return 0
    print(f"Simulating {len(days)} day(s) {days[0].isoformat()}..{days[-1].isoformat()} "
          f"({'one batch run' if args.batch else 'one run per day'}) into {warehouse}")
    started = time.perf_counter()
    code = sim.run(days, batch=args.batch)
    print(f"Done in {time.perf_counter() - started:.1f}s")
    return code


def _dev(args: argparse.Namespace) -> int:
    from genai_pipeline.instance import dagster_home

    home = dagster_home()
    root = Path(__file__).resolve().parent.parent
    print(f"DAGSTER_HOME={home}; UI on http://{args.host}:{args.port}", flush=True)
    bin_dir = Path(sys.executable).parent
    dagster = str(bin_dir / "dagster")
    # The code server re-parses the dbt project on load (prepare_if_dev) with the `dbt` it
    # finds on PATH: make that this environment's dbt, activated or not.
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    os.chdir(root)
    os.execv(dagster, [dagster, "dev", "-w", "workspace.yaml", "-h", args.host, "-p", str(args.port)])


if __name__ == "__main__":
    sys.exit(main())
