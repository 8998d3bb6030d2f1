{#
  The raw zone: the raw layer is not in the warehouse but in a Hive-partitioned Parquet
  dataset that the Dagster raw asset writes, one file per table and UTC day:
  <GENAI_RAW_PATH>/<table>/partition_date=YYYY-MM-DD/part-0.parquet. The Python side always
  passes GENAI_RAW_PATH as an absolute path; standalone dbt run from dbt_project/ defaults to
  ../data/raw, beside the default warehouse. register_raw_zone() runs in on-run-start and makes
  each source table of `raw` readable by the engine; the `raw` source keeps `schema: raw`.
#}

{% macro register_raw_zone() -%}
    {{ return(adapter.dispatch('register_raw_zone')()) }}
{%- endmacro %}

{% macro default__register_raw_zone() -%}
    {{ exceptions.raise_compiler_error(
        "register_raw_zone: the raw zone cannot be read on adapter '" ~ adapter.type()
        ~ "'; add " ~ adapter.type() ~ "__register_raw_zone to macros/raw_zone.sql") }}
{%- endmacro %}

{% macro raw_zone_root() -%}
    {#- Read only at execution time: an env var read while parsing would tie dbt's partial
        parse cache to one raw zone (as for the window, macros/partition_window.sql). -#}
    {{ return(env_var('GENAI_RAW_PATH', '../data/raw') | trim) }}
{%- endmacro %}

{#
  DuckDB: schema raw and one view per table over read_parquet(hive_partitioning), the day typed
  DATE so a filter on partition_date skips other days' folders. A view reads the files at query
  time: days landed after this hook are seen. A table with no file yet is an empty view of the
  source's declared column types (data_type in _raw__sources.yml), as Spark shows a table over
  an empty folder: a first run before any landing builds empty models instead of failing.
  A warehouse from before the raw zone holds raw.* as tables. Their rows are not moved, and a
  run must not drop them silently: while a day the old table holds has no file in the raw zone,
  the hook fails in one line saying to land those days again or drop the table. Days, not just
  any file: the daily job lands its own day before dbt runs, so "the table has files" alone
  would let the scheduled run drop the history. Once every day is landed again, the old table
  is dropped for the view (rows without a day could never be landed, and are not waited for).
#}
{% macro duckdb__register_raw_zone() -%}
    {%- if execute -%}
        {%- set root = raw_zone_root() -%}
        {%- do run_query("create schema if not exists raw") -%}
        {%- for source in graph.sources.values() | selectattr('source_name', 'equalto', 'raw') -%}
            {%- set table = source.name -%}
            {%- set pattern = (root ~ '/' ~ table ~ '/*/*.parquet') | replace("'", "''") -%}
            {%- set existing = run_query(
                "select table_type from information_schema.tables where table_catalog = current_database()"
                ~ " and table_schema = 'raw' and table_name = '" ~ table ~ "'") -%}
            {%- if existing.rows | length > 0 and existing.rows[0][0] == 'BASE TABLE' -%}
                {%- set unlanded = run_query(
                    "select count(*), min(partition_date), date_diff('day', min(partition_date), max(partition_date)) + 1"
                    ~ " from (select distinct partition_date from raw." ~ table ~ " where partition_date is not null)"
                    ~ " where strftime(partition_date, '%Y-%m-%d') not in (select regexp_extract(file,"
                    ~ " 'partition_date=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1) from glob('" ~ pattern ~ "'))").rows[0] -%}
                {%- if unlanded[0] > 0 -%}
                    {{ exceptions.raise_compiler_error(
                        "the warehouse holds raw." ~ table ~ " from before the raw zone, " ~ unlanded[0]
                        ~ " of its days not landed in " ~ root ~ ": land them again in one run with"
                        ~ " `genai-pipeline simulate --start " ~ unlanded[1] ~ " --days " ~ unlanded[2]
                        ~ " --batch`, or if that history is not needed drop it: `drop table raw." ~ table ~ ";`") }}
                {%- endif -%}
                {{ log("raw zone: every day of the old table raw." ~ table ~ " is landed in " ~ root
                       ~ "; replacing it by a view over the raw zone", info=true) }}
                {%- do run_query("drop table raw." ~ table) -%}
            {%- endif -%}
            {%- set files = run_query("select count(*) from glob('" ~ pattern ~ "')").rows[0][0] -%}
            {%- if files > 0 -%}
                {%- do run_query(
                    "create or replace view raw." ~ table ~ " as select * from read_parquet('" ~ pattern
                    ~ "', hive_partitioning = true, hive_types = {'partition_date': date})") -%}
            {%- else -%}
                {{ log("raw zone: no files for " ~ table ~ " under " ~ root ~ " yet; raw." ~ table ~ " is empty",
                       info=true) }}
                {%- set columns = [] -%}
                {%- for column in source.columns.values() -%}
                    {%- if not column.data_type -%}
                        {{ exceptions.raise_compiler_error(
                            "source raw." ~ table ~ "." ~ column.name ~ " needs a data_type in _raw__sources.yml") }}
                    {%- endif -%}
                    {%- do columns.append("cast(null as " ~ column.data_type ~ ") as " ~ column.name) -%}
                {%- endfor -%}
                {%- do run_query(
                    "create or replace view raw." ~ table ~ " as select " ~ columns | join(", ") ~ " where false") -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
