import datetime as dt

import pytest

from genai_pipeline.core.settings import SettingsError, SimulationSettings


def test_defaults_are_the_original_simulator():
    s = SimulationSettings()
    assert (s.base_users, s.growth_rate, s.daily_generation_cap) == (5000, 0.03, 5)
    assert dict(s.tier_activity) == {"free": 1.0, "pro": 3.0, "enterprise": 8.0}
    assert s.daily_churn_rate == 0 and s.max_users == 0


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"base_users": -5}, "base_users=-5: must be a non-negative integer"),
        ({"base_users": 0}, "base_users=0: must be at least 1"),
        ({"tier_mix": {"free": 0.5, "pro": 0.2, "enterprise": 0.2}}, "tier_mix.*must sum to 1"),
        ({"tier_mix": {"free": 1.0}}, "tier_mix.*must have exactly the tiers"),
        ({"success_rate": 1.5}, "success_rate=1.5: must be between 0 and 1"),
        ({"growth_rate": -0.1}, "growth_rate=-0.1: must be >= 0"),
    ],
)
def test_bad_values_are_refused_with_the_setting_named(changes, message):
    with pytest.raises(SettingsError, match=message):
        SimulationSettings(**changes)


def test_env_vars_override_defaults_with_types():
    s = SimulationSettings.from_env(
        {
            "GENAI_BASE_USERS": "500000",
            "GENAI_START_DATE": "2026-01-01",
            "GENAI_TIER_MIX": '{"free": 0.5, "pro": 0.4, "enterprise": 0.1}',
        }
    )
    assert s.base_users == 500000
    assert s.start_date == dt.date(2026, 1, 1)
    assert s.tier_mix["pro"] == 0.4


@pytest.mark.parametrize(
    "env, message",
    [
        ({"GENAI_BASE_USERS": "lots"}, r"base_users='lots': must be an integer"),
        ({"GENAI_START_DATE": "2025-13-01"}, r"start_date='2025-13-01': must be a date"),
        ({"GENAI_TIER_MIX": "[1, 2]"}, r"tier_mix='\[1, 2\]': must be a JSON object"),
    ],
)
def test_unparseable_env_vars_name_the_variable_value(env, message):
    with pytest.raises(SettingsError, match=message):
        SimulationSettings.from_env(env)


def test_unknown_settings_are_refused():
    with pytest.raises(SettingsError, match="unknown setting"):
        SimulationSettings.from_mapping({"base_user": 3})
