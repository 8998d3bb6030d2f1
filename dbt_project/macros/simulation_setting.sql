{#-
  One setting of the simulation's stated model: the GENAI_<NAME> env var when set, else the
  default in dbt_project.yml (var `simulation`). Numbers and dates are validated, because they
  are pasted into SQL; a mapping (tier_mix, ...) is JSON in the env var.
-#}
{% macro simulation_setting(name) -%}
    {%- set default = var('simulation')[name] -%}
    {%- set raw = env_var('GENAI_' ~ (name | upper), '') | trim -%}
    {%- if raw == '' -%}
        {{ return(default) }}
    {%- endif -%}
    {%- if default is mapping -%}
        {{ return(fromjson(raw)) }}
    {%- endif -%}
    {%- set pattern = '^\d{4}-\d{2}-\d{2}$' if name == 'start_date' else '^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$' -%}
    {%- if not modules.re.match(pattern, raw) -%}
        {{ exceptions.raise_compiler_error(
            "GENAI_" ~ (name | upper) ~ " must be a number or a date, got '" ~ raw ~ "'"
        ) }}
    {%- endif -%}
    {{ return(raw) }}
{%- endmacro %}


{#- A mapping setting (tier -> value) as SQL rows `(key, value)`, for a join. -#}
{% macro simulation_mapping_rows(name) -%}
    {%- set mapping = simulation_setting(name) -%}
    {%- for key, value in mapping.items() %}
    select '{{ key }}' as setting_key, cast({{ value }} as double) as setting_value
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
