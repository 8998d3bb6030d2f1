-- Rule: users engage with results as the stated model says: over the run's days, the share
-- of successful generations downloaded (download_rate: image 45%, video 60%) and the share
-- given a thumbs-up (thumbs_up_rate: 22%) each stay within 4 binomial standard deviations.
-- Judged per rate on at least 100 successful generations. Severity warn: a drop in
-- downloads or likes is a product signal, not broken data.
{{ config(severity='warn') }}
{%- set download_rate = var('simulation')['download_rate'] %}
{%- set thumbs_up_rate = var('simulation')['thumbs_up_rate'] %}

with successes as (
    select media_type, is_downloaded, feedback
    from {{ ref('fct_generations') }}
    where {{ window_filter('generation_date') }} and is_success
),

rates as (
    select
        'downloaded ' || media_type as rate,
        count(*) as successes,
        sum(case when is_downloaded then 1 else 0 end) as hits,
        case media_type
            {%- for media, rate in download_rate.items() %}
            when '{{ media }}' then {{ rate }}
            {%- endfor %}
        end as stated_rate
    from successes
    group by media_type
    union all
    select
        'thumbs_up' as rate,
        count(*) as successes,
        sum(case when feedback = 'thumbs_up' then 1 else 0 end) as hits,
        {{ thumbs_up_rate }} as stated_rate
    from successes
)

select *
from rates
where successes >= 100
    and abs(1.0 * hits / successes - stated_rate) > 4 * sqrt(stated_rate * (1 - stated_rate) / successes)
