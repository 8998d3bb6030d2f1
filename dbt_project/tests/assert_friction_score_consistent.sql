-- Rule: each session's friction_score is its formula (see fct_sessions) applied to the
-- session's own attempts and prompts, recomputed here from the staging views, independently
-- of fct_generations and dim_prompts:
--   50 * failure_rate + 10 * retry_rate + 10 * timeout_rate + 10 * abandonment_rate
--   + 10 * latency_factor + 10 * thumbs_down_share, each rate 0 when undefined.
-- A session whose stored score differs by more than rounding has lost or double-counted
-- attempts or prompts on the way to the mart, or its formula changed.
{{ config(meta={'dagster': {'ref': {'name': 'fct_sessions'}}}) }}

with sessions as (
    select session_id, friction_score
    from {{ ref('fct_sessions') }}
    where {{ window_filter('session_date') }}
),

attempts as (
    select *
    from {{ ref('stg_generations') }}
    where {{ window_filter('generation_date') }}
),

attempt_stats as (
    select
        session_id,
        1.0 * sum(case when is_success then 0 else 1 end) / count(*) as failure_rate,
        1.0 * sum(case when is_retry then 1 else 0 end) / count(*) as retry_rate,
        1.0 * sum(case when status = 'timeout' then 1 else 0 end) / count(*) as timeout_rate,
        avg(least(1.0 * latency_ms / {{ latency_budget_ms('media_type') }}, 1.0)) as latency_factor,
        1.0 * sum(case when feedback = 'thumbs_down' then 1 else 0 end)
        / nullif(sum(case when feedback in ('thumbs_up', 'thumbs_down') then 1 else 0 end), 0) as thumbs_down_share
    from attempts
    group by session_id
),

final_attempts as (
    select prompt_id, max(attempt_number) as final_attempt
    from attempts
    group by prompt_id
),

prompt_outcomes as (
    select
        prompts.session_id,
        prompts.prompt_id,
        coalesce(max(case when attempts.attempt_number = final_attempts.final_attempt then attempts.status end), '')
        <> 'success' as is_abandoned
    from {{ ref('stg_prompts') }} as prompts
    left join final_attempts on prompts.prompt_id = final_attempts.prompt_id
    left join attempts on final_attempts.prompt_id = attempts.prompt_id
    where {{ window_filter('prompts.prompt_date') }}
    group by prompts.session_id, prompts.prompt_id
),

prompt_stats as (
    select
        session_id,
        1.0 * sum(case when is_abandoned then 1 else 0 end) / count(*) as abandonment_rate
    from prompt_outcomes
    group by session_id
),

recomputed as (
    select
        sessions.session_id,
        sessions.friction_score,
        50 * coalesce(attempt_stats.failure_rate, 0)
        + 10 * coalesce(attempt_stats.retry_rate, 0)
        + 10 * coalesce(attempt_stats.timeout_rate, 0)
        + 10 * coalesce(prompt_stats.abandonment_rate, 0)
        + 10 * coalesce(attempt_stats.latency_factor, 0)
        + 10 * coalesce(attempt_stats.thumbs_down_share, 0) as recomputed_score
    from sessions
    left join attempt_stats on sessions.session_id = attempt_stats.session_id
    left join prompt_stats on sessions.session_id = prompt_stats.session_id
)

select *
from recomputed
where friction_score is null
    or abs(friction_score - recomputed_score) > 0.02
