"""Under `dagster dev` the code location parses the dbt project only when a file dbt parses
changed after the manifest was written (every run worker loads the code location too)."""

import os
from pathlib import Path

from genai_pipeline.transform.project import manifest_is_current


def _project(root: Path) -> Path:
    (root / "models").mkdir(parents=True)
    (root / "models" / "a.sql").write_text("select 1")
    (root / "dbt_project.yml").write_text("name: p")
    (root / "target").mkdir()
    manifest = root / "target" / "manifest.json"
    manifest.write_text("{}")
    os.utime(manifest, (2_000_000_000, 2_000_000_000))
    return manifest


def test_a_manifest_written_after_every_dbt_file_is_current(tmp_path):
    manifest = _project(tmp_path)
    # dbt's own output and state, newer than the manifest, are not what it parses
    for name in ("target/run_results.json", "logs/dbt.log", ".user.yml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
        os.utime(tmp_path / name, (2_000_000_100, 2_000_000_100))
    assert manifest_is_current(tmp_path, manifest)


def test_a_model_changed_after_the_manifest_makes_it_stale(tmp_path):
    manifest = _project(tmp_path)
    os.utime(tmp_path / "models" / "a.sql", (2_000_000_100, 2_000_000_100))
    assert not manifest_is_current(tmp_path, manifest)


def test_a_missing_manifest_is_not_current(tmp_path):
    manifest = _project(tmp_path)
    manifest.unlink()
    assert not manifest_is_current(tmp_path, manifest)
