"""The transform stage's definitions: the dbt assets and the dbt resource."""

from dagster import Definitions

from genai_pipeline.transform.assets import dbt_models
from genai_pipeline.transform.project import make_dbt_resource

defs = Definitions(assets=[dbt_models], resources={"dbt": make_dbt_resource()})
