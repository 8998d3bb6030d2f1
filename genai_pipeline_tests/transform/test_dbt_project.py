"""Rules of the dbt project itself, read from its manifest: keys, contracts, where files live."""

import json
from pathlib import PurePosixPath

import pytest

from genai_pipeline.core.paths import DBT_PROJECT_DIR

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(MANIFEST.read_text())


def models(manifest: dict, *layers: str) -> list[dict]:
    nodes = manifest["nodes"].values()
    return [n for n in nodes if n["resource_type"] == "model" and (not layers or n["fqn"][1] in layers)]


def test_every_model_has_a_primary_key_test(manifest):
    keyed = {
        node["attached_node"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and (node.get("test_metadata") or {}).get("name") == "primary_key"
    }
    assert len(models(manifest)) == 12
    assert [m["name"] for m in models(manifest) if m["unique_id"] not in keyed] == []


def test_the_marts_and_metrics_enforce_a_contract_on_every_column(manifest):
    for model in models(manifest, "marts", "metrics"):
        assert model["config"]["contract"]["enforced"], model["name"]
        assert all(column["data_type"] for column in model["columns"].values()), model["name"]


def test_staging_models_live_in_the_folder_of_their_source(manifest):
    for model in models(manifest, "staging"):
        [source] = {manifest["sources"][parent]["source_name"] for parent in model["depends_on"]["nodes"]}
        assert PurePosixPath(model["original_file_path"]).parent == PurePosixPath("models/staging", source)
    for source in manifest["sources"].values():
        name = source["source_name"]
        assert source["original_file_path"] == f"models/staging/{name}/_{name}__sources.yml"


def test_each_model_is_described_in_its_own_yml_beside_its_sql(manifest):
    for model in models(manifest):
        sql = PurePosixPath(model["original_file_path"])
        assert model["patch_path"] == f"genai_pipeline://{sql.with_suffix('.yml')}", model["name"]
