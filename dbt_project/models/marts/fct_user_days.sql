{{
    config(
        materialized='incremental',
        meta={'partition_column': 'activity_date'},
        **incremental_by_day('activity_date'),
    )
}}

-- One row per user and active day (a day with at least one session): the day's session sums.
-- dim_users adds these up instead of re-aggregating every session of history: a user-day is
-- counted once here, so active days become a count(*) downstream, not a count(distinct) over
-- all sessions, and a day's run reads only its own sessions.
with sessions as (
    select * from {{ ref('fct_sessions') }}
    where {{ partition_window('session_date') }}
),

aggregated as (
    select
        user_id,
        session_date                                               as activity_date,
        count(*)                                                   as sessions,
        cast(sum(prompt_count) as bigint)                          as prompts,
        cast(sum(generation_count) as bigint)                      as generations,
        cast(sum(successful_generations) as bigint)                as successful_generations,
        sum(revenue_usd)                                           as revenue_usd,
        sum(cost_usd)                                              as cost_usd,
        min(session_start)                                         as first_session_at,
        max(session_start)                                         as last_session_at,
        -- the lifetime average friction is over sessions with generations only: their sum and
        -- count (not a daily average) add up across days to exactly that mean
        count(case when has_generations then 1 end)                as sessions_with_generations,
        sum(case when has_generations then friction_score end)     as friction_score_sum_with_generations
    from sessions
    group by user_id, session_date
),

final as (
    select
        user_id,
        activity_date,
        sessions,
        prompts,
        generations,
        successful_generations,
        {{ money('revenue_usd') }}                             as revenue_usd,
        {{ money('cost_usd') }}                                as cost_usd,
        first_session_at,
        last_session_at,
        sessions_with_generations,
        -- 0, not null, on a day without generations, so the sums add up; exact (a decimal of
        -- friction_score's 2 places), one type on DuckDB (38, 2) and Spark (15, 2)
        cast(coalesce(friction_score_sum_with_generations, 0) as decimal(38, 2))
                                                                   as friction_score_sum_with_generations
    from aggregated
)

select * from final
