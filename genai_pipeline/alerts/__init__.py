"""Alerts on failed asset checks: the sensor and the alert sinks (failing-row samples
travel in the check results' metadata: see genai_pipeline/transform/runner.py)."""
