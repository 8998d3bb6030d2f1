"""The instance stage's definitions: the sensor that fails runs whose worker died."""

from dagster import Definitions

from genai_pipeline.instance.run_recovery import dead_run_worker_sensor

defs = Definitions(sensors=[dead_run_worker_sensor])
