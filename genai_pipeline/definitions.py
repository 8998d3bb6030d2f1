"""The code location: one Definitions object for `dagster dev` and the CLI."""

from dagster import Definitions

from genai_pipeline.assets.raw import raw_activity
from genai_pipeline.paths import warehouse_path
from genai_pipeline.resources import WarehouseResource

defs = Definitions(
    assets=[raw_activity],
    resources={"warehouse": WarehouseResource(database=str(warehouse_path()))},
)
