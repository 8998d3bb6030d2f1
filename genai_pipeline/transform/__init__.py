"""dbt as Dagster assets: the project handle, the in-process runner, the assets and their
translator. Every dbt test is an asset check."""
