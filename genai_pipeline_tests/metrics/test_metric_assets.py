"""Backfill metrics: each metric's logic table-driven on hand-made mart rows (in-memory
DuckDB, no dbt), the window write and its checks, and the registry -> Dagster assets."""

import datetime as dt
from decimal import Decimal

import duckdb
import pytest
from dagster import AssetKey, BackfillPolicy
from metrics_support import insert, marts_connection

from genai_pipeline.core.checksums import table_checksums
from genai_pipeline.core.partitions import daily_partitions
from genai_pipeline.metrics import library as lib
from genai_pipeline.metrics.assets import GROUP, build_metric_asset
from genai_pipeline.metrics.catalog import registered_metrics
from genai_pipeline.metrics.checks import evaluate_checks
from genai_pipeline.metrics.spec import Column, MetricWindow, backfill_metric, unregister_metric
from genai_pipeline.metrics.store import preview_counts, write_window
from genai_pipeline.simulation.prompts import PROMPT_TEXTS, SUBJECTS

D1, D2, D3 = dt.date(2025, 12, 1), dt.date(2025, 12, 2), dt.date(2025, 12, 3)
METRICS = ["prompt_toxicity", "user_lifetime_value", "session_engagement_score", "generation_quality_flag"]


@pytest.fixture
def conn():
    conn = marts_connection()
    yield conn
    conn.close()


def compute(conn, name: str, start=D1, end=D2) -> list[tuple]:
    relation = registered_metrics()[name].compute(conn, MetricWindow(start, end))
    return relation.order("all").fetchall()


# --- prompt_toxicity


@pytest.mark.parametrize(
    "text, score, keywords",
    [
        ("a red fox in watercolor at sunset", Decimal("0"), []),
        ("a gun duel in anime style", Decimal("0.68"), ["duel", "gun"]),  # 1 - (1-.6)(1-.2)
        ("a hateful mob", Decimal("0.93"), ["hateful", "mob"]),
        ("A BLOODY Battlefield", Decimal("0.79"), ["battlefield", "bloody"]),  # case-insensitive
        ("gun gun gun", Decimal("0.6"), ["gun"]),  # a word counts once
        ("gunther, bloodless and mobile", Decimal("0"), []),  # whole words only
        ("nude: a statue!", Decimal("0.8"), ["nude"]),  # punctuation splits words
        ("", Decimal("0"), []),
        (None, Decimal("0"), []),  # no text: nothing risky said
    ],
)
def test_prompt_toxicity_scores_keywords(conn, text, score, keywords):
    insert(conn, "dim_prompts", [(1, text, D1)])
    assert compute(conn, "prompt_toxicity") == [(1, D1, score, keywords)]


def test_toxicity_is_in_range_for_the_whole_simulated_vocabulary_and_flags_the_risky_subjects(conn):
    insert(conn, "dim_prompts", [(i, text, D1) for i, text in enumerate(PROMPT_TEXTS)])
    rows = compute(conn, "prompt_toxicity")
    assert len(rows) == len(PROMPT_TEXTS)
    assert all(Decimal(0) <= score <= Decimal(1) for _, _, score, _ in rows)
    risky = {subject for subject in SUBJECTS if any(word in lib.TOXIC_KEYWORDS for word in subject.split())}
    assert len(risky) == 6
    for prompt_id, _, score, _ in rows:
        assert (score > 0) == any(str(PROMPT_TEXTS[prompt_id]).startswith(s + " ") for s in risky)


# --- user_lifetime_value


def test_ltv_accumulates_revenue_to_date_with_tier_multipliers(conn):
    insert(conn, "dim_users", [(1, "free", D1), (2, "pro", D1), (3, "enterprise", D2), (4, "free", D1)])
    insert(
        conn,
        "fct_sessions",
        [
            (10, 1, D1, Decimal("1.50"), 1, 1, 0, 0),
            (11, 1, D2, Decimal("0.25"), 1, 1, 0, 0),
            (12, 1, D2, Decimal("0.25"), 1, 1, 0, 0),
            (13, 2, D1, Decimal("2.00"), 1, 1, 0, 0),
            (14, 3, D2, Decimal("1.00"), 1, 1, 0, 0),
            # user 4 never generates anything: zero revenue, still one row per day
        ],
    )
    rows = {(u, d): (tier, cum, ltv) for u, d, tier, cum, ltv in compute(conn, "user_lifetime_value", D1, D3)}
    assert rows == {
        (1, D1): ("free", Decimal("1.5"), Decimal("1.5")),
        (1, D2): ("free", Decimal("2.0"), Decimal("2.0")),
        (2, D1): ("pro", Decimal("2.0"), Decimal("3.0")),
        (2, D2): ("pro", Decimal("2.0"), Decimal("3.0")),  # no activity that day: value carried
        (3, D2): ("enterprise", Decimal("1.0"), Decimal("2.0")),  # signed up on D2: no D1 row
        (4, D1): ("free", Decimal("0"), Decimal("0")),
        (4, D2): ("free", Decimal("0"), Decimal("0")),
    }


