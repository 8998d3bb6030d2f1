"""Dagster's SQLite event log, with one long-lived SQLAlchemy engine per database file.

The stock SqliteEventLogStorage creates a new SQLAlchemy engine for every statement and throws
it away afterwards (NullPool): each of the ~2,200 statements a one-day run stores (~600
events: ~170 asset checks, planned and evaluated) pays for a new engine, compiling its SQL
from scratch (SQLAlchemy caches compiled SQL per engine), opening SQLite, an fsync at commit
and, as the last connection to a WAL database closes, a checkpoint with more fsyncs. That was
more time than the day's dbt build.

Here each database file keeps its engine and one pooled SQLite connection, and commits with
`synchronous=NORMAL`, SQLite's recommended setting for WAL mode: a process crash (even
SIGKILL) loses nothing committed; only an OS crash or power loss can roll back the last
transactions, never corrupt the file. Schema, layout and behaviour are Dagster's own; the class
is selected in the instance's dagster.yaml (instance.py) like any pluggable storage.
"""

from collections import OrderedDict
from contextlib import contextmanager
from typing import Iterator

from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

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
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        # The parent's classmethod hard-codes its own class. base_dir is explicit (instance.py
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

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn:
                with conn.begin():
                    yield conn

    def _close_engines(self) -> None:
        with self._db_lock:
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
