"""`genai-pipeline`: simulate | backfill | bench | dev | home | spark-server. Drives Dagster, never bypasses it.

Each command's module is imported only when that command runs: the parser answers at once
(`--help`, a bad argument) without paying for Dagster, dbt and the asset graph. These are
the package's only function-local imports of its own modules.
"""

import sys
from collections.abc import Sequence
from pathlib import Path

from genai_pipeline.cli.common import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_USAGE, ArgumentParser, fail, parse_date
from genai_pipeline.core.paths import WarehousePathError
from genai_pipeline.core.settings import SettingsError


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="genai-pipeline", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)

    sim = sub.add_parser("simulate", help="run the daily batch over N simulated days through Dagster")
    sim.add_argument("--days", type=int, default=30, help="simulate days 1..N, skipping days already done (default 30)")
    sim.add_argument("--start", type=parse_date, help="run N days from this date, done or not")
    sim.add_argument("--reset", action="store_true", help="wipe the warehouse and the simulation's partitions first")
    sim.add_argument("--skip-dbt", action="store_true", help="land raw data only")
    sim.add_argument("--skip-tests", action="store_true", help="build the models without running checks")
    sim.add_argument("--batch", action="store_true", help="one single-run backfill over the whole range")

    backfill = sub.add_parser("backfill", help="fill backfill metrics over history with Dagster partition backfills")
    what = backfill.add_mutually_exclusive_group(required=True)
    what.add_argument("--list", action="store_true", help="list the metrics, their tables and partitions filled")
    what.add_argument("--metric", metavar="NAME", help="backfill one metric")
    what.add_argument("--all", action="store_true", help="backfill every metric (one backfill, one run per range)")
    backfill.add_argument(
        "--from", dest="first", type=parse_date, metavar="DATE", help="first day (default: the marts' first)"
    )
    backfill.add_argument(
        "--to", dest="last", type=parse_date, metavar="DATE", help="last day, inclusive (default: marts' last)"
    )
    backfill.add_argument(
        "--dry-run", action="store_true", help="print the partitions and rows to write; write nothing"
    )
    backfill.add_argument(
        "--per-partition", action="store_true", help="for comparison: one run per day instead of one run per range"
    )

    dev = sub.add_parser("dev", help="start `dagster dev` on 127.0.0.1 with the persistent DAGSTER_HOME")
    dev.add_argument("--port", type=int, default=3000)
    dev.add_argument("--host", default="127.0.0.1", help="bind address (default loopback only)")

    spark = sub.add_parser("spark-server", help="run a local Spark Thrift Server for DBT_TARGET=spark until Ctrl-C")
    spark.add_argument("--port", type=int, default=10000, help="port on 127.0.0.1 (default 10000, the profile's)")
    spark.add_argument("--folder", type=Path, help="its metastore and warehouse (default data/spark)")
    spark.add_argument("--wipe", action="store_true", help="delete the metastore and warehouse first")

    sub.add_parser("home", help="print the DAGSTER_HOME, its dagster.yaml written (for `dg dev`, `dg launch`)")

    bench = sub.add_parser("bench", help="run the benchmarks and print their figures")
    bench.add_argument("name", nargs="?", help="one benchmark (default: all)")
    bench.add_argument(
        "--smoke", action="store_true", help="a tiny run of each, to check it works (figures meaningless)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from genai_pipeline.instance.storage import InstanceStorageError

    if args.command == "dev":
        # Apart, and before Dagster is imported below: `dev` execs `dagster dev`, which imports
        # Dagster itself, and importing it here first delayed the UI by ~1 s on every start.
        from genai_pipeline.cli.dev import run_dev

        try:
            return run_dev(args)
        except InstanceStorageError as error:  # Dagster's PostgreSQL misconfigured or down: exit 1
            return fail(str(error), EXIT_FAILURE)
    from genai_pipeline.core.warehouse import WarehouseLockedError
    from genai_pipeline.instance.local_spark import SparkServerError
    from genai_pipeline.transform.spark_target import SparkUnavailableError, dbt_target, is_spark, require_spark

    try:
        # On Spark, a missing server fails here, in one line, before anything is written.
        runs_dbt = args.command == "backfill" or (args.command == "simulate" and not args.skip_dbt)
        if runs_dbt and is_spark(dbt_target()):
            require_spark()
        if args.command == "spark-server":
            from genai_pipeline.cli.spark_server import run_spark_server

            return run_spark_server(args)
        if args.command == "simulate":
            from genai_pipeline.cli.simulate import run_simulate

            return run_simulate(args)
        if args.command == "home":
            from genai_pipeline.cli.home import run_home

            return run_home(args)
        if args.command == "backfill":
            from genai_pipeline.cli.backfill import run_backfill

            return run_backfill(args)
        if args.command == "bench":
            from genai_pipeline.cli.bench.main import run_benchmarks

            return run_benchmarks(args.name, smoke=args.smoke)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (SettingsError, WarehousePathError) as error:  # e.g. GENAI_* read while importing the graph
        return fail(str(error))
    except WarehouseLockedError as error:  # the environment, not a usage error: exit 1
        return fail(error.description, EXIT_FAILURE)
    except InstanceStorageError as error:  # Dagster's PostgreSQL misconfigured or down: exit 1
        return fail(str(error), EXIT_FAILURE)
    except SparkUnavailableError as error:  # DBT_TARGET=spark, no server or no dbt-spark: exit 1
        return fail(error.description, EXIT_FAILURE)
    except SparkServerError as error:  # no Java 17 or no pyspark for a local server: exit 1
        return fail(str(error), EXIT_FAILURE)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
