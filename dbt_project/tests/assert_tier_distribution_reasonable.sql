-- Rule: across all users, the tier mix is the stated one (tier_mix: free 70%, pro 25%,
-- enterprise 5% by default): each tier's share stays within 4 binomial standard deviations,
-- sqrt(p (1 - p) / n), of its stated share, and a stated tier with no user fails. Judged
-- once there are at least 100 users.
-- Severity warn: the mix is a business outcome, not a data contract; a breach means "look at
-- the signup funnel or the tier assignment", never "stop the pipeline".
{{ config(severity='warn') }}

with stated as (
    {{ simulation_mapping_rows('tier_mix') }}
),

tiers as (
    select user_tier, count(*) as users
    from {{ ref('dim_users') }}
    group by user_tier
),

total as (
    select sum(users) as users from tiers
),

mix as (
    select
        stated.setting_key as user_tier,
        stated.setting_value as stated_share,
        coalesce(tiers.users, 0) as users,
        total.users as total_users,
        1.0 * coalesce(tiers.users, 0) / total.users as share
    from stated
    cross join total
    left join tiers on stated.setting_key = tiers.user_tier
)

select *
from mix
where total_users >= 100
    and abs(share - stated_share) > 4 * sqrt(stated_share * (1 - stated_share) / total_users)
