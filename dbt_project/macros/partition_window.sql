{#
  The one place the partition window is read. Dagster passes the window of a partition (or of
  a single-run range of partitions) as --vars min_date / max_date, ISO dates, max EXCLUSIVE, so
  consecutive windows never share a day (`between` would double-count the boundary day).
  Either bound may be absent; with both absent nothing is filtered.
#}

{% macro _window_bound(name) -%}
    {%- set value = var(name, none) -%}
    {#- Dagster passes the window as env vars GENAI_WINDOW_MIN_DATE / GENAI_WINDOW_MAX_DATE
        instead: changing --vars invalidates dbt's partial parsing (a full re-parse, seconds,
        every run), and read only at execution time (`execute`), the env vars leave the
        parse cache valid. --vars, when given, win. -#}
    {%- if value is none and execute -%}
        {%- set value = env_var('GENAI_WINDOW_' ~ (name | upper), '') or none -%}
    {%- endif -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = value | string | trim -%}
    {#- Validated because it is pasted into SQL, and a typo must not silently select nothing. -#}
    {%- if not modules.re.match('^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$', value) -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a YYYY-MM-DD date, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}


{#- Boolean SQL predicate restricting `column` to the window, or none when no var is set. -#}
{% macro window_predicate(column) -%}
    {%- set min_date = _window_bound('min_date') -%}
    {%- set max_date = _window_bound('max_date') -%}
    {%- if min_date and max_date and min_date >= max_date -%}
        {{ exceptions.raise_compiler_error(
            "empty partition window: min_date " ~ min_date ~ " >= max_date " ~ max_date
            ~ " (max_date is exclusive)"
        ) }}
    {%- endif -%}
    {%- set clauses = [] -%}
    {%- if min_date -%}{%- do clauses.append(column ~ " >= cast('" ~ min_date ~ "' as date)") -%}{%- endif -%}
    {%- if max_date -%}{%- do clauses.append(column ~ " < cast('" ~ max_date ~ "' as date)") -%}{%- endif -%}
    {{ return(('(' ~ (clauses | join(' and ')) ~ ')') if clauses else none) }}
{%- endmacro %}


{#-
  For incremental models: `where {{ partition_window('generation_date') }}`. Restricts the
  read to the window on incremental runs. A first build or --full-refresh reads all history,
  so the table is complete whatever the window says, except, when a long range is built in
  chunks (genai_pipeline/transform/range_chunks.py), the days the range's later chunks build
  (from this chunk's end to GENAI_WINDOW_RANGE_MAX_DATE): a batch from nothing then reads one
  chunk at a time from its first.
-#}
{% macro partition_window(column) -%}
    {%- if is_incremental() -%}
        {%- set predicate = window_predicate(column) -%}
    {%- else -%}
        {%- set max_date = _window_bound('max_date') -%}
        {%- set range_max_date = _window_bound('range_max_date') -%}
        {%- set predicate = none -%}
        {%- if max_date and range_max_date and range_max_date > max_date -%}
            {%- set predicate = "not (" ~ column ~ " >= cast('" ~ max_date ~ "' as date) and "
                ~ column ~ " < cast('" ~ range_max_date ~ "' as date))" -%}
        {%- endif -%}
    {%- endif -%}
    {{- predicate if predicate else '1 = 1' -}}
{%- endmacro %}


{#- For singular tests: scope a child-side read to the window when the vars are given, whole
    history otherwise (the same rule get_where_subquery applies to generic tests). -#}
{% macro window_filter(column) -%}
    {%- set predicate = window_predicate(column) -%}
    {{- predicate if predicate else '1 = 1' -}}
{%- endmacro %}


{#- For a model kept per key, not per day (dim_users): its row's span of days
    [start_column, end_column] meets the window (a null span meets nothing). -#}
{% macro window_overlaps(start_column, end_column) -%}
    {%- set min_date = _window_bound('min_date') -%}
    {%- set max_date = _window_bound('max_date') -%}
    {%- set clauses = [start_column ~ " is not null"] -%}
    {%- if min_date -%}{%- do clauses.append(end_column ~ " >= cast('" ~ min_date ~ "' as date)") -%}{%- endif -%}
    {%- if max_date -%}{%- do clauses.append(start_column ~ " < cast('" ~ max_date ~ "' as date)") -%}{%- endif -%}
    {{- '(' ~ (clauses | join(' and ')) ~ ')' -}}
{%- endmacro %}
