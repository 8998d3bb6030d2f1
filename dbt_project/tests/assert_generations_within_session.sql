-- Rule: a generation is made after its prompt was typed and inside its session
-- (session_start <= prompted_at <= generated_at <= session_end), on the same day.
-- The looked-up prompts and sessions are bounded by the window's keys ([min, max] of its
-- prompt_id, session_id; not by day): the same rule, since only a row whose key equals a
-- window's key can join, and the rest of history is skipped (macros/relationships.sql).
{{ config(meta={'dagster': {'ref': {'name': 'fct_generations'}}}) }}

with generations as (
    select generation_id, prompt_id, session_id, generated_at, generation_date
    from {{ ref('fct_generations') }}
    where {{ window_filter('generation_date') }}
),

prompts as (
    select prompt_id, prompted_at
    from {{ ref('dim_prompts') }}
    where {{ within_key_range('prompt_id', 'generations') }}
),

sessions as (
    select session_id, session_start, session_end, session_date
    from {{ ref('fct_sessions') }}
    where {{ within_key_range('session_id', 'generations') }}
)

select
    generations.*,
    prompts.prompted_at,
    sessions.session_start,
    sessions.session_end
from generations
inner join prompts on generations.prompt_id = prompts.prompt_id
inner join sessions on generations.session_id = sessions.session_id
where generations.generated_at < prompts.prompted_at
   or prompts.prompted_at < sessions.session_start
   or prompts.prompted_at > sessions.session_end
   or generations.generated_at > sessions.session_end
   or generations.generation_date <> sessions.session_date
