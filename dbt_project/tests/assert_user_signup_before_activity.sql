-- Rule: nobody is active before signing up: every session starts, and every generation is
-- made, at or after its user's signup_at (users may sign up and start a session the same
-- instant). Window-scoped on the activity side; the users side is all history, bounded by
-- the window's user_id range only (not by day): the same rule, since only a user whose key
-- equals an active user's can join, and later sign-ups are skipped (macros/relationships.sql).
{{ config(meta={'dagster': {'ref': {'name': 'fct_sessions'}}}) }}

with sessions as (
    select 'session' as activity, session_id as activity_id, user_id, session_start as active_at
    from {{ ref('fct_sessions') }}
    where {{ window_filter('session_date') }}
),

generations as (
    select 'generation' as activity, generation_id as activity_id, user_id, generated_at as active_at
    from {{ ref('fct_generations') }}
    where {{ window_filter('generation_date') }}
),

activity as (
    select * from sessions
    union all
    select * from generations
),

users as (
    select user_id, signup_at
    from {{ ref('stg_users') }}
    where {{ within_key_range('user_id', 'activity') }}
)

select activity.*, users.signup_at
from activity
inner join users on activity.user_id = users.user_id
where activity.active_at < users.signup_at
