-- Rule: a session ends at or after it starts, both ends fall on its partition day
-- (session_date), its duration matches, and its generations happened between its start and end.
with sessions as (
    select *
    from {{ ref('fct_sessions') }}
    where {{ window_filter('session_date') }}
)

select *
from sessions
where session_end < session_start
   or cast(session_start as date) <> session_date
   or cast(session_end as date) <> session_date
   or session_duration_seconds < 0
   or first_generated_at < session_start
   or last_generated_at > session_end
