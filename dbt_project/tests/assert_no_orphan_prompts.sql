-- Rule: every prompt belongs to an existing session of the same user, and its user exists.
-- Window-scoped on the prompt side.
{{ config(meta={'dagster': {'ref': {'name': 'dim_prompts'}}}) }}

with prompts as (
    select prompt_id, session_id, user_id, prompt_date
    from {{ ref('dim_prompts') }}
    where {{ window_filter('prompt_date') }}
)

select
    prompts.*,
    case
        when sessions.session_id is null then 'missing session'
        when sessions.user_id <> prompts.user_id then 'session of another user'
        else 'missing user'
    end as problem
from prompts
left join {{ ref('fct_sessions') }} as sessions on prompts.session_id = sessions.session_id
left join {{ ref('dim_users') }} as users on prompts.user_id = users.user_id
where sessions.session_id is null
   or sessions.user_id <> prompts.user_id
   or users.user_id is null
