"""In-memory marts for the backfill metric tests (no dbt): the mart tables' columns the metrics
read, and a small seeded history of users, sessions, prompts and generations."""

import datetime as dt
import random
from decimal import Decimal

import duckdb

from genai_pipeline.simulation.prompts import PROMPT_TEXTS

MARTS = {
    "dim_prompts": "prompt_id BIGINT, prompt_text VARCHAR, prompt_date DATE",
    "dim_users": "user_id BIGINT, user_tier VARCHAR, signup_date DATE",
    "fct_sessions": (
        "session_id BIGINT, user_id BIGINT, session_date DATE, revenue_usd DECIMAL(38, 8), prompt_count BIGINT, "
        "generation_count BIGINT, download_count BIGINT, thumbs_up_count BIGINT"
    ),
    "fct_generations": (
        "generation_id BIGINT, generation_date DATE, status VARCHAR, latency_ms INTEGER, media_type VARCHAR, feedback VARCHAR"
    ),
}


def marts_connection(database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(database)
    conn.execute("create schema marts")
    for table, columns in MARTS.items():
        conn.execute(f"create table marts.{table} ({columns})")
    return conn


def insert(conn, table: str, rows: list[tuple]) -> None:
    conn.executemany(f"insert into marts.{table} values ({', '.join('?' * len(rows[0]))})", rows)


def simulated_history(conn, first: dt.date, days: int, seed: int = 7) -> None:
    """``days`` days from ``first`` of a few dozen users signing up day by day, with sessions
    (cent revenues), prompts from the simulation's vocabulary and generations of every kind."""
    rng = random.Random(seed)
    users, sessions, prompts, generations = [], [], [], []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        for _ in range(rng.randint(2, 6)):
            users.append((len(users) + 1, rng.choice(["free", "pro", "enterprise"]), day))
        for user_id, _, _ in rng.sample(users, k=max(1, len(users) // 2)):
            counts = [rng.randint(0, 6) for _ in range(4)]
            revenue = Decimal(rng.randint(0, 500)) / 100
            sessions.append((len(sessions) + 1, user_id, day, revenue, *counts))
            for _ in range(counts[0]):
                prompts.append((len(prompts) + 1, str(rng.choice(PROMPT_TEXTS)), day))
            for _ in range(counts[1]):
                status = rng.choice(["success", "success", "success", "failed", "timeout", "moderated"])
                media = rng.choice(["image", "video"])
                latency = rng.choice([None, rng.randint(100, 200_000)])
                feedback = rng.choice([None, None, "thumbs_up", "thumbs_down"])
                generations.append((len(generations) + 1, day, status, latency, media, feedback))
    for table, rows in [
        ("dim_users", users),
        ("fct_sessions", sessions),
        ("dim_prompts", prompts),
        ("fct_generations", generations),
    ]:
        insert(conn, table, rows)
