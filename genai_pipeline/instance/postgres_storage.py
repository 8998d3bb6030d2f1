"""dagster-postgres with kept-open connections in every process, not only the webserver.

DagsterPostgresStorage opens a new connection for every statement (SQLAlchemy's NullPool):
each one a new server backend and, with password authentication, a SCRAM handshake. A
one-day run stores about 450 events and reads about as much, so that was most of the run
(figures in the README). Dagster's webserver already switches its storages to a small pool
of kept-open connections (`optimize_for_webserver`, public on each storage); this class does
the same as the instance loads, so the CLI, the daemon and every run worker pool too.
Schema, statements and behaviour are dagster-postgres's own.
"""

from dagster_postgres import DagsterPostgresStorage
from dagster_postgres.utils import pg_url_from_config

# Kept-open connections are re-made after an hour, before a server or proxy drops them idle.
POOL_RECYCLE_SECONDS = 3600
# Threads beyond the pool's one connection (the webserver's default is 20).
MAX_OVERFLOW = 10
# No statement timeout: a run worker's writes must not be cut off, unlike a UI query.
NO_STATEMENT_TIMEOUT = 0


class PooledPostgresStorage(DagsterPostgresStorage):
    def __init__(self, postgres_url: str, should_autocreate_tables: bool = True, inst_data=None):
        super().__init__(postgres_url, should_autocreate_tables, inst_data=inst_data)
        for storage in (self.run_storage, self.event_log_storage, self.schedule_storage):
            storage.optimize_for_webserver(
                statement_timeout=NO_STATEMENT_TIMEOUT, pool_recycle=POOL_RECYCLE_SECONDS, max_overflow=MAX_OVERFLOW
            )

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        # The parent's classmethod hard-codes its own class.
        return cls(
            postgres_url=pg_url_from_config(config_value),
            should_autocreate_tables=config_value.get("should_autocreate_tables", True),
            inst_data=inst_data,
        )
