{#
  Use the custom schema verbatim (staging, marts, metrics) instead of dbt's default
  `<target_schema>_<custom>`: Dagster, the Python checks and ad-hoc SQL all address these
  schemas by their plain names. Nodes without a custom schema land in the target schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
