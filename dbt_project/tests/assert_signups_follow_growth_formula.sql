-- Rule: new users per day follow the stated growth model: day 1 brings first_day_share of
-- base_users, day n brings base_users * daily_signup_share * (1 + growth_rate)^(n - 1),
-- rounded. A day short of its signups lost users between the product and the warehouse.
-- Judged only without saturating growth (max_users 0), which changes the formula.
-- Severity warn: it judges the data against the simulation's model, not a data contract.
{{ config(severity='warn') }}
{%- set start_date = simulation_setting('start_date') %}
{%- set base_users = simulation_setting('base_users') %}

with days as (
    select
        metric_date,
        new_users,
        {{ dbt.datediff("cast('" ~ start_date ~ "' as date)", 'metric_date', 'day') }} + 1 as day_number
    from {{ ref('daily_metrics') }}
    where {{ window_filter('metric_date') }}
),

expected as (
    select
        metric_date,
        new_users,
        day_number,
        round(case
            when day_number = 1 then {{ base_users }} * {{ simulation_setting('first_day_share') }}
            else {{ base_users }} * {{ simulation_setting('daily_signup_share') }}
                * power(1 + {{ simulation_setting('growth_rate') }}, day_number - 1)
        end) as expected_new_users
    from days
    where day_number >= 1
)

select *
from expected
where {{ simulation_setting('max_users') }} = 0
    and abs(new_users - expected_new_users) > 1
