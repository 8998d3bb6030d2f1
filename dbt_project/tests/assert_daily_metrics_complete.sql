-- Rule: the daily series has no holes: every day between the first and the last metric_date
-- has a row. Whole history on purpose (a hole is invisible from inside one window).
-- Severity warn: a hole also appears, legitimately, while partitions are built out of order
-- (a backfill still running, a single later day materialized first), and Dagster's partition
-- status already tracks which days are missing; it should alert, not block the day just built.
{{ config(severity='warn') }}

with bounds as (
    select min(metric_date) as first_day, max(metric_date) as last_day
    from {{ ref('daily_metrics') }}
),

expected as (
    -- every calendar day in [first_day, last_day]: a recursive CTE keeps it adapter-neutral
    -- without a calendar table or dbt_utils.date_spine
    with recursive spine (metric_date) as (
        select first_day from bounds where first_day is not null
        union all
        select cast({{ dbt.dateadd('day', 1, 'metric_date') }} as date)
        from spine
        where metric_date < (select last_day from bounds)
    )

    select metric_date from spine
)

select expected.metric_date as missing_metric_date
from expected
left join {{ ref('daily_metrics') }} as daily on expected.metric_date = daily.metric_date
where daily.metric_date is null
