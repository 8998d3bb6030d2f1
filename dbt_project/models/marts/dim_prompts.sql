{{
    config(
        materialized='incremental',
        meta={'partition_column': 'prompt_date'},
        **incremental_by_day('prompt_date'),
    )
}}

-- One row per prompt with the outcome of its attempts. All attempts of a prompt fall in its
-- session, hence in the prompt's partition day: windowing both sides is exact.
with prompts as (
    select * from {{ ref('stg_prompts') }}
    where {{ partition_window('prompt_date') }}
),

generations as (
    select * from {{ ref('fct_generations') }}
    where {{ partition_window('generation_date') }}
),

attempts as (
    select
        prompt_id,
        count(*)                                                   as attempt_count,
        count(case when is_retry then 1 end)                       as retry_count,
        count(case when is_success then 1 end)                     as successful_attempts,
        max(case when attempt_number = 1 then status end)          as first_status,
        max(case when is_final_attempt then status end)            as final_status,
        max(case when attempt_number = 1 then model_name end)      as model_name,
        max(case when attempt_number = 1 then media_type end)      as media_type,
        min(generated_at)                                          as first_generated_at,
        max(generated_at)                                          as final_generated_at,
        sum(cost_usd)                                              as total_cost_usd,
        sum(revenue_usd)                                           as total_revenue_usd,
        cast(sum(latency_ms) as bigint)                            as total_latency_ms
    from generations
    group by prompt_id
),

final as (
    select
        prompts.prompt_id,
        prompts.session_id,
        prompts.user_id,
        prompts.prompt_text,
        prompts.prompt_word_count,
        prompts.prompt_char_count,
        prompts.prompted_at,
        prompts.prompt_date,
        coalesce(attempts.attempt_count, 0)                        as attempt_count,
        coalesce(attempts.retry_count, 0)                          as retry_count,
        attempts.first_status,
        -- null when the prompt never reached a generation
        attempts.final_status,
        coalesce(attempts.final_status = 'success', false)         as is_successful,
        -- abandoned: the user left without a successful result (incl. no attempt at all)
        not coalesce(attempts.final_status = 'success', false)     as is_abandoned,
        attempts.model_name,
        attempts.media_type,
        attempts.first_generated_at,
        attempts.final_generated_at,
        {{ money('coalesce(attempts.total_cost_usd, 0)') }}     as total_cost_usd,
        {{ money('coalesce(attempts.total_revenue_usd, 0)') }}  as total_revenue_usd,
        coalesce(attempts.total_latency_ms, 0)                     as total_latency_ms
    from prompts
    left join attempts on prompts.prompt_id = attempts.prompt_id
)

select * from final
