{#-
  No key of the run's window appears twice anywhere in the relation's history: an entity
  landed again on another day (a replayed user, a reused id) is found as well as a
  duplicate within the day. Only the window's keys are looked up (a semi-join on the key
  column), so a day's cost grows with the key column, not with a full self-join; earlier
  days' keys were checked by their own runs. Without a window every key is checked.
-#}
{% test unique_across_history(model, column_name, partition_column) %}
{%- set window = window_predicate(partition_column) -%}
select
    {{ column_name }},
    count(*) as n_rows
from {{ model }}
where {{ column_name }} in (
    select {{ column_name }} from {{ model }}
    {%- if window %}
    where {{ window }}
    {%- endif %}
)
group by {{ column_name }}
having count(*) > 1
{% endtest %}
