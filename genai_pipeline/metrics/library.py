"""The backfill metrics: SQL over the marts, one vectorized query per run window.

Each query reads only ``marts.*``, takes the window as ``$start``/``$end`` (end exclusive)
and its constants as bound parameters, and returns one row per (entity id, metric_date).
Values are computed row by row in a fixed order (or in DECIMAL), so the same day gives
byte-identical rows whether it runs alone or inside a year-long backfill.

The SQL is written once for DuckDB and Spark (transform/sql_engine.py binds the parameters per
engine): no lambdas (DuckDB and Spark spell them differently), no table functions (range,
unnest vs explode), no GROUP BY ALL in the metric queries; a list parameter is a DuckDB list or
a Spark array(); rounding goes through DECIMAL(38, 9) (DuckDB rounds a double's binary value,
Spark its decimal form, so 1.00005 would round apart).
"""

from typing import Any

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


def _window_days() -> str:
    """The window's days, ``$start <= metric_date < $end``, as portable SQL: up to 10,000 days
    from four digit tables (no range()/sequence(), which differ per engine)."""
    digits = "(select * from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as d(n))"
    offset = "ones.n + 10 * tens.n + 100 * hundreds.n + 1000 * thousands.n"
    return (
        f"select date_add($start, {offset}) as metric_date "
        f"from {digits} ones cross join {digits} tens cross join {digits} hundreds cross join {digits} thousands "
        f"where date_add($start, {offset}) < $end"
    )


WINDOW_DAYS_SQL = _window_days()


