{#- Collapse runs of whitespace to one space, so word counts and dedup see clean text. -#}
{% macro collapse_whitespace(expression) -%}
    {{ return(adapter.dispatch('collapse_whitespace')(expression)) }}
{%- endmacro %}

{% macro default__collapse_whitespace(expression) -%}
    regexp_replace(trim({{ expression }}), '\s+', ' ', 'g')
{%- endmacro %}

{% macro snowflake__collapse_whitespace(expression) -%}
    regexp_replace(trim({{ expression }}), '\\s+', ' ')
{%- endmacro %}

{#- Spark's regexp_replace takes a position, not flags (it always replaces every match), and its
    string literals unescape backslashes. -#}
{% macro spark__collapse_whitespace(expression) -%}
    regexp_replace(trim({{ expression }}), '\\s+', ' ')
{%- endmacro %}

{% macro bigquery__collapse_whitespace(expression) -%}
    regexp_replace(trim({{ expression }}), r'\s+', ' ')
{%- endmacro %}

{#- Words in already-collapsed text: spaces + 1, and 0 for empty text. -#}
{% macro word_count(collapsed_expression) -%}
    case
        when {{ collapsed_expression }} is null or {{ collapsed_expression }} = '' then 0
        else {{ dbt.length(collapsed_expression) }}
             - {{ dbt.length(dbt.replace(collapsed_expression, "' '", "''")) }} + 1
    end
{%- endmacro %}
