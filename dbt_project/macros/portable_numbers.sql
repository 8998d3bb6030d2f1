{#-
  Numbers that come out the same on DuckDB and Spark (the engine comparison holds them to 1e-9).
-#}

{#- A share as a double on every engine: `1.0 * a / b` is a double on DuckDB but a decimal of
    engine-specific scale on Spark. -#}
{% macro ratio(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}

{#- round() of a number, as a double, half up on every engine: on a double DuckDB rounds the
    binary value (2.675 -> 2.67) and Spark its shortest decimal form (2.675 -> 2.68). Through a
    decimal of 9 places first, both round the same exact decimal. -#}
{% macro round_half_up(expression, digits) -%}
    cast(round(cast({{ expression }} as decimal(38, 9)), {{ digits }}) as double)
{%- endmacro %}

{#- Money totals: the sum of a decimal(18, 8) is decimal(38, 8) on DuckDB, decimal(28, 8) on
    Spark; the contracts declare one type. -#}
{% macro money(expression) -%}
    cast({{ expression }} as decimal(38, 8))
{%- endmacro %}

{#- numerator / denominator in percent, 2 decimals (null when the denominator is 0). -#}
{% macro percent(numerator, denominator) -%}
    {{ round_half_up('100 * ' ~ ratio(numerator, denominator), 2) }}
{%- endmacro %}
