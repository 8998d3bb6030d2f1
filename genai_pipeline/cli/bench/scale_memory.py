"""`bench scale`'s memory lines: the month's and the year's peaks taken apart by step and by
dbt build (bench/memory_trace.py), each build beside the days of history under it and the
generations in its window (the largest table's rows, to which the runner sizes its builds)."""

import datetime as dt
import statistics
from pathlib import Path
from typing import Protocol

from genai_pipeline.cli.bench.memory_trace import BuildPeak, RssTrace, build_peaks, instance_of, step_peaks
from genai_pipeline.core.paths import raw_zone_path
from genai_pipeline.transform.range_chunks import generations_per_day


class SampledRun(Protocol):
    peak_rss_mb: float
    rss: RssTrace


def _generations(env: dict[str, str], build: BuildPeak) -> int:
    window = {"min_date": build.min_date.isoformat(), "max_date": build.max_date.isoformat()}
    return sum(generations_per_day(raw_zone_path(warehouse=Path(env["GENAI_DUCKDB_PATH"])), window).values())


def _mb(value: float | None) -> str:
    return "not sampled" if value is None else f"{value:,.0f} MB"


def _build(env: dict[str, str], build: BuildPeak, first_day: dt.date) -> str:
    history = (build.min_date - first_day).days
    return (
        f"build {build.number} ({history} days of history, {_generations(env, build):,} generations in its window) "
        f"{_mb(build.peak_mb)}"
    )


def _peaks(env: dict[str, str], run: SampledRun) -> tuple[dict[str, float], list[BuildPeak]]:
    """The run's peak by step and by dbt build, from its home's last successful run."""
    with instance_of(env["DAGSTER_HOME"]) as instance:
        return step_peaks(instance, run.rss), build_peaks(instance, run.rss)


def memory_lines(month_env: dict[str, str], month: SampledRun, year_env: dict[str, str], year: SampledRun) -> list[str]:
    """Lines for the report: the peak while each step ran, then each dbt build's."""
    month_steps, month_builds = _peaks(month_env, month)
    year_steps, year_builds = _peaks(year_env, year)
    first_day = year_builds[0].min_date
    picked = sorted({0, 1, *(len(year_builds) * q // 4 - 1 for q in (2, 3)), len(year_builds) - 1} - {-1})
    lines = [
        "  peak RSS sampled while each step ran, month / year: "
        + ", ".join(
            f"{key} {_mb(month_steps.get(key))} / {_mb(peak)}"
            for key, peak in sorted(year_steps.items(), key=lambda i: -i[1])
        )
        + f" (the runs' peaks, wait4: {month.peak_rss_mb:,.0f} / {year.peak_rss_mb:,.0f} MB)",
        "  the month's dbt step: " + "; ".join(_build(month_env, b, first_day) for b in month_builds),
        f"  the year's dbt step, {len(year_builds)} build(s): "
        + ", ".join(_build(year_env, year_builds[i], first_day) for i in picked if i < len(year_builds)),
    ]
    later = [b for b in year_builds[1:] if b.peak_mb is not None]
    if len(later) >= 2:
        peaks = [b.peak_mb for b in later]
        halves = (later[: len(later) // 2], later[len(later) // 2 :])
        lines.append(
            f"  the year's builds after the first: peak RSS {min(peaks):,.0f}-{max(peaks):,.0f} MB, "
            f"median {statistics.median(peaks):,.0f} MB; "
            + " against ".join(
                f"builds {h[0].number}-{h[-1].number} ({(h[0].min_date - first_day).days}-"
                f"{(h[-1].min_date - first_day).days} days of history) {statistics.mean(b.peak_mb for b in h):,.0f} MB "
                "on average"
                for h in halves
            )
        )
    return lines


def floor_line(floor_env: dict[str, str], floor: SampledRun, history_days: int, year: SampledRun) -> str:
    """The floor of the year's memory: a window of late-year-sized days as one batch run on
    ``history_days`` days of history, so its builds are as large as the year's without the
    year under them."""
    steps, builds = _peaks(floor_env, floor)
    first_day = builds[0].min_date - dt.timedelta(days=history_days)
    days = (builds[-1].max_date - builds[0].min_date).days
    return (
        f"  the year's memory floor, {days} days at least as large as the year's last as one batch run on {history_days} "
        "days of history: "
        + "; ".join(_build(floor_env, b, first_day) for b in builds)
        + f"; by step {', '.join(f'{k} {_mb(v)}' for k, v in sorted(steps.items(), key=lambda i: -i[1])[:3])}; "
        f"run peak {floor.peak_rss_mb:,.0f} MB: the year's is {year.peak_rss_mb / floor.peak_rss_mb:.2f}x it"
    )
