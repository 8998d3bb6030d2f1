-- Rule: a successful generation earns exactly the price list's amount: the media type's
-- price (image_price_usd, video_price_usd) times the user's tier multiplier
-- (tier_price_multiplier), to the cent's ten-thousandth. Revenue that drifts from the price
-- list is a billing bug, whatever the totals say. (Unsuccessful attempts earn nothing:
-- assert_cost_positive_for_success.)
{%- set multipliers = simulation_setting('tier_price_multiplier') %}

with generations as (
    select generation_id, media_type, user_tier, revenue_usd
    from {{ ref('fct_generations') }}
    where {{ window_filter('generation_date') }} and is_success
),

priced as (
    select
        generation_id,
        media_type,
        user_tier,
        revenue_usd,
        case media_type
            when 'image' then {{ simulation_setting('image_price_usd') }}
            when 'video' then {{ simulation_setting('video_price_usd') }}
        end
        * case user_tier
            {%- for tier, multiplier in multipliers.items() %}
            when '{{ tier }}' then {{ multiplier }}
            {%- endfor %}
        end as listed_revenue_usd
    from generations
)

select *
from priced
where listed_revenue_usd is null
    or abs(revenue_usd - listed_revenue_usd) > 0.000001
