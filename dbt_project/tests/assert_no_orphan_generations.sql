-- Rule: every generation belongs to an existing prompt, and to that prompt's own session and
-- user; its session exists and belongs to the same user; its user exists. Stronger than the
-- per-column relationships tests: a generation pointing at a real prompt of another session
-- passes those and fails here. Window-scoped on the generation side.
-- The looked-up prompts, sessions and users are bounded by the window's keys ([min, max] of
-- its prompt_id, session_id, user_id; not by day): the same rule, since only a row whose key
-- equals a window's key can match, and the rest of history is skipped (macros/relationships.sql).
{{ config(meta={'dagster': {'ref': {'name': 'fct_generations'}}}) }}

with generations as (
    select generation_id, prompt_id, session_id, user_id, generation_date
    from {{ ref('fct_generations') }}
    where {{ window_filter('generation_date') }}
),

prompts as (
    select prompt_id, session_id, user_id
    from {{ ref('dim_prompts') }}
    where {{ within_key_range('prompt_id', 'generations') }}
),

sessions as (
    select session_id, user_id
    from {{ ref('fct_sessions') }}
    where {{ within_key_range('session_id', 'generations') }}
),

users as (
    select user_id
    from {{ ref('dim_users') }}
    where {{ within_key_range('user_id', 'generations') }}
)

select
    generations.*,
    case
        when prompts.prompt_id is null then 'missing prompt'
        when prompts.session_id <> generations.session_id then 'prompt in another session'
        when prompts.user_id <> generations.user_id then 'prompt of another user'
        when sessions.session_id is null then 'missing session'
        when sessions.user_id <> generations.user_id then 'session of another user'
        else 'missing user'
    end as problem
from generations
left join prompts on generations.prompt_id = prompts.prompt_id
left join sessions on generations.session_id = sessions.session_id
left join users on generations.user_id = users.user_id
where prompts.prompt_id is null
   or prompts.session_id <> generations.session_id
   or prompts.user_id <> generations.user_id
   or sessions.session_id is null
   or sessions.user_id <> generations.user_id
   or users.user_id is null
