-- Rule: unsuccessful attempts split as the stated model says (failure_mix: failed 55%,
-- timeout 30%, moderated 15%): over the run's days, each status's share of the unsuccessful
-- attempts stays within 4 binomial standard deviations of its stated share. Judged on at
-- least 100 unsuccessful attempts. Severity warn: a surge of timeouts or moderations is news
-- about a model or the policy, not broken data.
{{ config(severity='warn') }}
{%- set mix = var('simulation')['failure_mix'] %}

with stated as (
    {%- for status, share in mix.items() %}
    select '{{ status }}' as status, {{ share }} as stated_share
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

unsuccessful as (
    select status, count(*) as attempts
    from {{ ref('fct_generations') }}
    where {{ window_filter('generation_date') }} and not is_success
    group by status
),

total as (
    select sum(attempts) as attempts from unsuccessful
)

select
    stated.status,
    stated.stated_share,
    coalesce(unsuccessful.attempts, 0) as attempts,
    total.attempts as unsuccessful_attempts
from stated
cross join total
left join unsuccessful on stated.status = unsuccessful.status
where total.attempts >= 100
    and abs(1.0 * coalesce(unsuccessful.attempts, 0) / total.attempts - stated.stated_share)
    > 4 * sqrt(stated.stated_share * (1 - stated.stated_share) / total.attempts)
