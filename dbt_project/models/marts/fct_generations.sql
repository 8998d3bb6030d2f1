{{
    config(
        materialized='incremental',
        meta={'partition_column': 'generation_date'},
        **incremental_by_day('generation_date'),
    )
}}

-- One row per generation attempt, enriched with the user's tier and the session's device.
-- A session and its generations share a partition day, so the session side is windowed too.
with generations as (
    select * from {{ ref('stg_generations') }}
    where {{ partition_window('generation_date') }}
),

sessions as (
    select session_id, device from {{ ref('stg_sessions') }}
    where {{ partition_window('session_date') }}
),

users as (
    -- users land on their signup day, usually before the window: never windowed
    select user_id, user_tier from {{ ref('stg_users') }}
),

joined as (
    select
        generations.*,
        users.user_tier,
        sessions.device,
        -- the last attempt of its prompt: its status is the prompt's outcome
        generations.attempt_number = max(generations.attempt_number)
            over (partition by generations.prompt_id) as is_final_attempt
    from generations
    left join users on generations.user_id = users.user_id
    left join sessions on generations.session_id = sessions.session_id
),

final as (
    select
        generation_id,
        prompt_id,
        session_id,
        user_id,
        user_tier,
        device,
        attempt_number,
        is_retry,
        is_final_attempt,
        model_name,
        media_type,
        status,
        is_success,
        status = 'failed'                         as is_failed,
        status = 'timeout'                        as is_timeout,
        status = 'moderated'                      as is_moderated,
        cost_usd,
        revenue_usd,
        revenue_usd - cost_usd                    as margin_usd,
        latency_ms,
        is_downloaded,
        feedback,
        generated_at,
        generation_date
    from joined
)

select * from final
