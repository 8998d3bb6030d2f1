import datetime as dt

import numpy as np
import pandas as pd
import pytest

from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.simulation import generate_day, signup_counts
from genai_pipeline.simulation.schema import GENERATION_STATUSES, RAW_TABLES

START = dt.date(2025, 12, 1)


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n - 1)


def test_the_same_day_twice_gives_identical_rows():
    first = generate_day(SimulationSettings(), day(4))
    second = generate_day(SimulationSettings(), day(4))
    for table in RAW_TABLES:
        pd.testing.assert_frame_equal(first[table], second[table])


def test_a_day_does_not_depend_on_which_days_ran_before():
    settings = SimulationSettings()
    in_order = [generate_day(settings, day(n)) for n in (1, 2, 3)]
    shuffled = {n: generate_day(SimulationSettings(seed=42), day(n)) for n in (3, 1, 2)}
    for n, frames in zip((1, 2, 3), in_order, strict=True):
        for table in RAW_TABLES:
            pd.testing.assert_frame_equal(frames[table], shuffled[n][table])


def test_another_seed_gives_other_rows():
    a = generate_day(SimulationSettings(seed=1), day(2))["generations"]
    b = generate_day(SimulationSettings(seed=2), day(2))["generations"]
    assert not a["latency_ms"].equals(b["latency_ms"])


def test_growth_formula_is_exact_for_day_one_and_day_n():
    settings = SimulationSettings(base_users=5000)
    counts = signup_counts(settings, 30)
    assert counts[0] == 2000
    for n in (2, 10, 30):
        assert counts[n - 1] == round(5000 * 0.02 * 1.03 ** (n - 1))
    assert len(generate_day(settings, day(10))["users"]) == counts[9]


def test_saturating_growth_never_exceeds_the_market():
    settings = SimulationSettings(base_users=5000, max_users=8000)
    counts = signup_counts(settings, 365)
    assert counts.sum() <= 8000
    assert counts[-30:].sum() < counts[1:31].sum()


def test_churn_makes_old_users_go_quiet():
    stay = generate_day(SimulationSettings(), day(60))["generations"]
    churn = generate_day(SimulationSettings(daily_churn_rate=0.05), day(60))["generations"]
    assert len(churn) < 0.6 * len(stay)


def test_mean_generations_per_tier_follow_poisson_capped_at_five():
    settings = SimulationSettings(base_users=200_000)
    frames = generate_day(settings, day(1))
    users = frames["users"][["user_id", "user_tier"]]
    per_user = frames["generations"].groupby("user_id").size().rename("n")
    joined = users.merge(per_user, left_on="user_id", right_index=True, how="left").fillna({"n": 0})
    assert joined["n"].max() <= 5
    rng = np.random.default_rng(0)
    for tier, activity in {"free": 1, "pro": 3, "enterprise": 8}.items():
        expected = np.minimum(rng.poisson(activity * 0.5, 1_000_000), 5).mean()
        observed = joined.loc[joined["user_tier"] == tier, "n"]
        tolerance = 4 * observed.std() / np.sqrt(len(observed))
        assert abs(observed.mean() - expected) < tolerance, tier


def test_the_tier_mix_of_signups_is_the_configured_one_within_binomial_bounds():
    settings = SimulationSettings(base_users=200_000)
    tiers = generate_day(settings, day(1))["users"]["user_tier"].astype(object)
    for tier, share in settings.tier_mix.items():
        observed = (tiers == tier).mean()
        assert abs(observed - share) < 4 * np.sqrt(share * (1 - share) / len(tiers)), tier
    skewed = generate_day(settings.replace(tier_mix={"free": 0.4, "pro": 0.35, "enterprise": 0.25}), day(1))["users"]
    assert abs((skewed["user_tier"].astype(object) == "free").mean() - 0.7) > 0.25  # the check can tell


def test_success_rate_is_the_configured_one_and_successes_cost_money():
    settings = SimulationSettings(base_users=100_000)
    gens = generate_day(settings, day(1))["generations"]
    success = gens["status"] == "success"
    p = settings.success_rate
    assert abs(success.mean() - p) < 4 * np.sqrt(p * (1 - p) / len(gens))
    assert (gens.loc[success, "cost_usd"] > 0).all()
    assert (gens.loc[success, "revenue_usd"] > 0).all()
    assert (gens.loc[~success, "revenue_usd"] == 0).all()
    assert set(gens["status"]) <= set(GENERATION_STATUSES)
    assert not gens.loc[~success, "downloaded"].any()


def test_raw_rows_hold_their_references_and_time_order():
    settings = SimulationSettings()
    history = [generate_day(settings, day(n)) for n in (1, 2, 3)]
    users = pd.concat([h["users"] for h in history])
    latest = history[-1]
    sessions, prompts, gens = latest["sessions"], latest["prompts"], latest["generations"]
    assert gens["prompt_id"].isin(prompts["prompt_id"]).all()
    assert gens["session_id"].isin(sessions["session_id"]).all()
    assert gens["user_id"].isin(users["user_id"]).all()
    assert prompts["session_id"].isin(sessions["session_id"]).all()
    assert (sessions["session_end"] >= sessions["session_start"]).all()
    signup = sessions.merge(users, on="user_id")
    assert (signup["signup_at"] <= signup["session_start"]).all()
    in_session = gens.merge(sessions, on="session_id")
    assert in_session["created_at"].between(in_session["session_start"], in_session["session_end"]).all()
    with_prompt = gens.merge(prompts[["prompt_id", "created_at"]], on="prompt_id", suffixes=("", "_prompt"))
    assert (with_prompt["created_at"] >= with_prompt["created_at_prompt"]).all()
    for frame in latest.values():
        assert frame.filter(regex="_at$|session_start|session_end").apply(lambda c: c.dt.date.eq(day(3)).all()).all()


def test_retries_reuse_the_prompt_of_a_failed_attempt():
    gens = generate_day(SimulationSettings(base_users=50_000), day(1))["generations"]
    retries = gens[gens["attempt_number"] > 1]
    assert len(retries) > 0
    previous = gens.set_index("generation_id").loc[retries["generation_id"] - 1]
    assert (previous["prompt_id"].to_numpy() == retries["prompt_id"].to_numpy()).all()
    assert set(previous["status"]) <= {"failed", "timeout"}


def test_ids_are_unique_across_days():
    settings = SimulationSettings()
    for table, key in (("generations", "generation_id"), ("sessions", "session_id"), ("users", "user_id")):
        ids = pd.concat([generate_day(settings, day(n))[table][key] for n in (1, 2, 3)])
        assert ids.is_unique, table


def test_a_day_before_the_start_is_refused():
    from genai_pipeline.core.settings import SettingsError

    with pytest.raises(SettingsError, match="before the simulation start"):
        generate_day(SimulationSettings(), START - dt.timedelta(days=1))


def test_prompt_texts_include_risky_keywords_at_a_low_rate():
    prompts = generate_day(SimulationSettings(base_users=20_000), day(1))["prompts"]["prompt_text"]
    risky = prompts.str.contains("violent|bloody|gun|weapon|hateful|nude")
    assert 0.05 < risky.mean() < 0.4


def test_a_day_past_the_population_limit_is_refused_with_the_settings_to_use():
    from genai_pipeline.core.settings import SettingsError

    with pytest.raises(SettingsError, match="GENAI_MAX_USERS"):
        generate_day(SimulationSettings(), START + dt.timedelta(days=360))
    capped = SimulationSettings(max_users=50_000)
    assert len(generate_day(capped, START + dt.timedelta(days=360))["users"]) < 100
