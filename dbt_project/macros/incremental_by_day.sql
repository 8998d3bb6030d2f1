{#-
  The config of an incremental model that replaces exactly the window's days:
    {{ config(materialized='incremental', meta={...}, **incremental_by_day('day_column')) }}
  DuckDB: delete+insert keyed on the day column (the window's days are deleted, then inserted,
  in one transaction). Spark on Parquet has no delete: insert_overwrite into a table
  partitioned by the day column, which dbt-spark runs as a dynamic partition overwrite (only
  the days present in the new rows are replaced).
-#}
{% macro incremental_by_day(day_column) -%}
    {{ return(adapter.dispatch('incremental_by_day')(day_column)) }}
{%- endmacro %}

{% macro default__incremental_by_day(day_column) -%}
    {{ return({'incremental_strategy': 'delete+insert', 'unique_key': day_column}) }}
{%- endmacro %}

{% macro spark__incremental_by_day(day_column) -%}
    {{ return({'incremental_strategy': 'insert_overwrite', 'partition_by': [day_column], 'file_format': 'parquet'}) }}
{%- endmacro %}
