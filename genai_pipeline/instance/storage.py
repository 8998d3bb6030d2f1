"""Where Dagster keeps its own state: SQLite files in DAGSTER_HOME, or PostgreSQL.

SQLite is the laptop default. With GENAI_DAGSTER_PG_URL set, runs, the event log and the
schedule and sensor state live in PostgreSQL (dagster-postgres), so the webserver, the
daemon and the run workers can live on different machines. The URL carries a password: it
stays in the environment (the dagster.yaml names the variable, never its value), and every
message names the server as host:port/database only.
"""

import os
from collections.abc import Mapping

import psycopg2
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PG_URL_VAR = "GENAI_DAGSTER_PG_URL"
CONNECT_TIMEOUT_SECONDS = 5
# Big enough for a month's planned events in one flush; Dagster flushes at each batch's end.
# Here, not beside the event-log storage that uses it: the home is written without Dagster.
EVENT_BATCH_SIZE = 2000


class InstanceStorageError(RuntimeError):
    """Dagster's storage is misconfigured or not answering: one line, exit status 1."""


def postgres_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The configured PostgreSQL URL, or None for the SQLite default."""
    environ = os.environ if environ is None else environ
    url = environ.get(PG_URL_VAR, "").strip()
    if not url:
        return None
    try:
        parsed = make_url(url)
    except ArgumentError:
        parsed = None
    if parsed is None or parsed.get_backend_name() != "postgresql" or not parsed.host:
        # The value itself is not echoed: it may hold a password.
        raise InstanceStorageError(
            f"{PG_URL_VAR} is not a PostgreSQL URL; expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
        )
    return url


def server_name(url: str) -> str:
    """host:port/database, without user or password: what messages may show."""
    parsed = make_url(url)
    return f"{parsed.host}:{parsed.port or 5432}/{parsed.database or ''}"


def check_reachable(url: str) -> None:
    """Connects once, so a server that is not up fails the command before anything is written."""
    try:
        psycopg2.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS).close()
    except psycopg2.OperationalError as error:
        reason = " ".join(str(error).split())
        password = make_url(url).password
        if password:
            reason = reason.replace(password, "***")
        raise InstanceStorageError(
            f"Dagster's PostgreSQL at {server_name(url)} does not answer ({reason}); start it or fix {PG_URL_VAR}"
        ) from None


def check_configured_storage() -> str | None:
    """The PostgreSQL URL once it answers, or None for SQLite; InstanceStorageError otherwise."""
    url = postgres_url()
    if url is not None:
        check_reachable(url)
    return url


POSTGRES_STORAGE = f"""\
# Runs, events, schedules and sensor cursors in PostgreSQL: dagster-postgres with pooled
# connections (genai_pipeline/instance/postgres_storage.py). The URL is read from the
# environment by every Dagster process: it is never written here.
storage:
  custom:
    module: genai_pipeline.instance.postgres_storage
    class: PooledPostgresStorage
    config:
      postgres_url:
        env: {PG_URL_VAR}
"""

SQLITE_STORAGE = """\
# Dagster's SQLite event log with pooled connections: see genai_pipeline/instance/event_log_storage.py.
# base_dir is this folder's history/runs, Dagster's own default place (change it if you move
# the folder).
event_log_storage:
  module: genai_pipeline.instance.event_log_storage
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {event_log_dir}
"""
