-- Rule: each day's share of video prompts is what the stated model allows: a prompt asks
-- for a video with probability video_share (0.2 by default), so a day of n prompts stays
-- within 4 binomial standard deviations of it. Judged on days with at least 100 prompts
-- that reached a model. Severity warn: a shift in what users ask for is product news.
{{ config(severity='warn') }}
{%- set p = simulation_setting('video_share') %}

with days as (
    select
        prompt_date,
        count(*) as prompts,
        sum(case when media_type = 'video' then 1 else 0 end) as video_prompts
    from {{ ref('dim_prompts') }}
    where {{ window_filter('prompt_date') }} and media_type is not null
    group by prompt_date
)

select
    prompt_date,
    prompts,
    video_prompts,
    {{ p }} as stated_video_share
from days
where prompts >= 100
    and abs(1.0 * video_prompts / prompts - {{ p }}) > 4 * sqrt({{ p }} * (1 - {{ p }}) / prompts)
