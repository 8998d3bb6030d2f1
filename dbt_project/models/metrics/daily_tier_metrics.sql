{{
    config(
        materialized='incremental',
        meta={'partition_column': 'metric_date'},
        **incremental_by_day('metric_date'),
    )
}}

-- One row per day x user tier with activity or signups that day: who brings the usage and
-- the revenue.
with new_users as (
    select signup_date as metric_date, user_tier, count(*) as new_users
    from {{ ref('stg_users') }}
    where {{ partition_window('signup_date') }}
    group by signup_date, user_tier
),

generation_stats as (
    select
        generation_date                                              as metric_date,
        user_tier,
        count(distinct user_id)                                      as active_users,
        count(*)                                                     as generations,
        count(case when is_success then 1 end)                       as successful_generations,
        sum(revenue_usd)                                             as revenue_usd,
        sum(cost_usd)                                                as cost_usd
    from {{ ref('fct_generations') }}
    where {{ partition_window('generation_date') }}
    group by generation_date, user_tier
),

session_stats as (
    select
        session_date                                                 as metric_date,
        user_tier,
        count(*)                                                     as sessions,
        avg(case when has_generations then friction_score end)       as avg_friction_score
    from {{ ref('fct_sessions') }}
    where {{ partition_window('session_date') }}
    group by session_date, user_tier
),

keys as (
    select metric_date, user_tier from new_users
    union
    select metric_date, user_tier from generation_stats
    union
    select metric_date, user_tier from session_stats
),

final as (
    select
        keys.metric_date,
        keys.user_tier,
        coalesce(n.new_users, 0)                                     as new_users,
        coalesce(g.active_users, 0)                                  as active_users,
        coalesce(s.sessions, 0)                                      as sessions,
        coalesce(g.generations, 0)                                   as generations,
        coalesce(g.successful_generations, 0)                        as successful_generations,
        {{ percent('g.successful_generations', 'g.generations') }} as success_rate_pct,
        {{ money('coalesce(g.revenue_usd, 0)') }} as revenue_usd,
        {{ money('coalesce(g.cost_usd, 0)') }} as cost_usd,
        {{ round_half_up(ratio('g.revenue_usd', 'g.active_users'), 4) }} as revenue_per_active_user_usd,
        {{ round_half_up('s.avg_friction_score', 2) }} as avg_friction_score
    from keys
    left join new_users as n
        on keys.metric_date = n.metric_date and keys.user_tier = n.user_tier
    left join generation_stats as g
        on keys.metric_date = g.metric_date and keys.user_tier = g.user_tier
    left join session_stats as s
        on keys.metric_date = s.metric_date and keys.user_tier = s.user_tier
)

select * from final
