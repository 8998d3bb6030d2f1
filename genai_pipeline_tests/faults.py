"""The fault catalogue: ways a day of real data breaks, each with the checks it must fail.

A fault is one of:
- frames: the day's raw rows changed, deleted or duplicated before they land (the partitioned
  run then lands and checks them), the way an upstream system breaks;
- state: SQL run on the warehouse before the run, for what an earlier partial or manual
  write leaves behind outside the run's window;
- raw: a landed raw day rewritten before the run (the raw layer is the raw zone's Parquet
  files, not warehouse tables), for the same kind of leftover in the raw data;
- model: one edit of a dbt model in a scratch copy of the project, for rules that only a
  changed model (a join that fans out, a dropped filter) can break;
- metric: a backfill metric's query replaced by a broken one, for the metric checks that
  guard the metric code.
Helpers here edit pandas frames with the raw tables' dtypes (categoricals, nullable ints).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

Frames = dict[str, pd.DataFrame]
DAY = dt.date(2025, 12, 16)  # the run's partition: day 16, after 15 clean days of history


@dataclass(frozen=True)
class RawEdit:
    """A landed table-day rewritten: `sql` over its rows (the view `day_rows`) replaces the
    file of `day`, or, with `without_day`, lands beside it in a folder with no partition day."""

    table: str
    day: dt.date
    sql: str
    without_day: bool = False


@dataclass(frozen=True)
class Fault:
    name: str
    checks: frozenset[str]
    frames: Callable[[Frames], Frames] | None = None
    state: tuple[str, ...] = ()
    raw: tuple[RawEdit, ...] = ()
    model: tuple[str, str, str] | None = None  # (file under dbt_project/, old text, new text)
    metric: Callable[[], dict] | None = field(default=None, repr=False)


def fault(name: str, checks: set[str] | str, **kwargs) -> Fault:
    return Fault(name, frozenset({checks} if isinstance(checks, str) else checks), **kwargs)


# --- editing a day's frames ---------------------------------------------------------------


def editable(frame: pd.DataFrame, column: str) -> None:
    """Widens a column so it takes any value or a null (categoricals, ints, bools)."""
    kind = frame[column].dtype
    if isinstance(kind, pd.CategoricalDtype):
        frame[column] = frame[column].astype(object)
    elif pd.api.types.is_bool_dtype(kind):
        frame[column] = frame[column].astype("boolean")
    elif pd.api.types.is_integer_dtype(kind):
        frame[column] = frame[column].astype("Int64")


def copy(frames: Frames) -> Frames:
    return {table: frame.copy() for table, frame in frames.items()}


def where(frames: Frames, table: str, mask: Callable[[pd.DataFrame], pd.Series] | None = None, nth: int = 0):
    """The index label of the nth row of `table` matching `mask`."""
    frame = frames[table]
    labels = frame.index[mask(frame)] if mask is not None else frame.index
    return labels[nth]


def set_cells(table: str, changes: dict[str, object], mask=None, nth: int = 0) -> Callable[[Frames], Frames]:
    """A fault that sets columns of one row (the nth matching `mask`)."""

    def apply(frames: Frames) -> Frames:
        frames = copy(frames)
        label = where(frames, table, mask, nth)
        for column, value in changes.items():
            editable(frames[table], column)
            frames[table].loc[label, column] = value(frames[table].loc[label]) if callable(value) else value
        return frames

    return apply


def set_all(table: str, changes: dict[str, object], mask) -> Callable[[Frames], Frames]:
    """A fault that sets columns of every row `mask` selects."""

    def apply(frames: Frames) -> Frames:
        frames = copy(frames)
        labels = frames[table].index[mask(frames[table])]
        for column, value in changes.items():
            editable(frames[table], column)
            frames[table].loc[labels, column] = value
        return frames

    return apply


def duplicate_row(table: str, mask=None, nth: int = 0, **changes) -> Callable[[Frames], Frames]:
    """A fault that lands one row twice (optionally changed), the way a retried upload does."""

    def apply(frames: Frames) -> Frames:
        frames = copy(frames)
        row = frames[table].loc[[where(frames, table, mask, nth)]].copy()
        for column, value in changes.items():
            editable(row, column)
            row[column] = value
        frames[table] = pd.concat([frames[table], row], ignore_index=True)
        return frames

    return apply


def keep_sessions(frames: Frames, keep: Callable[[pd.DataFrame], pd.Series]) -> Frames:
    """Only the sessions `keep` selects, with their prompts and generations."""
    frames = copy(frames)
    sessions = frames["sessions"][keep(frames["sessions"])]
    kept = set(sessions["session_id"])
    frames["sessions"] = sessions
    frames["prompts"] = frames["prompts"][frames["prompts"]["session_id"].isin(kept)]
    frames["generations"] = frames["generations"][frames["generations"]["session_id"].isin(kept)]
    return frames


def status(*names: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda frame: frame["status"].astype(object).isin(names)


def single_attempt(value: str) -> Callable[[pd.DataFrame], pd.Series]:
    """Generations of `value` status that are their prompt's only attempt."""

    def mask(frame: pd.DataFrame) -> pd.Series:
        attempts = frame.groupby("prompt_id")["generation_id"].transform("count")
        return (frame["status"].astype(object) == value) & (attempts == 1)

    return mask


def at(day: dt.date, clock: str) -> pd.Timestamp:
    return pd.Timestamp(f"{day.isoformat()} {clock}")
