{#
  dim_users' pre-hook on an incremental run: delete every stored row the run's window can
  change other than by adding days to it, so that the model sums those users again over their
  whole history. These are the rows that came from the window's days (signed up in it, or a
  span of active days that meets it: a user whose day was dropped must lose it, a user landed
  again on another day must move) and the users landed in the window now (stg_users: their
  attributes). Every stored row left has no day in the window, so the model can add the
  window's days to it. Deleting too many costs only time; missing one would leave a stale
  row, which assert_lifetime_totals_reconcile reports. With no window at all, or on a table
  built before it kept the friction mean's sum and count, every user is rebuilt.
#}
{% macro forget_users_the_window_changes() -%}
    {%- if is_incremental() -%}
        {%- set signed_up = window_predicate('signup_date') -%}
        {%- if signed_up is none or not dim_users_keeps_its_sums() -%}
            delete from {{ this }}
        {%- else -%}
            delete from {{ this }}
            where {{ signed_up }}
                or {{ window_overlaps('first_active_date', 'last_active_date') }}
                or user_id in (select user_id from {{ ref('stg_users') }} where {{ signed_up }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- Whether the stored dim_users has the sums a run adds days to. A table built before they
    were kept gets them as new columns (on_schema_change: append_new_columns) on a run that
    rebuilds every user, so an existing warehouse needs no --full-refresh. -#}
{% macro dim_users_keeps_its_sums() -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {{ return('sessions_with_generations' in columns and 'friction_score_sum_with_generations' in columns) }}
{%- endmacro %}
