-- Rule: the per-tier daily metrics add up to the facts, tier by tier: new users with the
-- users landed that day, active users, generations, successes, revenue and cost with
-- fct_generations, sessions with fct_sessions. Window-scoped.
{{ config(meta={'dagster': {'ref': {'name': 'daily_tier_metrics'}}}) }}

with tiers as (
    select * from {{ ref('daily_tier_metrics') }}
    where {{ window_filter('metric_date') }}
),

generations as (
    select
        generation_date as metric_date,
        user_tier,
        count(distinct user_id) as active_users,
        count(*) as generations,
        sum(case when is_success then 1 else 0 end) as successful_generations,
        sum(revenue_usd) as revenue_usd,
        sum(cost_usd) as cost_usd
    from {{ ref('fct_generations') }}
    where {{ window_filter('generation_date') }}
    group by generation_date, user_tier
),

sessions as (
    select session_date as metric_date, user_tier, count(*) as sessions
    from {{ ref('fct_sessions') }}
    where {{ window_filter('session_date') }}
    group by session_date, user_tier
),

signups as (
    select signup_date as metric_date, user_tier, count(*) as new_users
    from {{ ref('stg_users') }}
    where {{ window_filter('signup_date') }}
    group by signup_date, user_tier
),

keys as (
    select metric_date, user_tier from tiers
    union
    select metric_date, user_tier from generations
    union
    select metric_date, user_tier from sessions
    union
    select metric_date, user_tier from signups
)

select
    keys.metric_date,
    keys.user_tier,
    tiers.generations,
    generations.generations as fact_generations,
    tiers.revenue_usd,
    generations.revenue_usd as fact_revenue_usd,
    tiers.sessions,
    sessions.sessions as fact_sessions,
    tiers.new_users,
    signups.new_users as fact_new_users
from keys
left join tiers on keys.metric_date = tiers.metric_date and keys.user_tier = tiers.user_tier
left join generations on keys.metric_date = generations.metric_date and keys.user_tier = generations.user_tier
left join sessions on keys.metric_date = sessions.metric_date and keys.user_tier = sessions.user_tier
left join signups on keys.metric_date = signups.metric_date and keys.user_tier = signups.user_tier
where tiers.metric_date is null
    or tiers.active_users <> coalesce(generations.active_users, 0)
    or tiers.generations <> coalesce(generations.generations, 0)
    or tiers.successful_generations <> coalesce(generations.successful_generations, 0)
    or abs(tiers.revenue_usd - coalesce(generations.revenue_usd, 0)) > 0.000001
    or abs(tiers.cost_usd - coalesce(generations.cost_usd, 0)) > 0.000001
    or tiers.sessions <> coalesce(sessions.sessions, 0)
    or tiers.new_users <> coalesce(signups.new_users, 0)
