-- Rule: across all users, signups come from countries as the stated model says
-- (country_mix: US 34%, IN 12%, GB 10%, ...): each country's share stays within 4 binomial
-- standard deviations of its stated share. Judged once there are at least 100 users.
-- Severity warn: a market that grew or vanished is news (a campaign, a geo-block, a broken
-- locale detector), not broken data.
{{ config(severity='warn') }}
{%- set mix = var('simulation')['country_mix'] %}

with stated as (
    {%- for country, share in mix.items() %}
    select '{{ country }}' as country, {{ share }} as stated_share
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

countries as (
    select country, count(*) as users
    from {{ ref('dim_users') }}
    group by country
),

total as (
    select sum(users) as users from countries
)

select
    stated.country,
    stated.stated_share,
    coalesce(countries.users, 0) as users,
    total.users as all_users
from stated
cross join total
left join countries on stated.country = countries.country
where total.users >= 100
    and abs(1.0 * coalesce(countries.users, 0) / total.users - stated.stated_share)
    > 4 * sqrt(stated.stated_share * (1 - stated.stated_share) / total.users)
