"""Old home of the event-log storage: a dagster.yaml written before the package was laid out
by stage names this module, so it keeps resolving."""

from genai_pipeline.instance.event_log_storage import PooledSqliteEventLogStorage  # noqa: F401
