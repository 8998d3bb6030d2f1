-- Rule: friction_score follows its formula's invariants (see fct_sessions):
--   - it lies in [0, 100];
--   - the failure term alone puts it at or above 50 * (1 - success_rate): a session with 0%
--     success scores >= 50, and the other terms add at most 50 on top;
--   - a session without generations and without prompts scores exactly 0, and one without
--     generations at most 10 (its abandoned prompts);
--   - a perfect session (all succeeded, no retries, no thumbs-down) stays below the
--     latency term's cap of 10.
with sessions as (
    select *
    from {{ ref('fct_sessions') }}
    where {{ window_filter('session_date') }}
)

select
    session_id,
    generation_count,
    prompt_count,
    success_rate_pct,
    friction_score
from sessions
where friction_score is null
   or friction_score < 0
   or friction_score > 100
   or (generation_count > 0 and friction_score < 50 * (1 - success_rate_pct / 100.0) - 0.01)
   or (generation_count > 0 and friction_score > 50 * (1 - success_rate_pct / 100.0) + 50 + 0.01)
   or (generation_count = 0 and prompt_count = 0 and friction_score <> 0)
   or (generation_count = 0 and friction_score > 10)
   or (generation_count > 0 and successful_generations = generation_count
       and retry_count = 0 and thumbs_down_count = 0 and abandoned_prompts = 0
       and friction_score > 10 + 0.01)
