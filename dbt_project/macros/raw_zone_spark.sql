{#
  Spark: the raw zone's table folders (<GENAI_RAW_PATH>/<table>/partition_date=YYYY-MM-DD/) as
  external Parquet tables in schema raw, with the source's declared column types
  (_raw__sources.yml), so a table over a folder with no day yet is empty, not an error.
  A new day's folder is not seen until it is registered: `recover partitions` on every run adds
  the days landed since the last one. The root may be any path Spark reads: a local folder
  here, an object store (s3a://, abfss://, gs://) on a cluster.
  In its own file, beside macros/raw_zone.sql's dispatcher and DuckDB part (another owner).
#}
{% macro spark__register_raw_zone() -%}
    {%- if execute -%}
        {%- set root = raw_zone_root().rstrip('/') -%}
        {%- do run_query("create schema if not exists raw") -%}
        {%- for source in graph.sources.values() | selectattr('source_name', 'equalto', 'raw') -%}
            {%- set columns = [] -%}
            {%- for column in source.columns.values() -%}
                {%- if not column.data_type -%}
                    {{ exceptions.raise_compiler_error(
                        "source raw." ~ source.name ~ "." ~ column.name ~ " needs a data_type in _raw__sources.yml") }}
                {%- endif -%}
                {%- do columns.append(column.name ~ " " ~ column.data_type) -%}
            {%- endfor -%}
            {%- set location = (root ~ '/' ~ source.name) | replace("'", "\\'") -%}
            {%- do run_query(
                "create table if not exists raw." ~ source.name ~ " (" ~ columns | join(", ") ~ ")"
                ~ " using parquet partitioned by (partition_date) location '" ~ location ~ "'") -%}
            {%- do run_query("alter table raw." ~ source.name ~ " recover partitions") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
