"""The raw asset: each daily partition lands one simulated day into the raw zone's Parquet
files (users, sessions, prompts, generations), one file per table and day.

It opens no warehouse and takes no pool: the files are its only output, so it runs beside a
dbt build or another run's landing, and a range's days land in parallel processes.
"""

from collections.abc import Iterator

from dagster import (
    AssetExecutionContext,
    AssetSpec,
    BackfillPolicy,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from genai_pipeline.core.partitions import daily_partitions, partition_days
from genai_pipeline.core.paths import RawZonePathError, writable_raw_zone
from genai_pipeline.core.settings import SettingsError, SimulationSettings
from genai_pipeline.core.warehouse import WarehouseResource
from genai_pipeline.landing.raw_tables import land_days, landing_workers
from genai_pipeline.simulation.population import population
from genai_pipeline.simulation.schema import RAW_TABLES

RAW_KEYS = {table: ["raw", table] for table in RAW_TABLES}


class RawActivityConfig(Config):
    """Per-run overrides of the simulation settings (env vars GENAI_* are the defaults)."""

    base_users: int | None = None
    growth_rate: float | None = None
    success_rate: float | None = None
    daily_churn_rate: float | None = None
    max_users: int | None = None
    seed: int | None = None

    def settings(self) -> SimulationSettings:
        overrides = {k: v for k, v in self.model_dump().items() if v is not None}
        try:
            return SimulationSettings.from_env().replace(**overrides)
        except SettingsError as error:
            raise Failure(description=str(error)) from None


@multi_asset(
    specs=[
        AssetSpec(key, description=f"Simulated raw {table}, one UTC day per partition.", group_name="raw")
        for table, key in RAW_KEYS.items()
    ],
    partitions_def=daily_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    can_subset=False,
)
def raw_activity(
    context: AssetExecutionContext, config: RawActivityConfig, warehouse: WarehouseResource
) -> Iterator[MaterializeResult]:
    # The warehouse resource only names the file: the raw zone's default is beside it, so a
    # run pointed at another warehouse lands and reads its own raw zone. It is never opened.
    settings = config.settings()
    days = partition_days(context)
    try:
        settings.day_number(days[0])
        # Checked before anything is written: an over-limit day fails with nothing landed.
        population(settings, settings.day_number(days[-1]))
        workers = landing_workers()
        root = writable_raw_zone(warehouse=warehouse.path())
    except (SettingsError, RawZonePathError) as error:
        raise Failure(description=str(error)) from None
    stats = land_days(root, settings, days, workers=workers)
    context.log.info(
        f"landed {len(days)} day(s) into {root} ({min(workers, len(days))} process(es)): {stats.to_dict('records')}"
    )
    generations = int(stats["generations"].sum())
    success_pct = 100.0 * int(stats["successes"].sum()) / generations if generations else 0.0
    for table, key in RAW_KEYS.items():
        # One result covers every partition of a range run, so a per-day row count
        # would be wrong there: ranges report their totals under their own names.
        rows = int(stats[table].sum())
        metadata = {"dagster/row_count": rows} if len(days) == 1 else {"rows_in_run": rows, "days_in_run": len(days)}
        if table == "generations":
            metadata["revenue_usd"] = MetadataValue.float(round(float(stats["revenue_usd"].sum()), 2))
            metadata["success_rate_pct"] = MetadataValue.float(round(success_pct, 2))
        yield MaterializeResult(asset_key=key, metadata=metadata)