def test_ltv_of_a_day_is_the_same_alone_or_inside_a_longer_window(conn):
    insert(conn, "dim_users", [(1, "pro", D1), (2, "free", D2)])
    insert(conn, "fct_sessions", [(10, 1, D1, Decimal("1.1"), 1, 1, 0, 0), (11, 2, D2, Decimal("0.3"), 1, 1, 0, 0)])
    both = compute(conn, "user_lifetime_value", D1, D3)
    alone = compute(conn, "user_lifetime_value", D1, D2) + compute(conn, "user_lifetime_value", D2, D3)
    assert sorted(both) == sorted(alone)


# --- session_engagement_score


@pytest.mark.parametrize(
    "prompts, generations, downloads, thumbs_up, score",
    [
        (0, 0, 0, 0, Decimal("0")),  # nothing happened
        (2, 0, 0, 0, Decimal("8")),  # zero generations: only prompt depth (20 * 2/5)
        (1, 1, 0, 0, Decimal("8")),  # no feedback, no download
        (1, 2, 1, 0, Decimal("27")),  # 30 * 1/2 + 20 * 1/5 + 20 * 2/5
        (5, 5, 5, 5, Decimal("100")),  # the maximum
        (9, 9, 9, 9, Decimal("100")),  # depth saturates
        (3, 3, 0, 1, Decimal("34")),  # 30 * 1/3 + 20 * 3/5 + 20 * 3/5
    ],
)
def test_session_engagement_score(conn, prompts, generations, downloads, thumbs_up, score):
    insert(conn, "fct_sessions", [(1, 7, D1, Decimal("0"), prompts, generations, downloads, thumbs_up)])
    assert compute(conn, "session_engagement_score") == [(1, D1, score)]


# --- generation_quality_flag


@pytest.mark.parametrize(
    "status, latency_ms, media, feedback, flag",
    [
        ("failed", 1_000, "image", None, "failed"),
        ("timeout", 30_000, "image", None, "failed"),
        ("moderated", 500, "image", "thumbs_up", "failed"),  # a failure stays a failure
        ("success", 2_000, "image", "thumbs_down", "poor"),
        ("success", 25_000, "image", None, "poor"),  # > 0.75 of the image budget
        ("success", 2_000, "image", "thumbs_up", "excellent"),
        ("success", 90_000, "video", "thumbs_up", "excellent"),  # 0.5 of the video budget
        ("success", 20_000, "image", "thumbs_up", "good"),  # liked but slow-ish
        ("success", 7_500, "image", None, "good"),  # 0.25: fast, no feedback
        ("success", 60_000, "video", None, "acceptable"),  # no feedback, 1/3 of the budget
        ("success", None, "image", None, "acceptable"),  # unknown latency
    ],
)
def test_generation_quality_flag(conn, status, latency_ms, media, feedback, flag):
    insert(conn, "fct_generations", [(1, D1, status, latency_ms, media, feedback)])
    assert compute(conn, "generation_quality_flag")[0][:3] == (1, D1, flag)


def test_a_day_where_every_generation_failed_flags_them_all_failed(conn):
    insert(
        conn,
        "fct_generations",
        [(i, D1, s, 1_000, "image", None) for i, s in enumerate(["failed", "timeout", "moderated"])],
    )
    assert {row[2] for row in compute(conn, "generation_quality_flag")} == {"failed"}


# --- the window write and its checks


def _sample_marts(conn) -> None:
    insert(conn, "dim_prompts", [(1, "a gun", D1), (2, "a fox", D2), (3, "a mob", D3)])
    insert(conn, "dim_users", [(1, "free", D1), (2, "pro", D2)])
    insert(conn, "fct_sessions", [(10, 1, D1, Decimal("1"), 1, 1, 1, 0), (11, 2, D2, Decimal("2"), 2, 2, 0, 1)])
    insert(conn, "fct_generations", [(100, D1, "success", 900, "image", None), (101, D2, "failed", 900, "image", None)])


def test_writing_a_window_is_idempotent_and_only_replaces_its_days(conn):
    _sample_marts(conn)
    specs = registered_metrics()
    for spec in specs.values():
        write_window(conn, spec, MetricWindow(D1, dt.date(2025, 12, 4)))
    before = table_checksums(conn, ("backfill_metrics",))
    assert set(before) == {f"backfill_metrics.{name}" for name in METRICS}
    for spec in specs.values():
        counts = write_window(conn, spec, MetricWindow(D2, D3))
        assert counts == preview_counts(conn, spec, MetricWindow(D2, D3))
        assert all(o.passed for o in evaluate_checks(conn, spec, MetricWindow(D1, dt.date(2025, 12, 4)))), spec.name
    assert table_checksums(conn, ("backfill_metrics",)) == before


