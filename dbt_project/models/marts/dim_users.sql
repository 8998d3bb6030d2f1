{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='append',
        pre_hook="{{ forget_users_the_window_changes() }}",
    )
}}

-- One row per user with lifetime activity, summed from fct_user_days (the sessions already
-- summed per user and active day: active days are that table's rows).
-- Incremental by user, not by day: a run rebuilds only the users its window can change, so a
-- day's cost does not grow with the history (a full rebuild summed every user-day of history:
-- 2.2 s of a day at a year at 10x users). The pre-hook first deletes every user the window can
-- change (macros/forget_users_the_window_changes.sql); this model then inserts every user the
-- table lacks, recomputed over the user's whole history, so the result is the full rebuild's
-- whatever order days are run in, as long as dim_users is built for every window that
-- fct_user_days is (one dbt step builds both; a window where dim_users failed or was skipped
-- is repaired by running that window again, as any failed day is, and
-- assert_lifetime_totals_reconcile reports the totals meanwhile). A first build,
-- --full-refresh and Spark (Parquet tables have no delete) rebuild every user.
with users as (
    select * from {{ ref('stg_users') }} as staged
    {% if is_incremental() %}
    where not exists (select 1 from {{ this }} as built where built.user_id = staged.user_id)
    {% endif %}
),

user_days as (
    select * from {{ ref('fct_user_days') }}
    {% if is_incremental() %}
    where user_id in (select user_id from users)
    {% endif %}
),

activity as (
    select
        user_id,
        min(first_session_at)                                       as first_session_at,
        max(last_session_at)                                        as last_session_at,
        min(activity_date)                                          as first_active_date,
        max(activity_date)                                          as last_active_date,
        count(*)                                                    as active_days,
        cast(sum(sessions) as bigint)                               as lifetime_sessions,
        cast(sum(prompts) as bigint)                                as lifetime_prompts,
        cast(sum(generations) as bigint)                            as lifetime_generations,
        cast(sum(successful_generations) as bigint)                 as lifetime_successful_generations,
        sum(revenue_usd)                                            as lifetime_revenue_usd,
        sum(cost_usd)                                               as lifetime_cost_usd,
        -- the mean over sessions with generations: the days' exact sums over their counts
        -- (null when there is none)
        {{ ratio('sum(friction_score_sum_with_generations)', 'sum(sessions_with_generations)') }}
                                                                    as avg_friction_score
    from user_days
    group by user_id
),

final as (
    select
        users.user_id,
        users.user_tier,
        users.country,
        users.acquisition_channel,
        users.signup_at,
        users.signup_date,
        activity.first_session_at,
        activity.last_session_at,
        activity.first_active_date,
        activity.last_active_date,
        -- an int on Spark, a bigint on DuckDB: one type for the contract
        cast({{ dbt.datediff('users.signup_date', 'activity.first_active_date', 'day') }} as bigint)
                                                                    as days_to_first_session,
        coalesce(activity.active_days, 0)                           as active_days,
        coalesce(activity.lifetime_sessions, 0)                     as lifetime_sessions,
        coalesce(activity.lifetime_prompts, 0)                      as lifetime_prompts,
        coalesce(activity.lifetime_generations, 0)                  as lifetime_generations,
        coalesce(activity.lifetime_successful_generations, 0)       as lifetime_successful_generations,
        {{ money('coalesce(activity.lifetime_revenue_usd, 0)') }} as lifetime_revenue_usd,
        {{ money('coalesce(activity.lifetime_cost_usd, 0)') }} as lifetime_cost_usd,
        {{ percent('activity.lifetime_successful_generations', 'activity.lifetime_generations') }}
                                                                    as lifetime_success_rate_pct,
        {{ round_half_up('activity.avg_friction_score', 2) }} as avg_friction_score,
        coalesce(activity.lifetime_generations, 0) > 0              as is_activated
    from users
    left join activity on users.user_id = activity.user_id
)

select * from final
