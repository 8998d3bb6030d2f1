-- Rule: each model makes one media type (var simulation.model_media: flux-schnell, sdxl-turbo
-- and imagen-3 images; runway-gen3 and sora-lite videos). An image from a video model means
-- the model or the media type was recorded wrong, and prices and latency budgets follow the
-- media type.
{%- set model_media = var('simulation')['model_media'] %}

select
    generation_id,
    model_name,
    media_type
from {{ ref('stg_generations') }}
where {{ window_filter('generation_date') }}
    and media_type <> case model_name
        {%- for model, media in model_media.items() %}
        when '{{ model }}' then '{{ media }}'
        {%- endfor %}
    end
