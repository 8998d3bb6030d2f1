{#- The latency budget (var latency_budget_ms) of a generation, by its media type. -#}
{% macro latency_budget_ms(media_type_column) -%}
    {%- set budgets = var('latency_budget_ms') -%}
    case {{ media_type_column }}
        {%- for media_type, budget_ms in budgets.items() %}
        when '{{ media_type }}' then {{ budget_ms }}
        {%- endfor %}
    end
{%- endmacro %}
