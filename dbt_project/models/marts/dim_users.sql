{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='delete+insert',
        unique_key='user_id',
        on_schema_change='append_new_columns',
        pre_hook="{{ forget_users_the_window_changes() }}",
    )
}}

-- One row per user with lifetime activity, summed from fct_user_days (the sessions already
-- summed per user and active day: active days are that table's rows).
-- Incremental by user, not by day, so a day's cost follows its active users, not the history
-- (a full rebuild summed every user-day of history: 2.2 s of a day at a year at 10x users).
-- The pre-hook deletes every stored row whose days meet the window or whose user is landed in
-- it (macros/forget_users_the_window_changes.sql); the users the table then lacks are summed
-- over their whole history. A user still stored who is active in the window has a row made of
-- days outside it only: the window's days are added to that row (every lifetime column is a
-- sum, a min or a max; the friction mean is kept as its sum and count). The result is the full
-- rebuild's whatever order days are run in, as long as dim_users is built for every window
-- that fct_user_days is (one dbt step builds both; a window where dim_users failed or was
-- skipped is repaired by running that window again, as any failed day is, and
-- assert_lifetime_totals_reconcile reports the totals meanwhile). A first build,
-- --full-refresh, Spark (Parquet tables have no delete) and a table built before it kept the
-- friction sums (macros/forget_users_the_window_changes.sql) sum every user's days.
{%- set day_columns -%}
    user_id,
    activity_date                                                   as first_active_date,
    activity_date                                                   as last_active_date,
    1                                                               as active_days,
    sessions, prompts, generations, successful_generations, revenue_usd, cost_usd,
    first_session_at, last_session_at, sessions_with_generations, friction_score_sum_with_generations
{%- endset %}

{% if is_incremental() and dim_users_keeps_its_sums() %}
with window_days as (
    select * from {{ ref('fct_user_days') }}
    where {{ partition_window('activity_date') }}
),

-- the stored rows the window adds to (the pre-hook left only rows without a window day)
stored as (
    select * from {{ this }}
    where user_id in (select user_id from window_days)
),

missing as (
    select user_id from {{ ref('stg_users') }} as staged
    where not exists (select 1 from {{ this }} as built where built.user_id = staged.user_id)
),

users as (
    select * from {{ ref('stg_users') }}
    where user_id in (select user_id from missing) or user_id in (select user_id from stored)
),

-- a user's days to sum: all of them for a user the table lacks; for a stored user, the
-- window's and the stored row (its sums stand for the days before)
user_days as (
    select {{ day_columns }} from {{ ref('fct_user_days') }}
    where user_id in (select user_id from missing)
    union all
    select {{ day_columns }} from window_days
    where user_id in (select user_id from stored)
    union all
    select
        user_id, first_active_date, last_active_date, active_days,
        lifetime_sessions, lifetime_prompts, lifetime_generations, lifetime_successful_generations,
        lifetime_revenue_usd, lifetime_cost_usd, first_session_at, last_session_at,
        sessions_with_generations, friction_score_sum_with_generations
    from stored
),
{% else %}
with users as (
    select * from {{ ref('stg_users') }}
),

user_days as (
    select {{ day_columns }} from {{ ref('fct_user_days') }}
),
{% endif %}

activity as (
    select
        user_id,
        min(first_session_at)                                       as first_session_at,
        max(last_session_at)                                        as last_session_at,
        min(first_active_date)                                      as first_active_date,
        max(last_active_date)                                       as last_active_date,
        cast(sum(active_days) as bigint)                            as active_days,
        cast(sum(sessions) as bigint)                               as lifetime_sessions,
        cast(sum(prompts) as bigint)                                as lifetime_prompts,
        cast(sum(generations) as bigint)                            as lifetime_generations,
        cast(sum(successful_generations) as bigint)                 as lifetime_successful_generations,
        sum(revenue_usd)                                            as lifetime_revenue_usd,
        sum(cost_usd)                                               as lifetime_cost_usd,
        cast(sum(sessions_with_generations) as bigint)              as sessions_with_generations,
        sum(friction_score_sum_with_generations)                    as friction_score_sum_with_generations
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
        -- the mean over sessions with generations: the days' exact sums over their counts
        -- (null when there is none)
        {{ round_half_up(ratio('activity.friction_score_sum_with_generations',
                               'activity.sessions_with_generations'), 2) }} as avg_friction_score,
        coalesce(activity.lifetime_generations, 0) > 0              as is_activated,
        coalesce(activity.sessions_with_generations, 0)             as sessions_with_generations,
        cast(coalesce(activity.friction_score_sum_with_generations, 0) as decimal(38, 2))
                                                                    as friction_score_sum_with_generations
    from users
    left join activity on users.user_id = activity.user_id
)

select * from final
