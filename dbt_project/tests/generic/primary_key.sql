{#-
  The model's primary key holds across its whole history: no key of the run's window is
  null or appears twice anywhere in the model, on any day. Only the window's keys are looked
  up (a join on the key columns, not a group-by over the whole table), so a day's cost does
  not grow with a full scan of history; earlier days' keys were checked by their own runs.
  Without a window (a checks-only run, "Execute checks" in the UI), or on a model without a
  day column (dim_users), every key is checked. `columns` for a composite key.
-#}
{% test primary_key(model, column_name=none, columns=none) %}
{%- set keys = columns or [column_name] -%}
{%- set day_column = _tested_partition_column(model) -%}
{%- set window = window_predicate(day_column) if day_column else none -%}

with window_keys as (
    select distinct {{ keys | join(', ') }}
    from {{ model }}
    {%- if window %}
    where {{ window }}
    {%- endif %}
),

duplicates as (
    select
        {%- for key in keys %}
        rows_with_key.{{ key }},
        {%- endfor %}
        count(*) as n_rows
    from {{ model }} as rows_with_key
    inner join window_keys
        on {% for key in keys %}rows_with_key.{{ key }} = window_keys.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
    group by {% for key in keys %}rows_with_key.{{ key }}{% if not loop.last %}, {% endif %}{% endfor %}
    having count(*) > 1
),

null_keys as (
    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        1 as n_rows
    from window_keys
    where {% for key in keys %}{{ key }} is null{% if not loop.last %} or {% endif %}{% endfor %}
)

select * from duplicates
union all
select * from null_keys
{% endtest %}
