"""Dagster's SQLite event log, with one long-lived SQLAlchemy engine per database file.

The stock SqliteEventLogStorage creates a new SQLAlchemy engine for every statement and throws
it away afterwards (NullPool): each of the thousands of statements a one-day run stores
(every asset check is planned and evaluated) pays for a new engine, compiling its SQL
from scratch (SQLAlchemy caches compiled SQL per engine), opening SQLite, an fsync at commit
and, as the last connection to a WAL database closes, a checkpoint with more fsyncs. That was
more time than the day's dbt build.

Here each database file keeps its engine and one pooled SQLite connection, and commits with
`synchronous=NORMAL`, SQLite's recommended setting for WAL mode: a process crash (even
SIGKILL) loses nothing committed; only an OS crash or power loss can roll back the last
transactions, never corrupt the file. Schema, layout and behaviour are Dagster's own; the class
is selected in the instance's dagster.yaml (instance/home.py) like any pluggable storage.

Two more per-statement costs go:
- `has_table`, which Dagster asks before storing every asset-check event, opened a fresh
  engine and inspected the schema each time; a table, once seen, is remembered.
- Dagster stores a run's planned events (one per asset, check and partition) and a range
  run's per-partition materializations as batches when
  DAGSTER_EVENT_BATCH_SIZE is set; the base class then stores them one by one. Here a batch
  is one transaction per database file. Loading this storage sets the variable (unless the
  environment already does), so every process of the instance batches: the CLI, the run
  workers, the webserver and the daemon.
"""

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager

from dagster import EventLogEntry

# Dagster's private SQLite storage: the class extended here, its index shard's name and its
# busy timeout (a pluggable storage has no public base with Dagster's SQLite schema).
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

from genai_pipeline.instance.storage import EVENT_BATCH_SIZE

# The index shard plus the runs being written or watched; a long-lived webserver reading
# thousands of runs keeps only the most recent open.
MAX_ENGINES = 16


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._tables_seen: set[str] = set()
        self._batch = threading.local()
        os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", str(EVENT_BATCH_SIZE))
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        # The parent's classmethod hard-codes its own class. base_dir is explicit (home.py
        # writes it): DAGSTER_HOME may name another instance than the one being loaded.
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                pool_size=1,
                max_overflow=4,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            event.listen(engine, "connect", _sqlite_pragmas)
            self._engines[shard] = engine
            while len(self._engines) > MAX_ENGINES:
                self._engines.popitem(last=False)[1].dispose()
        else:
            self._engines.move_to_end(shard)
        return engine

    def _ready_engine(self, shard: str) -> Engine:
        engine = self._engine(shard)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        held = getattr(self._batch, "connections", None)
        if held is not None and shard in held:
            # Inside store_event_batch: the batch's own open transaction on this file.
            yield held[shard]
            return
        with self._db_lock:
            engine = self._ready_engine(shard)
            with engine.connect() as conn:
                with conn.begin():
                    yield conn

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """All of a batch's events in one transaction per file (its run's and the index).

        If anything fails the batch is rolled back and the exception raised: Dagster then
        stores the events one by one.
        """
        # The index first: the stack exits in reverse, so the run files commit before it and a
        # failed run-file commit rolls the index back too. (SQLite cannot commit two files
        # atomically; if the index commit itself fails, Dagster's one-by-one retry duplicates
        # rows only in the run's own log, never in the cross-run index.)
        shards = [INDEX_SHARD_NAME, *dict.fromkeys(event.run_id for event in events)]
        with ExitStack() as stack:
            # Connections are made under the lock but the writes happen outside it, so another
            # thread holding the lock while it waits for SQLite's write lock cannot block us.
            with self._db_lock:
                connections = {shard: stack.enter_context(self._ready_engine(shard).connect()) for shard in shards}
            for conn in connections.values():
                stack.enter_context(conn.begin())
            self._batch.connections = connections
            try:
                for event in events:
                    self.store_event(event)
            finally:
                self._batch.connections = None

    def has_table(self, table_name: str) -> bool:
        # Asked inside open index transactions too: the parent's check uses its own connection.
        if table_name not in self._tables_seen and super().has_table(table_name):
            self._tables_seen.add(table_name)
        return table_name in self._tables_seen

    def _close_engines(self) -> None:
        with self._db_lock:
            self._tables_seen.clear()
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        # wipe() deletes the run shards' files: an open connection would go on writing to
        # the deleted file.
        self._close_engines()
        super().wipe()

    def dispose(self) -> None:
        self._close_engines()
        super().dispose()
