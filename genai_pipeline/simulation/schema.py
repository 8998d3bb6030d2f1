"""The raw layer's contract: one table per entity in schema ``raw``.

Every raw table carries ``partition_date``, the UTC day whose partition wrote the row, so
a partition can be replaced with one ``delete ... where partition_date = ?``. Ids are
BIGINT ``epoch_day * 1_000_000_000 + position``: stable, unique across days, and sortable.
"""

RAW_SCHEMA = "raw"

RAW_TABLES: dict[str, dict[str, str]] = {
    "users": {
        "user_id": "BIGINT",
        "signup_at": "TIMESTAMP",
        "user_tier": "VARCHAR",
        "country": "VARCHAR",
        "acquisition_channel": "VARCHAR",
        "partition_date": "DATE",
    },
    "sessions": {
        "session_id": "BIGINT",
        "user_id": "BIGINT",
        "session_start": "TIMESTAMP",
        "session_end": "TIMESTAMP",
        "device": "VARCHAR",
        "partition_date": "DATE",
    },
    "prompts": {
        "prompt_id": "BIGINT",
        "session_id": "BIGINT",
        "user_id": "BIGINT",
        "prompt_text": "VARCHAR",
        "created_at": "TIMESTAMP",
        "partition_date": "DATE",
    },
    "generations": {
        "generation_id": "BIGINT",
        "prompt_id": "BIGINT",
        "session_id": "BIGINT",
        "user_id": "BIGINT",
        "attempt_number": "INTEGER",
        "model_name": "VARCHAR",
        "media_type": "VARCHAR",
        "status": "VARCHAR",
        "cost_usd": "DOUBLE",
        "revenue_usd": "DOUBLE",
        "latency_ms": "INTEGER",
        "downloaded": "BOOLEAN",
        "feedback": "VARCHAR",
        "created_at": "TIMESTAMP",
        "partition_date": "DATE",
    },
}

USER_TIERS = ("free", "pro", "enterprise")
GENERATION_STATUSES = ("success", "failed", "timeout", "moderated")
MEDIA_TYPES = ("image", "video")
FEEDBACK_VALUES = ("thumbs_up", "thumbs_down")
DEVICES = ("web", "ios", "android", "api")
COUNTRIES = ("US", "GB", "DE", "FR", "IN", "BR", "JP", "CA", "KR", "ES")
ACQUISITION_CHANNELS = ("organic", "paid_search", "social", "referral", "partner")
# model_name -> media_type; each model's price, cost and latency live in simulation/model.py
MODELS = {
    "flux-schnell": "image",
    "sdxl-turbo": "image",
    "imagen-3": "image",
    "runway-gen3": "video",
    "sora-lite": "video",
}


def create_table_sql(table: str) -> str:
    columns = ", ".join(f"{name} {kind}" for name, kind in RAW_TABLES[table].items())
    return f"CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{table} ({columns})"
