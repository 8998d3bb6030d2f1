{#
  Where dbt-duckdb's incremental materialization stages a run's new rows before its
  delete+insert. dbt-duckdb makes it a TEMP table, which DuckDB keeps in memory: a month of
  generations at 10x the default users is ~400 MB of it, and two of them (fct_generations',
  then fct_sessions' reading it) made a 31-day chunk of a year's backfill run out of its 1 GB
  memory_limit. A window longer than a week is staged instead in a real table of schema
  dbt_staging_rows, written to the warehouse file like any table (so DuckDB can evict its
  blocks) and dropped by the materialization when the model is built; one or a few days keep
  dbt-duckdb's in-memory temp table, the faster path for the daily run.
  Overrides dbt-duckdb's macro of the same name (called by its incremental materialization;
  there is no config for it). A table left behind by a killed build is replaced by the next.
#}
{% macro duckdb__dispatch_temporary_relation(target_relation, batch_id='') -%}
    {%- set min_date = _window_bound('min_date') -%}
    {%- set max_date = _window_bound('max_date') -%}
    {%- set long_window = min_date and max_date
        and (modules.datetime.date.fromisoformat(max_date) - modules.datetime.date.fromisoformat(min_date)).days > 7 -%}
    {%- if not long_window -%}
        {{ return({'relation': make_temp_relation(target_relation), 'temporary': true}) }}
    {%- endif -%}
    {%- set suffix = '__dbt_staged' ~ (('_' ~ batch_id) if batch_id else '') -%}
    {%- set relation = target_relation.incorporate(
        path={'schema': 'dbt_staging_rows', 'identifier': target_relation.identifier ~ suffix}
    ) -%}
    {%- do run_query(create_schema(relation)) -%}
    {%- do adapter.drop_relation(relation) -%}
    {{ return({'relation': relation, 'temporary': false}) }}
{%- endmacro %}
