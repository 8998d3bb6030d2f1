{#
  Spark: the raw zone's table folders (<GENAI_RAW_PATH>/<table>/partition_date=YYYY-MM-DD/) as
  external Parquet tables in schema raw, with the source's declared column types
  (_raw__sources.yml), so a table over a folder with no day yet is empty, not an error.
  A new day's folder is not seen until it is registered: `recover partitions` on every run adds
  the days landed since the last one. The root may be any path Spark reads: a local folder
  here, an object store (s3a://, abfss://, gs://) on a cluster.
  The metastore outlives the run (data/spark), so a table from a run on another root would keep
  reading that root: a table whose location is not the current one is dropped and created again.
  The tables are EXTERNAL (they have a location): dropping one leaves its files alone.
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
            {%- set location = root ~ '/' ~ source.name -%}
            {%- set current = raw_zone_spark_location(source.name) -%}
            {%- if current is not none and raw_zone_spark_path(current) != raw_zone_spark_plain(location) -%}
                {{ log("raw zone: raw." ~ source.name ~ " read " ~ current ~ "; now " ~ location, info=true) }}
                {%- do run_query("drop table raw." ~ source.name) -%}
            {%- endif -%}
            {#- a backslash starts an escape in a Spark SQL string, as a quote ends it -#}
            {%- set literal = location | replace("\\", "\\\\") | replace("'", "\\'") -%}
            {%- do run_query(
                "create table if not exists raw." ~ source.name ~ " (" ~ columns | join(", ") ~ ")"
                ~ " using parquet partitioned by (partition_date) location '" ~ literal ~ "'") -%}
            {%- do run_query("alter table raw." ~ source.name ~ " recover partitions") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- The Location row of `describe table extended raw.<table>`, or none when there is no such table. -#}
{% macro raw_zone_spark_location(table) -%}
    {%- if run_query("show tables in raw like '" ~ table ~ "'").rows | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {#- rows are (col_name, data_type, comment); a column may be named Location: read past the columns -#}
    {%- set state = namespace(detail=false, location=none) -%}
    {%- for row in run_query("describe table extended raw." ~ table).rows -%}
        {%- set name = (row[0] or '') | trim -%}
        {%- if name == '# Detailed Table Information' -%}
            {%- set state.detail = true -%}
        {%- elif state.detail and name == 'Location' -%}
            {%- set state.location = row[1] | trim -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(state.location) }}
{%- endmacro %}

{#- A location Spark shows, as the path it was given: Spark shows a local folder as a URI
    (/a b as file:/a%20b). Undecodable input only makes a needless drop and create. -#}
{% macro raw_zone_spark_path(uri) -%}
    {%- set parts = uri.split('%') -%}
    {%- set decoded = [parts[0]] -%}
    {%- for part in parts[1:] -%}
        {%- do decoded.append('%c' | format(part[:2] | int(base=16)) ~ part[2:]) -%}
    {%- endfor -%}
    {{ return(raw_zone_spark_plain(decoded | join(''))) }}
{%- endmacro %}

{#- Without the file: scheme of a local folder, nor a trailing slash. -#}
{% macro raw_zone_spark_plain(path) -%}
    {{ return(modules.re.sub('^file:(//)?(?=/)', '', path).rstrip('/')) }}
{%- endmacro %}
