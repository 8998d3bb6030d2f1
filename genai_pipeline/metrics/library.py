"""The backfill metrics: SQL over the marts, one vectorized query per run window.

Each query reads only ``marts.*``, takes the window as ``$start``/``$end`` (end exclusive)
and its constants as bound parameters, and returns one row per (entity id, metric_date).
Values are computed row by row in a fixed order (or in DECIMAL), so the same day gives
byte-identical rows whether it runs alone or inside a year-long backfill.
"""

import duckdb

from genai_pipeline.metrics.spec import Column, MetricWindow, backfill_metric

# Risky keywords and their weights (probability-like: how strongly the word alone signals a
# prompt to review). Whole words only, case-insensitive; see simulation/prompts.py.
TOXIC_KEYWORDS: dict[str, float] = {
    "hateful": 0.9,
    "hate": 0.8,
    "nude": 0.8,
    "naked": 0.8,
    "gore": 0.8,
    "kill": 0.8,
    "bloody": 0.7,
    "blood": 0.6,
    "violent": 0.7,
    "violence": 0.7,
    "gun": 0.6,
    "weapon": 0.6,
    "rifle": 0.6,
    "mob": 0.3,
    "explosion": 0.3,
    "battlefield": 0.3,
    "duel": 0.2,
}
# LTV weights revenue to date by the tier's expected future value: paying tiers churn less.
TIER_VALUE_MULTIPLIER: dict[str, float] = {"free": 1.0, "pro": 1.5, "enterprise": 2.0}
# The media types' generation timeouts, as in dbt_project.yml's var latency_budget_ms.
LATENCY_BUDGET_MS: dict[str, int] = {"image": 30_000, "video": 180_000}
# Sessions reach full prompt / generation depth at this many (5 = the daily generation cap).
ENGAGEMENT_DEPTH_TARGET = 5
QUALITY_FLAGS = ("excellent", "good", "acceptable", "poor", "failed")


@backfill_metric(
    entity="prompt_id",
    reads=["dim_prompts"],
    columns={
        "toxicity_score": Column(
            "DECIMAL(5, 4)",
            "1 - prod(1 - weight) over the distinct risky keywords in the prompt (noisy-OR), in [0, 1]; 0 when none",
            min=0,
            max=1,
        ),
        "matched_keywords": Column("VARCHAR[]", "the distinct risky keywords found, sorted (empty when none)"),
    },
    expected="select prompt_id, prompt_date from marts.dim_prompts where prompt_date >= $start and prompt_date < $end",
)
def prompt_toxicity(conn: duckdb.DuckDBPyConnection, window: MetricWindow) -> duckdb.DuckDBPyRelation:
    """Keyword-based toxicity of each prompt, by prompt day: a score in [0, 1].

    The prompt is split into lower-case words ([a-z]+, so "gunther" is not "gun"); each
    distinct risky keyword has a weight w, and the score is 1 - prod(1 - w): one word scores
    its weight, more words push the score towards 1 without ever leaving [0, 1]. A prompt
    without risky words (or without text) scores 0.
    """
    return conn.sql(
        """
        with prompts as (
            select prompt_id, prompt_date,
                   list_sort(list_distinct(list_filter(
                       regexp_extract_all(lower(coalesce(prompt_text, '')), '[a-z]+'),
                       lambda word: list_contains($words, word)))) as matched
            from marts.dim_prompts
            where prompt_date >= $start and prompt_date < $end
        )
        select prompt_id, prompt_date as metric_date,
               cast(round(1 - list_reduce(
                   matched, lambda kept, word: kept * (1 - $weights[list_position($words, word)]), 1.0
               ), 4) as decimal(5, 4)) as toxicity_score,
               cast(matched as varchar[]) as matched_keywords
        from prompts
        """,
        params={**window.params, "words": list(TOXIC_KEYWORDS), "weights": list(TOXIC_KEYWORDS.values())},
    )


