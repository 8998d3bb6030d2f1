"""A local Spark Thrift Server from the pyspark package, for DBT_TARGET=spark on one machine.

`spark-submit --class ...HiveThriftServer2 --master local[2]`, as dbt-spark's own test setup
starts it (the pyspark package bundles the Thrift server's jar but not the sbin/ scripts).
Its Derby metastore and its warehouse dir live together in one folder: the metastore only
describes the files in that warehouse, so they are kept and wiped together. It listens on
127.0.0.1 only, with no web UI, and the context manager always stops its whole process group.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from genai_pipeline.core.paths import PROJECT_ROOT
from genai_pipeline.instance.local_processes import LOOPBACK, free_port, stop_process_group

DEFAULT_SERVER_DIR = PROJECT_ROOT / "data" / "spark"
THRIFT_SERVER_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"
# Spark 4 runs on Java 17 and 21 only (the image's Temurin 25 is refused).
SUPPORTED_JAVA = ("17", "21")
# Where Debian installs Javas (`make java`)
JVM_DIR = Path("/usr/lib/jvm")
# Marks every process of one server, so one that left the process group is still found.
SERVER_DIR_ENV = "GENAI_SPARK_SERVER_DIR"
START_TIMEOUT_S = 180.0
STOP_GRACE_S = 20.0


class SparkServerError(RuntimeError):
    """Spark cannot start here; the message says what to install or fix."""


@dataclass(frozen=True)
class ThriftServer:
    host: str
    port: int
    folder: Path
    process: subprocess.Popen


def java_home(environ: dict[str, str] | None = None) -> Path:
    """A Java 17 or 21 home: JAVA_HOME when it is one, else Debian's under /usr/lib/jvm."""
    environ = dict(os.environ) if environ is None else environ
    candidates = [Path(environ["JAVA_HOME"])] if environ.get("JAVA_HOME") else []
    candidates += sorted(JVM_DIR.glob("*"))
    for home in candidates:
        if java_version(home / "bin" / "java") in SUPPORTED_JAVA:
            return home
    raise SparkServerError("Java 17 or 21 not found (Spark 4 needs one): run `make java` (Debian's openjdk-17)")


def java_version(java: Path) -> str | None:
    """The major version `java -version` reports, or None when it does not run."""
    if not java.is_file():
        return None
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r'version "(\d+)', out)
    return found.group(1) if found else None


def spark_home() -> Path:
    """The Spark inside the pyspark package (the optional `spark` dependencies)."""
    try:
        import pyspark
    except ImportError:
        raise SparkServerError("pyspark is not installed: run `make install-spark` (uv's extra `spark`)") from None
    return Path(pyspark.__file__).parent


def server_command(folder: Path, port: int) -> list[str]:
    metastore = f"jdbc:derby:;databaseName={folder / 'metastore_db'};create=true"
    conf = {
        "spark.sql.warehouse.dir": str(folder / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": metastore,
        "spark.hadoop.hive.server2.thrift.bind.host": LOOPBACK,
        "spark.hadoop.hive.server2.thrift.port": str(port),
        "spark.driver.host": LOOPBACK,
        "spark.driver.bindAddress": LOOPBACK,
        "spark.ui.enabled": "false",
        # dates are days of UTC, as in the raw zone and on DuckDB
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.extraJavaOptions": f"-Duser.timezone=UTC -Dderby.system.home={folder}",
        # a day's tables are small: Spark's default 200 shuffle tasks would dominate each query
        "spark.sql.shuffle.partitions": "4",
    }
    command = [str(spark_home() / "bin" / "spark-submit"), "--class", THRIFT_SERVER_CLASS, "--master", "local[2]"]
    for key, value in conf.items():
        command += ["--conf", f"{key}={value}"]
    return [*command, "--name", "genai-pipeline-thrift-server", "spark-internal"]


def wipe(folder: Path = DEFAULT_SERVER_DIR) -> None:
    """The metastore and the warehouse go together (a stopped server's folder only)."""
    shutil.rmtree(folder, ignore_errors=True)


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def local_thrift_server(
    folder: Path = DEFAULT_SERVER_DIR, port: int | None = None, start_timeout_s: float = START_TIMEOUT_S
) -> Iterator[ThriftServer]:
    """Starts the server over `folder` (created; kept afterwards) and yields it once its port
    answers; stops its whole process group on exit, whatever happened inside."""
    environ = {**os.environ, "JAVA_HOME": str(java_home()), SERVER_DIR_ENV: str(folder)}
    environ["SPARK_HOME"] = str(spark_home())
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log = (folder / "thrift-server.log").open("ab")
    process = subprocess.Popen(
        server_command(folder, port),
        cwd=folder,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = ThriftServer(LOOPBACK, port, folder, process)
    try:
        deadline = time.monotonic() + start_timeout_s
        while not _answers(LOOPBACK, port):
            if process.poll() is not None or time.monotonic() > deadline:
                why = "exited" if process.poll() is not None else f"did not answer in {start_timeout_s:.0f} s"
                raise SparkServerError(f"the Spark Thrift Server {why}: see {folder / 'thrift-server.log'}")
            time.sleep(0.5)
        yield server
    finally:
        stop_process_group(process, folder, STOP_GRACE_S, SERVER_DIR_ENV)
        log.close()
