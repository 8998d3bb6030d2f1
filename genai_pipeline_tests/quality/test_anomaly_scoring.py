"""The anomaly score on its own: the simulator's 30 clean days, a volume drop, short history."""

import datetime as dt

import pytest

from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.quality.anomaly_scoring import METRICS, MIN_HISTORY_DAYS, Z_THRESHOLD, score_day
from genai_pipeline.simulation import generate_day


def daily_kpis(frames) -> dict:
    """The four KPIs exactly as daily_metrics computes them, from one simulated day."""
    gens = frames["generations"]
    successes = int((gens["status"] == "success").sum())
    return {
        "generations": len(gens),
        "revenue_usd": float(gens["revenue_usd"].sum()),
        "success_rate_pct": round(100.0 * successes / len(gens), 2),
        "new_users": len(frames["users"]),
    }


@pytest.fixture(scope="module")
def clean_month() -> dict[dt.date, dict]:
    settings = SimulationSettings.from_env()
    days = [settings.start_date + dt.timedelta(days=i) for i in range(30)]
    return {day: daily_kpis(generate_day(settings, day)) for day in days}


def series(month: dict, metric: str) -> dict:
    return {day: kpis[metric] for day, kpis in month.items()}


@pytest.mark.parametrize("metric", sorted(METRICS))
def test_a_clean_simulated_month_has_no_anomalous_day(clean_month, metric):
    scores = [score_day(series(clean_month, metric), day, METRICS[metric]) for day in clean_month]
    scored = [s for s in scores if s.scored]
    assert len(scored) == 30 - MIN_HISTORY_DAYS
    assert [s.as_row() for s in scored if s.anomalous] == []
    # Not merely under the threshold: clearly under it.
    assert max(abs(s.z) for s in scored) < Z_THRESHOLD * 0.75


@pytest.mark.parametrize("metric", ["generations", "revenue_usd"])
def test_a_day_with_a_tenth_of_its_volume_is_anomalous(clean_month, metric):
    values = series(clean_month, metric)
    day = max(values)
    values[day] *= 0.1
    score = score_day(values, day, METRICS[metric])
    assert score.anomalous and score.z < -5 * Z_THRESHOLD


def test_a_success_rate_falling_five_points_is_anomalous(clean_month):
    values = series(clean_month, "success_rate_pct")
    day = max(values)
    values[day] -= 5
    assert score_day(values, day, METRICS["success_rate_pct"]).anomalous


def test_a_day_without_enough_history_is_left_unscored(clean_month):
    values = series(clean_month, "generations")
    first = min(values)
    short = score_day(values, first + dt.timedelta(days=MIN_HISTORY_DAYS - 1), METRICS["generations"])
    enough = score_day(values, first + dt.timedelta(days=MIN_HISTORY_DAYS), METRICS["generations"])
    assert (short.scored, short.history_days, short.anomalous) == (False, MIN_HISTORY_DAYS - 1, False)
    assert enough.scored


def test_a_missing_history_day_counts_against_the_minimum(clean_month):
    values = series(clean_month, "generations")
    first = min(values)
    del values[first + dt.timedelta(days=3)]
    assert not score_day(values, first + dt.timedelta(days=MIN_HISTORY_DAYS), METRICS["generations"]).scored


def test_a_formula_driven_series_does_not_alert_on_rounding():
    # Residuals of a near-perfect line are ~0: without the spread floor, +1 would be huge.
    start = dt.date(2026, 1, 1)
    values = {start + dt.timedelta(days=i): 100 + 3 * i for i in range(15)}
    values[start + dt.timedelta(days=14)] += 1
    score = score_day(values, start + dt.timedelta(days=14), METRICS["new_users"])
    assert score.scored and not score.anomalous


def test_scores_are_plain_floats_that_dagster_metadata_can_store(clean_month):
    score = score_day(series(clean_month, "generations"), max(clean_month), METRICS["generations"])
    assert all(type(v) is float for v in (score.value, score.expected, score.spread, score.z))
