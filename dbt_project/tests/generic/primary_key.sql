{#-
  The model's primary key holds over its whole history: no null key and no key twice.
  `columns` for a composite key, or the tested column. Reads the whole relation on every
  run (see get_where_subquery): an incremental model keeps days no run rewrites, so a key
  duplicated or nulled there by a partial or manual write is found on the next run.
-#}
{% test primary_key(model, column_name=none, columns=none) %}
{%- set keys = columns or [column_name] -%}
select
    {{ keys | join(', ') }},
    count(*) as n_rows
from {{ model }}
group by {{ keys | join(', ') }}
having count(*) > 1
    {%- for key in keys %}
    or {{ key }} is null
    {%- endfor %}
{% endtest %}
