-- Rule: daily_metrics agrees with the facts it summarises, day by day: generations,
-- successes, revenue and cost with fct_generations, sessions with fct_sessions, new users with
-- the users landed that day. A mismatch means a day was rebuilt in one model and not the other
-- (a partial run) or an aggregation drifted. Window-scoped.
{{ config(meta={'dagster': {'ref': {'name': 'daily_metrics'}}}) }}

with daily as (
    select * from {{ ref('daily_metrics') }}
    where {{ window_filter('metric_date') }}
),

generations as (
    select
        generation_date as metric_date,
        count(*) as generations,
        sum(case when is_success then 1 else 0 end) as successful_generations,
        sum(revenue_usd) as revenue_usd,
        sum(cost_usd) as cost_usd
    from {{ ref('fct_generations') }}
    where {{ window_filter('generation_date') }}
    group by generation_date
),

sessions as (
    select session_date as metric_date, count(*) as sessions
    from {{ ref('fct_sessions') }}
    where {{ window_filter('session_date') }}
    group by session_date
),

signups as (
    select signup_date as metric_date, count(*) as new_users
    from {{ ref('stg_users') }}
    where {{ window_filter('signup_date') }}
    group by signup_date
)

select
    daily.metric_date,
    daily.generations, generations.generations as fact_generations,
    daily.successful_generations, generations.successful_generations as fact_successful_generations,
    daily.revenue_usd, generations.revenue_usd as fact_revenue_usd,
    daily.sessions, sessions.sessions as fact_sessions,
    daily.new_users, signups.new_users as fact_new_users
from daily
left join generations on daily.metric_date = generations.metric_date
left join sessions on daily.metric_date = sessions.metric_date
left join signups on daily.metric_date = signups.metric_date
where daily.generations <> coalesce(generations.generations, 0)
   or daily.successful_generations <> coalesce(generations.successful_generations, 0)
   or abs(daily.revenue_usd - coalesce(generations.revenue_usd, 0)) > 0.000001
   or abs(daily.cost_usd - coalesce(generations.cost_usd, 0)) > 0.000001
   or daily.sessions <> coalesce(sessions.sessions, 0)
   or daily.new_users <> coalesce(signups.new_users, 0)
