"""`genai-pipeline spark-server`: a local Spark Thrift Server for DBT_TARGET=spark, in the
foreground until Ctrl-C (which stops its whole process group)."""

import argparse
import signal
import time

from genai_pipeline.cli.common import EXIT_FAILURE, fail
from genai_pipeline.instance.local_spark import DEFAULT_SERVER_DIR, java_home, local_thrift_server, spark_home, wipe
from genai_pipeline.transform.spark_target import PORT_ENV


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_spark_server(args: argparse.Namespace) -> int:
    # SIGTERM (a supervisor, `kill`) stops the server like Ctrl-C does: the context manager
    # then stops the whole Java process group instead of leaving it behind.
    signal.signal(signal.SIGTERM, _interrupt)
    folder = args.folder or DEFAULT_SERVER_DIR
    # Java and pyspark are checked before --wipe: a server that cannot start must not cost
    # the folder's metastore and tables (bad input: one line, exit 1, nothing touched).
    java_home()
    spark_home()
    if args.wipe:
        wipe(folder)
    started = time.monotonic()
    with local_thrift_server(folder, args.port) as server:
        print(
            f"Spark Thrift Server on {server.host}:{server.port}, ready in {time.monotonic() - started:.1f} s "
            f"(metastore and warehouse in {folder}). In another shell: DBT_TARGET=spark {PORT_ENV}={server.port} "
            "genai-pipeline simulate ...; Ctrl-C stops the server.",
            flush=True,
        )
        while server.process.poll() is None:
            time.sleep(1)
    return fail(f"the Spark Thrift Server exited: see {folder / 'thrift-server.log'}", EXIT_FAILURE)