@backfill_metric(
    entity="user_id",
    reads=["dim_users", "fct_sessions"],
    columns={
        "user_tier": Column("VARCHAR", "the user's tier", values=tuple(TIER_VALUE_MULTIPLIER)),
        "cumulative_revenue_usd": Column(
            "DECIMAL(18, 6)", "revenue from the user's sessions up to and including the day", min=0
        ),
        "lifetime_value_usd": Column(
            "DECIMAL(18, 6)", "cumulative_revenue_usd * tier multiplier (free 1.0, pro 1.5, enterprise 2.0)", min=0
        ),
    },
    expected="select user_id, day from marts.dim_users, "
    "(select cast(range as date) as day from range(cast($start as timestamp), cast($end as timestamp), interval 1 day)) "
    "where signup_date <= day",
)
def user_lifetime_value(conn: duckdb.DuckDBPyConnection, window: MetricWindow) -> duckdb.DuckDBPyRelation:
    """Lifetime value of each user as of each day: a daily snapshot, so history can be backfilled.

    One row per user and day from the signup day on: the revenue of the user's sessions up
    to and including that day, times the tier multiplier (free 1.0, pro 1.5, enterprise 2.0).
    Only data up to the day is read, so a day's snapshot is the same whenever it is computed.
    Money is DECIMAL: the running sums do not depend on row order.
    """
    return conn.sql(
        """
        with days as (
            select cast(range as date) as metric_date
            from range(cast($start as timestamp), cast($end as timestamp), interval 1 day)
        ),
        tiers as (select unnest($tiers) as user_tier, cast(unnest($multipliers) as decimal(6, 3)) as multiplier),
        users as (
            select user_id, user_tier, signup_date from marts.dim_users where signup_date < $end
        ),
        before_window as (
            select user_id, sum(revenue_usd) as revenue from marts.fct_sessions
            where session_date < $start group by user_id
        ),
        in_window as (
            select user_id, session_date as metric_date, sum(revenue_usd) as revenue from marts.fct_sessions
            where session_date >= $start and session_date < $end group by all
        ),
        running as (
            select users.user_id, days.metric_date, users.user_tier,
                   coalesce(before_window.revenue, 0) + sum(coalesce(in_window.revenue, 0)) over (
                       partition by users.user_id order by days.metric_date rows unbounded preceding
                   ) as revenue
            from users
            join days on users.signup_date <= days.metric_date
            left join before_window on before_window.user_id = users.user_id
            left join in_window on in_window.user_id = users.user_id and in_window.metric_date = days.metric_date
        )
        select running.user_id, running.metric_date, running.user_tier,
               cast(running.revenue as decimal(18, 6)) as cumulative_revenue_usd,
               cast(running.revenue * tiers.multiplier as decimal(18, 6)) as lifetime_value_usd
        from running left join tiers using (user_tier)
        """,
        params={
            **window.params,
            "tiers": list(TIER_VALUE_MULTIPLIER),
            "multipliers": list(TIER_VALUE_MULTIPLIER.values()),
        },
    )


@backfill_metric(
    entity="session_id",
    reads=["fct_sessions"],
    columns={
        "engagement_score": Column(
            "DECIMAL(5, 2)",
            "30 * download rate + 30 * thumbs-up rate + 20 * prompt depth + 20 * generation depth, in [0, 100]",
            min=0,
            max=100,
        ),
    },
    expected="select session_id, session_date from marts.fct_sessions "
    "where session_date >= $start and session_date < $end",
)
def session_engagement_score(conn: duckdb.DuckDBPyConnection, window: MetricWindow) -> duckdb.DuckDBPyRelation:
    """How engaged each session was, by session day: a score in [0, 100], higher = more engaged.

    30 * downloads / generations + 30 * thumbs_up / generations
    + 20 * min(prompts / 5, 1) + 20 * min(generations / 5, 1).
    Each term is in [0, 1] and the weights sum to 100, so no rescaling. Rates with no
    generations count as 0: a session without generations scores only its prompt depth.
    """
    return conn.sql(
        """
        select session_id, session_date as metric_date,
               cast(round(
                   30 * least(1.0, coalesce(download_count / nullif(generation_count, 0), 0))
                 + 30 * least(1.0, coalesce(thumbs_up_count / nullif(generation_count, 0), 0))
                 + 20 * least(1.0, greatest(0, prompt_count) / $target)
                 + 20 * least(1.0, greatest(0, generation_count) / $target), 2) as decimal(5, 2)) as engagement_score
        from marts.fct_sessions
        where session_date >= $start and session_date < $end
        """,
        params={**window.params, "target": float(ENGAGEMENT_DEPTH_TARGET)},
    )


@backfill_metric(
    entity="generation_id",
    reads=["fct_generations"],
    columns={
        "quality_flag": Column("VARCHAR", "excellent | good | acceptable | poor | failed", values=QUALITY_FLAGS),
        "latency_share": Column(
            "DECIMAL(7, 4)", "latency_ms / the media type's timeout budget; null when unknown", min=0, nullable=True
        ),
    },
    expected="select generation_id, generation_date from marts.fct_generations "
    "where generation_date >= $start and generation_date < $end",
)
def generation_quality_flag(conn: duckdb.DuckDBPyConnection, window: MetricWindow) -> duckdb.DuckDBPyRelation:
    """Quality of each generation, by generation day, from status, latency and feedback.

    With share = latency_ms / the media type's timeout (image 30 s, video 180 s), the first
    rule that holds wins:
      failed      status is not success (failed, timeout, moderated);
      poor        thumbs down, or share > 0.75 (the user waited most of the timeout);
      excellent   thumbs up and share <= 0.5;
      good        share <= 0.25 (fast, no complaint), or thumbs up (slower);
      acceptable  the rest: succeeded, no complaint, share in (0.25, 0.75] or unknown latency.
    """
    return conn.sql(
        """
        with shares as (
            select generation_id, generation_date, status, feedback,
                   latency_ms / $budgets[list_position($media, media_type)] as share
            from marts.fct_generations
            where generation_date >= $start and generation_date < $end
        )
        select generation_id, generation_date as metric_date,
               case
                   when status is distinct from 'success' then 'failed'
                   when feedback = 'thumbs_down' or share > 0.75 then 'poor'
                   when feedback = 'thumbs_up' and share <= 0.5 then 'excellent'
                   when share <= 0.25 or feedback = 'thumbs_up' then 'good'
                   else 'acceptable'
               end as quality_flag,
               cast(round(share, 4) as decimal(7, 4)) as latency_share
        from shares
        """,
        params={
            **window.params,
            "media": list(LATENCY_BUDGET_MS),
            "budgets": [float(v) for v in LATENCY_BUDGET_MS.values()],
        },
    )
