{{
    config(
        materialized='incremental',
        meta={'partition_column': 'session_date'},
        **incremental_by_day('session_date'),
    )
}}

-- One row per session: what the user tried, what worked, and how much friction it cost.
with sessions as (
    select * from {{ ref('stg_sessions') }}
    where {{ partition_window('session_date') }}
),

users as (
    select user_id, user_tier from {{ ref('stg_users') }}
),

generations as (
    select * from {{ ref('fct_generations') }}
    where {{ partition_window('generation_date') }}
),

prompts as (
    select * from {{ ref('dim_prompts') }}
    where {{ partition_window('prompt_date') }}
),

generation_stats as (
    select
        session_id,
        count(*)                                                   as generation_count,
        count(case when is_success then 1 end)                     as successful_generations,
        count(case when not is_success then 1 end)                 as unsuccessful_generations,
        count(case when is_failed then 1 end)                      as failed_generations,
        count(case when is_timeout then 1 end)                     as timeout_generations,
        count(case when is_moderated then 1 end)                   as moderated_generations,
        count(case when is_retry then 1 end)                       as retry_count,
        avg(latency_ms)                                            as avg_latency_ms,
        -- share of the media type's latency budget each attempt used, capped at 1; fixed-point
        -- so the average does not depend on row order
        avg(cast(least({{ ratio('latency_ms', latency_budget_ms('media_type')) }}, 1.0) as decimal(12, 6)))
                                                                   as latency_factor,
        count(case when feedback = 'thumbs_up' then 1 end)         as thumbs_up_count,
        count(case when feedback = 'thumbs_down' then 1 end)       as thumbs_down_count,
        count(case when is_downloaded then 1 end)                  as download_count,
        sum(revenue_usd)                                           as revenue_usd,
        sum(cost_usd)                                              as cost_usd,
        min(generated_at)                                          as first_generated_at,
        max(generated_at)                                          as last_generated_at
    from generations
    group by session_id
),

prompt_stats as (
    select
        session_id,
        count(*)                                                   as prompt_count,
        count(case when is_abandoned then 1 end)                   as abandoned_prompts
    from prompts
    group by session_id
),

joined as (
    select
        sessions.session_id,
        sessions.user_id,
        users.user_tier,
        sessions.device,
        sessions.session_start,
        sessions.session_end,
        sessions.session_duration_seconds,
        sessions.session_date,
        coalesce(prompt_stats.prompt_count, 0)                     as prompt_count,
        coalesce(prompt_stats.abandoned_prompts, 0)                as abandoned_prompts,
        coalesce(generation_stats.generation_count, 0)             as generation_count,
        coalesce(generation_stats.successful_generations, 0)       as successful_generations,
        coalesce(generation_stats.unsuccessful_generations, 0)     as unsuccessful_generations,
        coalesce(generation_stats.failed_generations, 0)           as failed_generations,
        coalesce(generation_stats.timeout_generations, 0)          as timeout_generations,
        coalesce(generation_stats.moderated_generations, 0)        as moderated_generations,
        coalesce(generation_stats.retry_count, 0)                  as retry_count,
        generation_stats.avg_latency_ms,
        generation_stats.latency_factor,
        coalesce(generation_stats.thumbs_up_count, 0)              as thumbs_up_count,
        coalesce(generation_stats.thumbs_down_count, 0)            as thumbs_down_count,
        coalesce(generation_stats.download_count, 0)               as download_count,
        coalesce(generation_stats.revenue_usd, 0)                  as revenue_usd,
        coalesce(generation_stats.cost_usd, 0)                     as cost_usd,
        generation_stats.first_generated_at,
        generation_stats.last_generated_at
    from sessions
    left join users on sessions.user_id = users.user_id
    left join generation_stats on sessions.session_id = generation_stats.session_id
    left join prompt_stats on sessions.session_id = prompt_stats.session_id
),

rates as (
    -- each rate is in [0, 1]; a session without generations has no rates (0 friction)
    select
        *,
        {{ ratio('unsuccessful_generations', 'generation_count') }} as failure_rate,
        {{ ratio('retry_count', 'generation_count') }} as retry_rate,
        {{ ratio('timeout_generations', 'generation_count') }} as timeout_rate,
        {{ ratio('abandoned_prompts', 'prompt_count') }} as abandonment_rate,
        {{ ratio('thumbs_down_count', 'thumbs_up_count + thumbs_down_count') }} as thumbs_down_share
    from joined
),

final as (
    select
        session_id,
        user_id,
        user_tier,
        device,
        session_start,
        session_end,
        session_duration_seconds,
        session_date,
        prompt_count,
        abandoned_prompts,
        generation_count,
        successful_generations,
        unsuccessful_generations,
        failed_generations,
        timeout_generations,
        moderated_generations,
        retry_count,
        {{ round_half_up('avg_latency_ms', 1) }} as avg_latency_ms,
        thumbs_up_count,
        thumbs_down_count,
        download_count,
        {{ money('revenue_usd') }}                             as revenue_usd,
        {{ money('cost_usd') }}                                as cost_usd,
        {{ money('revenue_usd - cost_usd') }}                  as margin_usd,
        first_generated_at,
        last_generated_at,
        generation_count > 0                                       as has_generations,
        -- undefined (null) for a session without generations: nothing was attempted
        {{ percent('successful_generations', 'generation_count') }} as success_rate_pct,
        /*
          friction_score, 0-100, higher = rougher session. Weighted sum of rates in [0, 1]:
              50 * failure_rate       (non-successful generations / generations)
            + 10 * retry_rate         (retries, attempt_number > 1 / generations)
            + 10 * timeout_rate       (timeouts / generations)
            + 10 * abandonment_rate   (prompts without a successful final attempt / prompts)
            + 10 * latency_factor     (mean over attempts of min(latency / budget, 1), where the
                                       budget is the media type's timeout: var latency_budget_ms)
            + 10 * thumbs_down_share  (thumbs_down / rated generations)
          The weights sum to 100, so the score needs no rescaling. Failure weighs half because
          a result the user never gets is the worst friction: a session with 0% success
          scores >= 50 whatever else happened. Rates with a zero denominator count as 0, so
          a session without generations scores 0 (plus its abandoned prompts, if any).
        */
        -- fixed-point for the same reason as money: averages over it must not depend on row order;
        -- rounded as a decimal, the same on every engine (macros/portable_numbers.sql)
        cast(round(cast(
            least(100.0, greatest(0.0,
                50 * coalesce(failure_rate, 0)
              + 10 * coalesce(retry_rate, 0)
              + 10 * coalesce(timeout_rate, 0)
              + 10 * coalesce(abandonment_rate, 0)
              + 10 * coalesce(latency_factor, 0)
              + 10 * coalesce(thumbs_down_share, 0)
            )) as decimal(38, 9)), 2) as decimal(5, 2))            as friction_score
    from rates
)

select * from final
