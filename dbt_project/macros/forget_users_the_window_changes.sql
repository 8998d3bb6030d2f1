{#
  dim_users' pre-hook on an incremental run: delete every user whose row the run's window can
  change, so that the model inserts them again, summed over their whole history. A user's row
  changes only with its inputs, so these are the users with a row of the window in stg_users
  (landed in it now) or in fct_user_days (active in it now), and the stored rows that came from
  the window's days (signed up in it, or a span of active days that meets it: a user whose day
  was dropped must lose it, a user landed again on another day must move). Deleting too many
  costs only time; missing one would leave a stale row, which assert_lifetime_totals_reconcile
  reports. With no window at all, every user is rebuilt.
#}
{% macro forget_users_the_window_changes() -%}
    {%- if is_incremental() -%}
        {%- set signed_up = window_predicate('signup_date') -%}
        {%- if signed_up is none -%}
            delete from {{ this }}
        {%- else -%}
            delete from {{ this }}
            where {{ signed_up }}
                or {{ window_overlaps('first_active_date', 'last_active_date') }}
                or user_id in (select user_id from {{ ref('stg_users') }} where {{ signed_up }})
                or user_id in (
                    select user_id from {{ ref('fct_user_days') }}
                    where {{ window_predicate('activity_date') }}
                )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
