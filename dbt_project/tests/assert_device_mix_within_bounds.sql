-- Rule: sessions come from devices as the stated model says (device_mix: web 50%, ios 20%,
-- android 20%, api 10%): over the run's days each device's share of sessions stays within
-- 4 binomial standard deviations of its stated share. Judged on at least 100 sessions.
-- Severity warn: a platform whose usage collapsed (an app release, a tracking SDK) is news,
-- not broken data.
{{ config(severity='warn') }}
{%- set mix = var('simulation')['device_mix'] %}

with stated as (
    {%- for device, share in mix.items() %}
    select '{{ device }}' as device, {{ share }} as stated_share
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

devices as (
    select device, count(*) as sessions
    from {{ ref('fct_sessions') }}
    where {{ window_filter('session_date') }}
    group by device
),

total as (
    select sum(sessions) as sessions from devices
)

select
    stated.device,
    stated.stated_share,
    coalesce(devices.sessions, 0) as sessions,
    total.sessions as all_sessions
from stated
cross join total
left join devices on stated.device = devices.device
where total.sessions >= 100
    and abs(1.0 * coalesce(devices.sessions, 0) / total.sessions - stated.stated_share)
    > 4 * sqrt(stated.stated_share * (1 - stated.stated_share) / total.sessions)
