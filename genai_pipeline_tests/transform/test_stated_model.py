"""The dbt project judges the data against the simulation's stated model (vars in
dbt_project.yml): those vars must be the simulation's own settings and constants."""

import dataclasses

import yaml

from genai_pipeline.core.paths import DBT_PROJECT_DIR
from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.simulation import model, population
from genai_pipeline.simulation.schema import COUNTRIES, DEVICES, GENERATION_STATUSES, MODELS

PROJECT_VARS = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]


def test_every_stated_setting_is_the_simulations_default():
    stated = PROJECT_VARS["simulation"]
    defaults = {f.name: getattr(SimulationSettings(), f.name) for f in dataclasses.fields(SimulationSettings)}
    shared = [name for name in stated if name in defaults]
    assert len(shared) >= 15
    for name in shared:
        value = defaults[name]
        expected = value.isoformat() if name == "start_date" else dict(value) if isinstance(value, dict) else value
        assert stated[name] == expected, name


def test_every_stated_constant_is_the_simulations():
    stated = PROJECT_VARS["simulation"]
    assert stated["model_media"] == MODELS
    assert stated["failure_mix"] == dict(zip(GENERATION_STATUSES[1:], model.FAILURE_MIX, strict=True))
    assert stated["download_rate"] == model.DOWNLOAD_RATE
    assert stated["thumbs_up_rate"] == model.THUMBS_UP_RATE
    assert stated["device_mix"] == dict(zip(DEVICES, model.DEVICE_MIX, strict=True))
    assert stated["country_mix"] == dict(zip(COUNTRIES, population.COUNTRY_MIX, strict=True))


def test_the_latency_budgets_are_the_models_timeouts():
    timeouts = {media: int(timeout) for media, timeout in zip(model.MODEL_MEDIA, model.MODEL_TIMEOUT_MS, strict=True)}
    assert PROJECT_VARS["latency_budget_ms"] == timeouts
