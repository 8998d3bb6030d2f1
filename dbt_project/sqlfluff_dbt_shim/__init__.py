"""dbt Jinja context that sqlfluff's jinja templater (apply_dbt_builtins) lacks.

Lint-only stand-ins, loaded through `library_path` in .sqlfluff: every public name here
becomes a Jinja global and overrides sqlfluff's own dbt builtin of the same name (`var`).
The SQL the dbt.* helpers render is what dbt-duckdb renders, so the linter sees real DuckDB.
Nothing here is used by dbt itself.
"""

import datetime as _datetime
import os as _os
import re as _re
from pathlib import Path as _Path
from types import SimpleNamespace as _NS

import yaml as _yaml
from jinja2 import pass_context as _pass_context

_PROJECT = _yaml.safe_load((_Path(__file__).parent.parent / "dbt_project.yml").read_text())

# --vars as Dagster passes them for one partition: renders the windowed branch of
# macros/partition_window.sql (is_incremental() is always true under sqlfluff).
_VARS = {
    **(_PROJECT.get("vars") or {}),
    "min_date": "2024-01-01",
    "max_date": "2024-01-02",
}

execute = True


def var(name, default=None):
    return _VARS.get(name, default)


def env_var(name, default=None):
    return _os.environ.get(name, default)


class _CompilerError(Exception):
    pass


def _raise_compiler_error(message):
    raise _CompilerError(message)


exceptions = _NS(raise_compiler_error=_raise_compiler_error, warn=lambda message: "")
modules = _NS(re=_re, datetime=_datetime)
target = _NS(name="dev", schema="main", database="genai", type="duckdb", threads=1)


@_pass_context
def _dispatch(context, macro_name, macro_namespace=None):
    for prefix in ("duckdb__", "default__"):
        macro = context.get(prefix + macro_name)
        if macro is not None:
            return macro
    raise _CompilerError(f"no duckdb__/default__ implementation of {macro_name}")


def _get_columns_in_relation(relation):
    """A built table's columns: lint reads an incremental model as a run on a table of today's
    schema, so dim_users' probe for its stored sums finds them (the additive branch is linted)."""
    return [_NS(name="friction_score_sum_with_generations")]


adapter = _NS(dispatch=_dispatch, get_columns_in_relation=_get_columns_in_relation)


def _datediff(first_date, second_date, datepart):
    return f"(date_diff('{datepart}', ({first_date})::timestamp, ({second_date})::timestamp))"


def _dateadd(datepart, interval, from_date_or_timestamp):
    return f"({from_date_or_timestamp} + cast({interval} as bigint) * interval 1 {datepart})"


dbt = _NS(
    datediff=_datediff,
    dateadd=_dateadd,
    length=lambda expression: f"length({expression})",
    replace=lambda field, old_chars, new_chars: f"replace({field}, {old_chars}, {new_chars})",
)
