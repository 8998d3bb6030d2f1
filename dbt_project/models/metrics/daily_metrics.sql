{{
    config(
        materialized='incremental',
        meta={'partition_column': 'metric_date'},
        **incremental_by_day('metric_date'),
    )
}}

-- One row per day: the product's headline KPIs.
with users as (
    select user_id, user_tier, signup_date from {{ ref('stg_users') }}
),

generations as (
    select * from {{ ref('fct_generations') }}
    where {{ partition_window('generation_date') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
    where {{ partition_window('session_date') }}
),

-- a day exists as soon as anything landed on it, so a day with signups but no activity still
-- gets its (zero) row and the series has no holes
days as (
    select signup_date as metric_date from users where {{ partition_window('signup_date') }}
    union
    select session_date from sessions
    union
    select generation_date from generations
),

signups as (
    select
        signup_days.metric_date,
        count(users.user_id)                                         as new_users
    from (
        select metric_date from days
        union
        select signed_up.signup_date from users as signed_up
    ) as signup_days
    left join users on signup_days.metric_date = users.signup_date
    group by signup_days.metric_date
),

cumulative_signups as (
    -- running total over all history (users is small), then kept for the window days only
    select
        metric_date,
        new_users,
        cast(
            sum(new_users) over (order by metric_date rows between unbounded preceding and current row) as bigint
        )                                                            as total_users
    from signups
),

generation_stats as (
    select
        generation_date                                              as metric_date,
        count(distinct user_id)                                      as active_users,
        count(distinct case when user_tier = 'free' then user_id end)       as active_free_users,
        count(distinct case when user_tier = 'pro' then user_id end)        as active_pro_users,
        count(distinct case when user_tier = 'enterprise' then user_id end) as active_enterprise_users,
        count(*)                                                     as generations,
        count(case when is_success then 1 end)                       as successful_generations,
        count(case when not is_success then 1 end)                   as unsuccessful_generations,
        count(case when is_retry then 1 end)                         as retries,
        sum(revenue_usd)                                             as revenue_usd,
        sum(cost_usd)                                                as cost_usd,
        avg(latency_ms)                                              as avg_latency_ms,
        count(case when is_downloaded then 1 end)                    as downloads,
        count(case when feedback = 'thumbs_up' then 1 end)           as thumbs_up,
        count(case when feedback = 'thumbs_down' then 1 end)         as thumbs_down
    from generations
    group by generation_date
),

session_stats as (
    select
        session_date                                                 as metric_date,
        count(*)                                                     as sessions,
        cast(sum(prompt_count) as bigint)                           as prompts,
        -- sessions without generations have no friction to speak of: averaged over the rest
        avg(case when has_generations then friction_score end)       as avg_friction_score
    from sessions
    group by session_date
),

final as (
    select
        days.metric_date,
        cumulative_signups.new_users,
        cumulative_signups.total_users,
        coalesce(g.active_users, 0)                                  as active_users,
        coalesce(s.sessions, 0)                                      as sessions,
        coalesce(s.prompts, 0)                                       as prompts,
        coalesce(g.generations, 0)                                   as generations,
        coalesce(g.successful_generations, 0)                        as successful_generations,
        coalesce(g.unsuccessful_generations, 0)                      as unsuccessful_generations,
        coalesce(g.retries, 0)                                       as retries,
        {{ percent('g.successful_generations', 'g.generations') }} as success_rate_pct,
        {{ money('coalesce(g.revenue_usd, 0)') }} as revenue_usd,
        {{ money('coalesce(g.cost_usd, 0)') }} as cost_usd,
        {{ money('coalesce(g.revenue_usd, 0) - coalesce(g.cost_usd, 0)') }} as margin_usd,
        {{ round_half_up(ratio('g.revenue_usd', 'g.active_users'), 4) }} as revenue_per_active_user_usd,
        {{ round_half_up('g.avg_latency_ms', 1) }} as avg_latency_ms,
        {{ round_half_up('s.avg_friction_score', 2) }} as avg_friction_score,
        coalesce(g.downloads, 0)                                     as downloads,
        coalesce(g.thumbs_up, 0)                                     as thumbs_up,
        coalesce(g.thumbs_down, 0)                                   as thumbs_down,
        -- tier mix of the day's active users (shares in [0, 1], null on a day without any)
        {{ ratio('g.active_free_users', 'g.active_users') }} as free_share,
        {{ ratio('g.active_pro_users', 'g.active_users') }} as pro_share,
        {{ ratio('g.active_enterprise_users', 'g.active_users') }} as enterprise_share
    from days
    inner join cumulative_signups on days.metric_date = cumulative_signups.metric_date
    left join generation_stats as g on days.metric_date = g.metric_date
    left join session_stats as s on days.metric_date = s.metric_date
)

select * from final
