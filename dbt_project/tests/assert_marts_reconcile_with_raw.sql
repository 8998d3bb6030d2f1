-- Rule: the marts account for every raw row of the day, and for every cent: per day, the
-- raw generations (count, revenue, cost) equal fct_generations' and the sums over
-- fct_sessions; the raw sessions equal fct_sessions; the raw prompts equal dim_prompts. A
-- generation whose session is missing from the day, a join that drops or repeats rows, or a
-- day rebuilt in one model and not another all break it. Window-scoped.
{{ config(meta={'dagster': {'ref': {'name': 'fct_generations'}}}) }}

with raw_generations as (
    select
        partition_date as metric_date,
        count(*) as generations,
        sum(cast(revenue_usd as decimal(18, 8))) as revenue_usd,
        sum(cast(cost_usd as decimal(18, 8))) as cost_usd
    from {{ source('raw', 'generations') }}
    where {{ window_filter('partition_date') }}
    group by partition_date
),

raw_sessions as (
    select partition_date as metric_date, count(*) as sessions
    from {{ source('raw', 'sessions') }}
    where {{ window_filter('partition_date') }}
    group by partition_date
),

raw_prompts as (
    select partition_date as metric_date, count(*) as prompts
    from {{ source('raw', 'prompts') }}
    where {{ window_filter('partition_date') }}
    group by partition_date
),

fact_generations as (
    select
        generation_date as metric_date,
        count(*) as generations,
        sum(revenue_usd) as revenue_usd,
        sum(cost_usd) as cost_usd
    from {{ ref('fct_generations') }}
    where {{ window_filter('generation_date') }}
    group by generation_date
),

fact_sessions as (
    select
        session_date as metric_date,
        count(*) as sessions,
        sum(generation_count) as generations,
        sum(revenue_usd) as revenue_usd,
        sum(cost_usd) as cost_usd
    from {{ ref('fct_sessions') }}
    where {{ window_filter('session_date') }}
    group by session_date
),

dim_prompt_days as (
    select prompt_date as metric_date, count(*) as prompts
    from {{ ref('dim_prompts') }}
    where {{ window_filter('prompt_date') }}
    group by prompt_date
),

days as (
    select metric_date from raw_generations
    union
    select metric_date from raw_sessions
    union
    select metric_date from raw_prompts
    union
    select metric_date from fact_generations
    union
    select metric_date from fact_sessions
),

compared as (
    select
        days.metric_date,
        coalesce(rg.generations, 0) as raw_generations,
        coalesce(fg.generations, 0) as fact_generations,
        coalesce(fs.generations, 0) as session_generations,
        coalesce(rg.revenue_usd, 0) as raw_revenue_usd,
        coalesce(fg.revenue_usd, 0) as fact_revenue_usd,
        coalesce(fs.revenue_usd, 0) as session_revenue_usd,
        coalesce(rg.cost_usd, 0) as raw_cost_usd,
        coalesce(fg.cost_usd, 0) as fact_cost_usd,
        coalesce(fs.cost_usd, 0) as session_cost_usd,
        coalesce(rs.sessions, 0) as raw_sessions,
        coalesce(fs.sessions, 0) as fact_sessions,
        coalesce(rp.prompts, 0) as raw_prompts,
        coalesce(dp.prompts, 0) as dim_prompts
    from days
    left join raw_generations as rg on days.metric_date = rg.metric_date
    left join fact_generations as fg on days.metric_date = fg.metric_date
    left join fact_sessions as fs on days.metric_date = fs.metric_date
    left join raw_sessions as rs on days.metric_date = rs.metric_date
    left join raw_prompts as rp on days.metric_date = rp.metric_date
    left join dim_prompt_days as dp on days.metric_date = dp.metric_date
)

select *
from compared
where raw_generations <> fact_generations
    or raw_generations <> session_generations
    or abs(raw_revenue_usd - fact_revenue_usd) > 0.000001
    or abs(raw_revenue_usd - session_revenue_usd) > 0.000001
    or abs(raw_cost_usd - fact_cost_usd) > 0.000001
    or abs(raw_cost_usd - session_cost_usd) > 0.000001
    or raw_sessions <> fact_sessions
    or raw_prompts <> dim_prompts
