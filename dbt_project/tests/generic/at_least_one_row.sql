{#- Fails when the (possibly window-scoped) relation is empty: a built day with no rows means
    the upstream partition was not landed or the model's filter is wrong. -#}
{% test at_least_one_row(model) %}
select 1 as missing_rows
from (select count(*) as n_rows from {{ model }}) counted
where n_rows = 0
{% endtest %}
