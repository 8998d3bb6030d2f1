{#
  dbt's built-in `relationships` test, with the parent side bounded by the child keys' range.
  dbt's generic test dispatches `test_relationships` in the `dbt` namespace, and a root-project
  macro of the same name wins over dbt's own (global_project/macros/generic_test_sql/
  relationships.sql); the test names, and so the Dagster asset checks named after them, stay
  the same.

  Why: the child side is already restricted to the partition window (get_where_subquery.sql),
  but dbt's SQL reads the whole parent (`to`), so the test got slower with every day of
  history (0.02 s with one day, 0.5-0.9 s with a year at 10x users). Ids grow with their day:
  bounded to [min, max] of the window's child keys, the parent read skips the rest of history
  through Parquet row-group statistics and DuckDB's zonemaps.

  Same result as dbt's, exactly: a parent row can only match a child key when its key equals
  one, so it lies between the smallest and the largest child key; the rows left out match
  nothing. The parent is bounded by key only, never by day: a window's child whose parent was
  made on another day still finds it. With no child row the bounds are null and nothing is
  read, and nothing could fail anyway. Portable SQL: scalar subqueries in a where clause run
  on DuckDB and Spark alike.
#}
{% macro default__test_relationships(model, column_name, to, field) %}

with child as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),

parent as (
    select {{ field }} as to_field
    from {{ to }}
    where {{ within_key_range(field, 'child', 'from_field') }}
)

select
    from_field

from child
left join parent
    on child.from_field = parent.to_field

where parent.to_field is null

{% endmacro %}


{#- `column` between the smallest and the largest key of `keys_from` (a CTE or relation; its key
    column is `key`, `column` by default). The bound of every key lookup into history above
    and in the singular tests: the same rows match, the rest is skipped. -#}
{% macro within_key_range(column, keys_from, key=none) -%}
    {%- set key = key or column -%}
    {{ column }} >= (select min({{ key }}) from {{ keys_from }})
        and {{ column }} <= (select max({{ key }}) from {{ keys_from }})
{%- endmacro %}