def _numbered(prefix: str, values: list[Any]) -> dict[str, Any]:
    return {f"{prefix}_{i}": value for i, value in enumerate(values)}


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
def prompt_toxicity(conn: Any, window: MetricWindow) -> Any:
    """Keyword-based toxicity of each prompt, by prompt day: a score in [0, 1].

    The prompt is split into lower-case words ([a-z]+, so "gunther" is not "gun"); each
    distinct risky keyword has a weight w, and the score is 1 - prod(1 - w): one word scores
    its weight, more words push the score towards 1 without ever leaving [0, 1]. A prompt
    without risky words (or without text) scores 0.
    """
    # The product in the keywords' sorted order (a factor 1.0 where a keyword is absent is exact).
    words = sorted(TOXIC_KEYWORDS)
    factors = " * ".join(
        f"(case when array_contains(matched, $word_{i}) then 1 - $weight_{i} else cast(1 as double) end)"
        for i in range(len(words))
    )
    return conn.sql(
        f"""
        with prompts as (
            select prompt_id, prompt_date,
                   array_sort(array_intersect(
                       regexp_extract_all(lower(coalesce(prompt_text, '')), '([a-z]+)', 1), $words
                   )) as matched
            from marts.dim_prompts
            where prompt_date >= $start and prompt_date < $end
        )
        select prompt_id, prompt_date as metric_date,
               cast(round(cast(1 - {factors} as decimal(38, 9)), 4) as decimal(5, 4)) as toxicity_score,
               matched as matched_keywords
        from prompts
        """,
        params={
            **window.params,
            "words": words,
            **_numbered("word", words),
            **_numbered("weight", [TOXIC_KEYWORDS[w] for w in words]),
        },
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
    expected=f"select user_id, days.metric_date from marts.dim_users join ({WINDOW_DAYS_SQL}) days "
    "on signup_date <= days.metric_date",
)
def user_lifetime_value(conn: Any, window: MetricWindow) -> Any:
    """Lifetime value of each user as of each day: a daily snapshot, so history can be backfilled.

    One row per user and day from the signup day on: the revenue of the user's sessions up
    to and including that day, times the tier multiplier (free 1.0, pro 1.5, enterprise 2.0).
    Only data up to the day is read, so a day's snapshot is the same whenever it is computed.
    Money is DECIMAL: the running sums do not depend on row order. The sums are cast to
    DECIMAL(28, 8) before they are added: Spark widens a sum to DECIMAL(38, 8), and the sum of
    two of those loses a digit of scale (a second rounding DuckDB does not do).
    """
    tiers = list(TIER_VALUE_MULTIPLIER)
    tier_rows = ", ".join(f"($tier_{i}, $multiplier_{i})" for i in range(len(tiers)))
    return conn.sql(
        f"""
        with days as ({WINDOW_DAYS_SQL}),
        tiers as (
            select user_tier, cast(multiplier as decimal(6, 3)) as multiplier
            from (values {tier_rows}) as t(user_tier, multiplier)
        ),
        users as (
            select user_id, user_tier, signup_date from marts.dim_users where signup_date < $end
        ),
        before_window as (
            select user_id, cast(sum(revenue_usd) as decimal(28, 8)) as revenue from marts.fct_sessions
            where session_date < $start group by user_id
        ),
        in_window as (
            select user_id, session_date as metric_date, cast(sum(revenue_usd) as decimal(28, 8)) as revenue
            from marts.fct_sessions
            where session_date >= $start and session_date < $end group by user_id, session_date
        ),
        running as (
            select users.user_id, days.metric_date, users.user_tier,
                   coalesce(before_window.revenue, 0) + cast(sum(coalesce(in_window.revenue, 0)) over (
                       partition by users.user_id order by days.metric_date
                       rows between unbounded preceding and current row
                   ) as decimal(28, 8)) as revenue
            from users
            join days on users.signup_date <= days.metric_date
            left join before_window on before_window.user_id = users.user_id
            left join in_window on in_window.user_id = users.user_id and in_window.metric_date = days.metric_date
        )
        select running.user_id, running.metric_date, running.user_tier,
               cast(running.revenue as decimal(18, 6)) as cumulative_revenue_usd,
               cast(running.revenue * tiers.multiplier as decimal(18, 6)) as lifetime_value_usd
        from running left join tiers on tiers.user_tier = running.user_tier
        """,
        params={
            **window.params,
            **_numbered("tier", tiers),
            **_numbered("multiplier", [TIER_VALUE_MULTIPLIER[t] for t in tiers]),
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
def session_engagement_score(conn: Any, window: MetricWindow) -> Any:
    """How engaged each session was, by session day: a score in [0, 100], higher = more engaged.

    30 * downloads / generations + 30 * thumbs_up / generations
    + 20 * min(prompts / 5, 1) + 20 * min(generations / 5, 1).
    Each term is in [0, 1] and the weights sum to 100, so no rescaling. Rates with no
    generations count as 0: a session without generations scores only its prompt depth.
    """
    return conn.sql(
        """
        select session_id, session_date as metric_date,
               cast(round(cast(
                   30 * least(1.0, coalesce(cast(download_count as double) / nullif(generation_count, 0), 0))
                 + 30 * least(1.0, coalesce(cast(thumbs_up_count as double) / nullif(generation_count, 0), 0))
                 + 20 * least(1.0, greatest(0, prompt_count) / $target)
                 + 20 * least(1.0, greatest(0, generation_count) / $target)
               as decimal(38, 9)), 2) as decimal(5, 2)) as engagement_score
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
def generation_quality_flag(conn: Any, window: MetricWindow) -> Any:
    """Quality of each generation, by generation day, from status, latency and feedback.

    With share = latency_ms / the media type's timeout (image 30 s, video 180 s), the first
    rule that holds wins:
      failed      status is not success (failed, timeout, moderated);
      poor        thumbs down, or share > 0.75 (the user waited most of the timeout);
      excellent   thumbs up and share <= 0.5;
      good        share <= 0.25 (fast, no complaint), or thumbs up (slower);
      acceptable  the rest: succeeded, no complaint, share in (0.25, 0.75] or unknown latency.
    """
    media = list(LATENCY_BUDGET_MS)
    budget = " ".join(f"when $media_{i} then $budget_{i}" for i in range(len(media)))
    return conn.sql(
        f"""
        with shares as (
            select generation_id, generation_date, status, feedback,
                   latency_ms / (case media_type {budget} end) as share
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
               cast(round(cast(share as decimal(38, 9)), 4) as decimal(7, 4)) as latency_share
        from shares
        """,
        params={
            **window.params,
            **_numbered("media", media),
            **_numbered("budget", [float(LATENCY_BUDGET_MS[m]) for m in media]),
        },
    )
