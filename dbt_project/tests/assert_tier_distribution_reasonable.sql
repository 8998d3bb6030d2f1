-- Rule: across all users, the tier mix looks like a freemium product: every tier is present,
-- free is the largest tier, and no tier falls below 1% or above 95% of users. Judged only
-- once there are at least 100 users (smaller samples are noise).
-- Severity warn: the mix is a simulation setting / business outcome, not a data contract;
-- a breach means "look at the settings or the signup funnel", never "stop the pipeline".
{{ config(severity='warn') }}

with tiers as (
    select user_tier, count(*) as users
    from {{ ref('dim_users') }}
    group by user_tier
),

expected_tiers as (
    select 'free' as user_tier
    union all
    select 'pro'
    union all
    select 'enterprise'
),

totals as (
    select
        sum(users) as total_users,
        max(case when user_tier = 'free' then users end) as free_users,
        max(users) as largest_tier_users
    from tiers
),

mix as (
    select
        expected_tiers.user_tier,
        coalesce(tiers.users, 0) as users,
        1.0 * coalesce(tiers.users, 0) / nullif(totals.total_users, 0) as share,
        totals.total_users,
        totals.free_users,
        totals.largest_tier_users
    from expected_tiers
    cross join totals
    left join tiers on expected_tiers.user_tier = tiers.user_tier
)

select *
from mix
where total_users >= 100
  and (share < 0.01 or share > 0.95 or coalesce(free_users, 0) < largest_tier_users)
