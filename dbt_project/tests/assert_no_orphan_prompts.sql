-- Rule: every prompt belongs to an existing session of the same user, and its user exists.
-- Window-scoped on the prompt side.
-- The looked-up sessions and users are bounded by the window's keys ([min, max] of its
-- session_id, user_id; not by day): the same rule, since only a row whose key equals a
-- window's key can match, and the rest of history is skipped (macros/relationships.sql).
{{ config(meta={'dagster': {'ref': {'name': 'dim_prompts'}}}) }}

with prompts as (
    select prompt_id, session_id, user_id, prompt_date
    from {{ ref('dim_prompts') }}
    where {{ window_filter('prompt_date') }}
),

sessions as (
    select session_id, user_id
    from {{ ref('fct_sessions') }}
    where {{ within_key_range('session_id', 'prompts') }}
),

users as (
    select user_id
    from {{ ref('dim_users') }}
    where {{ within_key_range('user_id', 'prompts') }}
)

select
    prompts.*,
    case
        when sessions.session_id is null then 'missing session'
        when sessions.user_id <> prompts.user_id then 'session of another user'
        else 'missing user'
    end as problem
from prompts
left join sessions on prompts.session_id = sessions.session_id
left join users on prompts.user_id = users.user_id
where sessions.session_id is null
   or sessions.user_id <> prompts.user_id
   or users.user_id is null