def test_a_failure_mid_write_leaves_the_window_as_it_was(conn, monkeypatch):
    _sample_marts(conn)
    spec = registered_metrics()["prompt_toxicity"]
    write_window(conn, spec, MetricWindow(D1, D3))
    before = table_checksums(conn, ("backfill_metrics",))
    conn.execute("drop table marts.dim_prompts")  # the insert's query now fails after the delete
    with pytest.raises(duckdb.CatalogException):
        write_window(conn, spec, MetricWindow(D1, D3))
    assert table_checksums(conn, ("backfill_metrics",)) == before


def test_checks_catch_duplicates_gaps_nulls_and_out_of_range_values(conn):
    insert(conn, "fct_sessions", [(10, 1, D1, Decimal("1"), 1, 1, 1, 0), (11, 1, D1, Decimal("1"), 1, 1, 1, 0)])

    @backfill_metric(
        name="broken_metric",
        entity="session_id",
        reads=["fct_sessions"],
        columns={"score": Column("DOUBLE", "0-1", min=0, max=1)},
        expected="select session_id, session_date from marts.fct_sessions where session_date >= $start and session_date < $end",
    )
    def broken(conn, window):
        # session 10 twice with a null and an out-of-range value; session 11 missing; 99 unknown
        return conn.sql(
            "select * from (values (10, $start, null), (10, $start, 7.0), (99, $start, 0.5)) t(session_id, metric_date, score)",
            params={"start": window.start},
        )

    try:
        spec = registered_metrics()["broken_metric"]
        write_window(conn, spec, MetricWindow(D1, D2))
        outcomes = {o.name: o for o in evaluate_checks(conn, spec, MetricWindow(D1, D2))}
    finally:
        unregister_metric("broken_metric")
    assert {name for name, o in outcomes.items() if not o.passed} == {
        "not_null",
        "one_row_per_entity_day",
        "complete_vs_marts",
        "value_in_range",
    }
    assert outcomes["complete_vs_marts"].failing_rows == 2  # 11 missing, 99 unexpected
    assert {row["problem"] for row in outcomes["complete_vs_marts"].sample} == {"missing", "unexpected"}


# --- registry -> assets


def test_the_registry_lists_exactly_the_registered_metrics():
    assert list(registered_metrics()) == METRICS


def test_registering_a_name_twice_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        backfill_metric(entity="prompt_id", reads=["dim_prompts"], columns={}, expected="", name="prompt_toxicity")(
            lambda conn, window: None
        )


def test_each_metric_is_a_daily_partitioned_single_run_asset_downstream_of_its_marts():
    for spec in registered_metrics().values():
        asset = build_metric_asset(spec)
        node = asset.specs_by_key[spec.key]
        assert node.group_name == GROUP
        assert asset.partitions_def == daily_partitions
        assert asset.backfill_policy == BackfillPolicy.single_run()
        assert asset.op.pool == "duckdb"
        assert {d.asset_key for d in node.deps} == {AssetKey(m) for m in spec.reads}
        assert {c.name for c in asset.check_specs} == {
            "not_null",
            "one_row_per_entity_day",
            "complete_vs_marts",
            "value_in_range",
        }
        assert node.metadata["dagster/table_name"] == f"backfill_metrics.{spec.name}"
        assert [c.name for c in node.metadata["dagster/column_schema"].columns] == spec.column_names()
        assert node.owners and node.description == spec.description
        assert "warehouse" in asset.required_resource_keys


def test_a_metric_defined_here_appears_in_the_definitions():
    from genai_pipeline.definitions import build_defs, defs

    @backfill_metric(
        entity="session_id",
        reads=["fct_sessions"],
        columns={"prompts": Column("BIGINT", "prompts in the session", min=0)},
        expected="select session_id, session_date from marts.fct_sessions where session_date >= $start and session_date < $end",
    )
    def session_prompts(conn, window):
        """Prompts per session."""
        return conn.sql(
            "select session_id, session_date as metric_date, prompt_count as prompts from marts.fct_sessions "
            "where session_date >= $start and session_date < $end",
            params=window.params,
        )

    try:
        graph = build_defs().resolve_asset_graph()
    finally:
        unregister_metric("session_prompts")
    in_group = {key.to_user_string() for key in graph.get_all_asset_keys() if graph.get(key).group_name == GROUP}
    assert in_group == {*METRICS, "session_prompts"}
    assert graph.get(AssetKey("session_prompts")).description == "Prompts per session."
    assert AssetKey("fct_sessions") in graph.get(AssetKey("session_prompts")).parent_keys
    assert AssetKey("session_prompts") not in defs.resolve_asset_graph().get_all_asset_keys()
