{#
  Rows whose column lies outside [min_value, max_value] (or the open interval when
  inclusive=false). Either bound may be omitted. Nulls pass: pair with not_null when needed.
#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error("accepted_range on " ~ column_name ~ " needs min_value or max_value") }}
{%- endif -%}

select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
  and (
    1 = 2
    {%- if min_value is not none %}
    or {{ column_name }} {{ '<' if inclusive else '<=' }} {{ min_value }}
    {%- endif %}
    {%- if max_value is not none %}
    or {{ column_name }} {{ '>' if inclusive else '>=' }} {{ max_value }}
    {%- endif %}
  )
{% endtest %}
