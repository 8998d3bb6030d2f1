"""One day of product activity: (settings, day) -> users, sessions, prompts, generations.

Pure and vectorized: every quantity is a numpy array over all users or all rows of the
day; the only Python loop is over signup cohorts (days), never over users or rows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

import genai_pipeline.simulation.population as pop
from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.simulation.prompts import PROMPT_TEXTS
from genai_pipeline.simulation.schema import (
    ACQUISITION_CHANNELS,
    COUNTRIES,
    DEVICES,
    FEEDBACK_VALUES,
    GENERATION_STATUSES,
    MODELS,
    RAW_TABLES,
)

STREAM_ACTIVITY = 2
DAY_MS = 86_400_000
# Sessions are laid out in slots that end by 23:00, so no activity spills past midnight.
LAST_SESSION_END_MS = 23 * 3_600_000
SESSION_BUDGET_MS = 1_800_000
MAX_STEP_MS = 300_000

MODEL_NAMES = np.array(list(MODELS), dtype=object)
MODEL_MEDIA = np.array(list(MODELS.values()), dtype=object)
IMAGE_MODELS = np.flatnonzero(MODEL_MEDIA == "image")
VIDEO_MODELS = np.flatnonzero(MODEL_MEDIA == "video")
# Per model: compute cost per successful generation (USD), median latency and timeout (ms).
MODEL_COST = np.array([0.004, 0.006, 0.012, 0.09, 0.14])
MODEL_LATENCY_MS = np.array([1_800, 2_600, 5_500, 42_000, 65_000])
MODEL_TIMEOUT_MS = np.array([30_000, 30_000, 30_000, 180_000, 180_000])
FAILURE_MIX = [0.55, 0.30, 0.15]
# Share of a success's cost a failure still burns: compute ran, nothing was delivered.
FAILURE_COST_SHARE = np.array([0.25, 0.5, 0.0])
DOWNLOAD_RATE = {"image": 0.45, "video": 0.6}
THUMBS_UP_RATE = 0.22
THUMBS_DOWN_RATE_SUCCESS = 0.04
THUMBS_DOWN_RATE_FAILURE = 0.15
# Share of sessions per device, in schema.DEVICES order.
DEVICE_MIX = (0.5, 0.2, 0.2, 0.1)


def generate_day(settings: SimulationSettings, day: dt.date) -> dict[str, pd.DataFrame]:
    """The rows the partition ``day`` lands, keyed by raw table name."""
    n = settings.day_number(day)
    users = pop.population(settings, n)
    today = pop.cohort(settings, n)
    rng = np.random.default_rng([settings.seed, STREAM_ACTIVITY, n])
    day_start = np.datetime64(day.isoformat(), "ms")

    def at(offset_ms: np.ndarray) -> np.ndarray:
        return day_start + offset_ms.astype("timedelta64[ms]")

    # --- who is active, and how much
    rate = np.array([settings.tier_activity[t] for t in pop.TIERS])[users.tier] * settings.activity_scale
    gens_per_user = np.minimum(rng.poisson(rate), settings.daily_generation_cap)
    gens_per_user[users.last_active_day < n] = 0
    active = np.flatnonzero(gens_per_user > 0)
    n_gens = gens_per_user[active]
    is_new = np.zeros(len(users.user_id), dtype=bool)
    is_new[len(users.user_id) - len(today.user_id) :] = True
    earliest_ms = np.where(is_new[active], users.signup_second[active] * 1000 + 1_000, 0.0)

    # --- sessions: heavy users split their day in two, each in its own time slot
    two = (n_gens >= 3) & (rng.random(len(active)) < 0.35)
    sessions_per_user = 1 + two.astype(np.int64)
    session_user = np.repeat(np.arange(len(active)), sessions_per_user)
    first_session = np.cumsum(sessions_per_user) - sessions_per_user
    slot_in_user = np.arange(len(session_user)) - first_session[session_user]
    split = np.where(two, (n_gens + 1) // 2, n_gens)
    gens_in_session = np.where(slot_in_user == 0, split[session_user], (n_gens - split)[session_user])
    slot_ms = (LAST_SESSION_END_MS - earliest_ms[session_user]) / sessions_per_user[session_user]
    session_start_ms = (
        earliest_ms[session_user]
        + slot_in_user * slot_ms
        + rng.random(len(session_user)) * (slot_ms - SESSION_BUDGET_MS)
    ).astype(np.int64)
    step_ms = rng.integers(30_000, MAX_STEP_MS, size=len(session_user))
    session_end_ms = session_start_ms + gens_in_session * step_ms + rng.integers(1_000, 240_000, len(session_user))

    # --- generation attempts, in session order
    gen_session = np.repeat(np.arange(len(session_user)), gens_in_session)
    first_gen_of_session = np.cumsum(gens_in_session) - gens_in_session
    pos = np.arange(len(gen_session)) - first_gen_of_session[gen_session]
    n_rows = len(gen_session)
    success = rng.random(n_rows) < settings.success_rate
    failure_kind = rng.choice(3, size=n_rows, p=FAILURE_MIX)
    retryable = ~success & (failure_kind < 2)
    prev_retryable = np.concatenate([[False], retryable[:-1]])
    is_retry = (pos > 0) & prev_retryable & (rng.random(n_rows) < settings.retry_probability)
    prompt_index = np.cumsum(~is_retry) - 1
    prompt_rows = np.flatnonzero(~is_retry)
    attempt = np.arange(n_rows) - prompt_rows[prompt_index] + 1
    created_ms = session_start_ms[gen_session] + pos * step_ms[gen_session] + 1_000

    # --- per prompt: what was asked and of which model
    n_prompts = len(prompt_rows)
    is_video = rng.random(n_prompts) < settings.video_share
    model = np.where(
        is_video,
        VIDEO_MODELS[rng.integers(0, len(VIDEO_MODELS), n_prompts)],
        IMAGE_MODELS[rng.integers(0, len(IMAGE_MODELS), n_prompts)],
    )
    text = rng.integers(0, len(PROMPT_TEXTS), n_prompts)
    gen_model = model[prompt_index]
    gen_video = is_video[prompt_index]

    # --- outcome of each attempt
    latency = MODEL_LATENCY_MS[gen_model] * rng.lognormal(0.0, 0.35, n_rows)
    timed_out = ~success & (failure_kind == 1)
    latency = np.where(timed_out, MODEL_TIMEOUT_MS[gen_model], np.minimum(latency, MODEL_TIMEOUT_MS[gen_model] - 1))
    status_code = np.where(success, 0, failure_kind + 1)
    unit_cost = MODEL_COST[gen_model] * rng.uniform(0.8, 1.2, n_rows)
    cost = np.round(np.where(success, unit_cost, unit_cost * FAILURE_COST_SHARE[failure_kind]), 6)
    user_of_gen = active[session_user[gen_session]]
    price = np.where(gen_video, settings.video_price_usd, settings.image_price_usd)
    multiplier = np.array([settings.tier_price_multiplier[t] for t in pop.TIERS])[users.tier[user_of_gen]]
    revenue = np.round(np.where(success, price * multiplier, 0.0), 6)
    download_rate = np.where(gen_video, DOWNLOAD_RATE["video"], DOWNLOAD_RATE["image"])
    u = rng.random((2, n_rows))
    downloaded = success & (u[0] < download_rate)
    thumbs_down_rate = np.where(success, THUMBS_DOWN_RATE_SUCCESS, THUMBS_DOWN_RATE_FAILURE)
    feedback_code = np.full(n_rows, -1, dtype=np.int8)  # -1 is a missing value (no feedback)
    feedback_code[success & (u[1] < THUMBS_UP_RATE)] = 0
    feedback_code[u[1] >= 1 - thumbs_down_rate] = 1

    # --- ids: epoch day * 1e9 + position within the day
    id_base = pop.epoch_day(day) * pop.ID_DAY_FACTOR
    session_id = id_base + np.arange(len(session_user), dtype=np.int64)
    prompt_id = id_base + np.arange(n_prompts, dtype=np.int64)
    session_user_id = users.user_id[active][session_user]

    def frame(table: str, columns: dict) -> pd.DataFrame:
        columns["partition_date"] = np.full(len(next(iter(columns.values()))), np.datetime64(day.isoformat(), "s"))
        return pd.DataFrame({name: columns[name] for name in RAW_TABLES[table]}, copy=False)

    return {
        "users": frame(
            "users",
            {
                "user_id": today.user_id,
                "signup_at": at((today.signup_second * 1000).astype(np.int64)),
                "user_tier": _labels(today.tier, pop.TIERS),
                "country": _labels(today.country, COUNTRIES),
                "acquisition_channel": _labels(today.channel, ACQUISITION_CHANNELS),
            },
        ),
        "sessions": frame(
            "sessions",
            {
                "session_id": session_id,
                "user_id": session_user_id,
                "session_start": at(session_start_ms),
                "session_end": at(session_end_ms),
                "device": _labels(rng.choice(len(DEVICES), len(session_user), p=DEVICE_MIX), DEVICES),
            },
        ),
        "prompts": frame(
            "prompts",
            {
                "prompt_id": prompt_id,
                "session_id": session_id[gen_session[prompt_rows]],
                "user_id": users.user_id[user_of_gen[prompt_rows]],
                "prompt_text": _labels(text, PROMPT_TEXTS),
                "created_at": at(created_ms[prompt_rows]),
            },
        ),
        "generations": frame(
            "generations",
            {
                "generation_id": id_base + np.arange(n_rows, dtype=np.int64),
                "prompt_id": prompt_id[prompt_index],
                "session_id": session_id[gen_session],
                "user_id": users.user_id[user_of_gen],
                "attempt_number": attempt.astype(np.int32),
                "model_name": _labels(gen_model, MODEL_NAMES),
                "media_type": _labels(np.where(gen_video, 1, 0), ("image", "video")),
                "status": _labels(status_code, GENERATION_STATUSES),
                "cost_usd": cost,
                "revenue_usd": revenue,
                "latency_ms": np.rint(latency).astype(np.int32),
                "downloaded": downloaded,
                "feedback": _labels(feedback_code, FEEDBACK_VALUES),
                "created_at": at(created_ms),
            },
        ),
    }


def _labels(codes: np.ndarray, labels) -> pd.Categorical:
    """Low-cardinality text as codes into its labels: no per-row Python strings to build,
    and DuckDB lands them as fast as integers (code -1 is a missing value)."""
    return pd.Categorical.from_codes(codes, categories=list(labels))
