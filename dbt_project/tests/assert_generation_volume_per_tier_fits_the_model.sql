-- Rule: each tier's daily volume is what the stated model allows: every user signed up by
-- the day makes min(Poisson(tier_activity * activity_scale), daily_generation_cap)
-- generations, so a tier's generations per user stay within 4 standard errors of that
-- capped Poisson's mean. Judged for tiers of at least 50 users, and only without churn
-- (churned users make nothing). Severity warn: a tier whose usage moved is news for the
-- product, not broken data.
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'daily_tier_metrics'}}}) }}
{%- set cap = simulation_setting('daily_generation_cap') | int %}
{%- set activity = simulation_setting('tier_activity') %}

with rates as (
    {%- for tier, level in activity.items() %}
    select '{{ tier }}' as user_tier, {{ level }} * {{ simulation_setting('activity_scale') }} as rate
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

counts as (
    {%- for k in range(cap) %}
    select {{ k }} as k
    union all
    {%- endfor %}
    select {{ cap }} as k
),

-- P(min(X, cap) = k) for X ~ Poisson(rate): the Poisson mass below the cap, the rest at it
capped as (
    select
        rates.user_tier,
        counts.k,
        case
            when counts.k < {{ cap }} then exp(-rates.rate) * power(rates.rate, counts.k) / factorial(counts.k)
        end as mass
    from rates
    cross join counts
),

moments as (
    select
        user_tier,
        sum(k * coalesce(mass, 0)) + {{ cap }} * (1 - sum(coalesce(mass, 0))) as mean,
        sum(k * k * coalesce(mass, 0)) + {{ cap }} * {{ cap }} * (1 - sum(coalesce(mass, 0))) as second_moment
    from capped
    group by user_tier
),

days as (
    select metric_date, user_tier, generations
    from {{ ref('daily_tier_metrics') }}
    where {{ window_filter('metric_date') }}
),

population as (
    select days.metric_date, days.user_tier, count(users.user_id) as users
    from {{ ref('stg_users') }} as users
    inner join days
        on users.user_tier = days.user_tier and users.signup_date <= days.metric_date
    group by days.metric_date, days.user_tier
)

select
    days.metric_date,
    days.user_tier,
    days.generations,
    population.users,
    1.0 * days.generations / population.users as generations_per_user,
    moments.mean as expected_per_user
from days
inner join population on days.metric_date = population.metric_date and days.user_tier = population.user_tier
inner join moments on days.user_tier = moments.user_tier
where {{ simulation_setting('daily_churn_rate') }} = 0
    and population.users >= 50
    and abs(1.0 * days.generations / population.users - moments.mean)
    > 4 * sqrt((moments.second_moment - moments.mean * moments.mean) / population.users)
