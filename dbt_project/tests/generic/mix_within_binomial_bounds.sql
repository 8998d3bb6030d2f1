{#-
  The column's values split as stated: each value's share of the (window's) rows stays
  within 4 binomial standard deviations, sqrt(p (1 - p) / n), of its stated share p, and a
  stated value with no row counts as share 0. `stated`: value -> share (a var of the
  simulation's stated model). Judged on at least `min_rows` rows (smaller samples are noise).
-#}
{% test mix_within_binomial_bounds(model, column_name, stated, min_rows=100) %}

with stated as (
    {%- for value, share in stated.items() %}
    select '{{ value }}' as value, {{ share }} as stated_share
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

observed as (
    select cast({{ column_name }} as {{ dbt.type_string() }}) as value, count(*) as n_rows
    from {{ model }}
    group by {{ column_name }}
),

total as (
    select sum(n_rows) as n_rows from observed
)

select
    stated.value,
    stated.stated_share,
    coalesce(observed.n_rows, 0) as n_rows,
    total.n_rows as all_rows
from stated
cross join total
left join observed on stated.value = observed.value
where total.n_rows >= {{ min_rows }}
    and abs(1.0 * coalesce(observed.n_rows, 0) / total.n_rows - stated.stated_share)
    > 4 * sqrt(stated.stated_share * (1 - stated.stated_share) / total.n_rows)
{% endtest %}
