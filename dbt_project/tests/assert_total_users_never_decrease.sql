-- Rule: the user base only grows: total_users of a day is at least that of any earlier
-- day. A drop means earlier days' users were rewritten (a past partition re-landed with
-- fewer users) after those days' metrics were built: the older metric rows are stale and
-- their days need a rebuild. Whole history on purpose (the stale day is outside the window).
-- Severity warn: today's numbers are right; it is the history that needs a backfill.
{{ config(severity='warn') }}

with days as (
    select
        metric_date,
        total_users,
        max(total_users) over (
            order by metric_date rows between unbounded preceding and 1 preceding
        ) as earlier_peak
    from {{ ref('daily_metrics') }}
)

select *
from days
where total_users < earlier_peak
