-- Rule: money and volume are conserved from sessions to users: over the whole history, the
-- users' lifetime sessions, generations, revenue and cost add up to fct_sessions' totals.
-- A session of a user missing from dim_users, or a user counted twice, breaks it.
{{ config(meta={'dagster': {'ref': {'name': 'dim_users'}}}) }}

with users as (
    select
        sum(lifetime_sessions) as sessions,
        sum(lifetime_generations) as generations,
        sum(lifetime_revenue_usd) as revenue_usd,
        sum(lifetime_cost_usd) as cost_usd
    from {{ ref('dim_users') }}
),

sessions as (
    select
        count(*) as sessions,
        sum(generation_count) as generations,
        sum(revenue_usd) as revenue_usd,
        sum(cost_usd) as cost_usd
    from {{ ref('fct_sessions') }}
)

select
    users.sessions as user_sessions,
    sessions.sessions as fact_sessions,
    users.generations as user_generations,
    sessions.generations as fact_generations,
    users.revenue_usd as user_revenue_usd,
    sessions.revenue_usd as fact_revenue_usd
from users
cross join sessions
where coalesce(users.sessions, 0) <> coalesce(sessions.sessions, 0)
    or coalesce(users.generations, 0) <> coalesce(sessions.generations, 0)
    or abs(coalesce(users.revenue_usd, 0) - coalesce(sessions.revenue_usd, 0)) > 0.000001
    or abs(coalesce(users.cost_usd, 0) - coalesce(sessions.cost_usd, 0)) > 0.000001
