{{
    config(
        materialized='incremental',
        meta={'partition_column': 'metric_date'},
        **incremental_by_day('metric_date'),
    )
}}

-- One row per day x model: reliability, speed, economics and reception of each model.
with generations as (
    select * from {{ ref('fct_generations') }}
    where {{ partition_window('generation_date') }}
),

final as (
    select
        generation_date                                              as metric_date,
        model_name,
        media_type,
        count(*)                                                     as generations,
        count(case when is_success then 1 end)                       as successful_generations,
        count(case when is_failed then 1 end)                        as failed_generations,
        count(case when is_timeout then 1 end)                       as timeout_generations,
        count(case when is_moderated then 1 end)                     as moderated_generations,
        count(case when is_retry then 1 end)                         as retries,
        {{ percent('count(case when is_success then 1 end)', 'count(*)') }} as success_rate_pct,
        {{ round_half_up('avg(latency_ms)', 1) }} as avg_latency_ms,
        percentile_cont(0.95) within group (order by latency_ms)     as p95_latency_ms,
        {{ money('sum(revenue_usd)') }} as revenue_usd,
        {{ money('sum(cost_usd)') }} as cost_usd,
        {{ money('sum(revenue_usd) - sum(cost_usd)') }} as margin_usd,
        count(case when is_downloaded then 1 end)                    as downloads,
        count(case when feedback = 'thumbs_up' then 1 end)           as thumbs_up,
        count(case when feedback = 'thumbs_down' then 1 end)         as thumbs_down
    from generations
    group by generation_date, model_name, media_type
)

select * from final
