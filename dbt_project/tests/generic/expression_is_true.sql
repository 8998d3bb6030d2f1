{#
  Rows for which a boolean SQL expression does not hold (null counts as a failure: a rule
  that cannot be evaluated is not satisfied). Attach to the model (`expression: "a <= b"`)
  or to a column (the expression is then appended to the column: `expression: ">= 0"`).
#}
{% test expression_is_true(model, expression, column_name=none) %}
select *
from {{ model }}
where not coalesce(
    ({{ column_name ~ ' ' if column_name is not none else '' }}{{ expression }}),
    false
)
{% endtest %}
