{#
  Window-scoped tests. dbt wraps the model of every generic test in get_where_subquery(), which
  by default applies the test's `where` config. dbt_project.yml sets `where` to the marker
  `__partition_window__` for all tests; here, at run time (vars change every run, so this
  cannot be decided at parse time), the marker becomes the partition window on the tested
  relation's day column, declared as `meta: {partition_column: <col>}` on the model or source.

  - vars min_date/max_date given, day column declared: the test reads only the window rows;
  - no vars (standalone `dbt test`), or no day column (e.g. dim_users, kept per user): the
    test reads the whole relation, unwrapped;
  - the marker may be combined with other SQL (`__partition_window__ and status = 'success'`);
  - any other `where` behaves exactly as in dbt's default;
  - primary_key always gets the whole relation: it looks the window's keys up in the whole
    history, and applies the window itself.
  Only the tested model is filtered: the parent side of `relationships` (its `to`) is not, so
  a window row whose parent lives on another day still passes.
#}
{% macro get_where_subquery(relation) -%}
    {%- set marker = '__partition_window__' -%}
    {%- set where = config.get('where') -%}
    {%- if (model.get('test_metadata') or {}).get('name') == 'primary_key' -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- if where and marker in where -%}
        {%- set column = _tested_partition_column(relation) -%}
        {%- set predicate = window_predicate(column) if column else none -%}
        {%- if predicate is none and (where | trim) == marker -%}
            {{ return(relation) }}
        {%- endif -%}
        {%- set where = where | replace(marker, predicate or '1 = 1') -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}


{#- The tested node is whichever of the test's parents is `relation` (a relationships test has
    two parents); its meta.partition_column names its day column. -#}
{% macro _tested_partition_column(relation) -%}
    {%- set found = namespace(column=none) -%}
    {%- for unique_id in model.depends_on.nodes -%}
        {%- set node = graph.nodes.get(unique_id) or graph.sources.get(unique_id) -%}
        {%- if node -%}
            {%- set identifier = node.get('alias') or node.get('identifier') or node.name -%}
            {%- if (identifier | lower) == (relation.identifier | lower)
                   and (node.schema | lower) == (relation.schema | lower) -%}
                {%- set meta = node.config.get('meta') or node.get('meta') or {} -%}
                {%- set found.column = meta.get('partition_column') -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found.column) }}
{%- endmacro %}
