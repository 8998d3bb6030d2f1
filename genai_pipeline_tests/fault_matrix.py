"""The fault matrix: every check of the graph, failed by a fault, in a partitioned daily run.

Each entry of RUNS is one daily run of faults.DAY on a copy of a clean 15-day history; its
faults do not mask each other (a failed error-severity test skips the models below it, so
faults aimed at a model's checks share a run only with faults on the same model or on
leaves). `checks` lists every check the fault makes fail, side effects included: the run
must fail exactly the union.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from faults import (
    DAY,
    Fault,
    RawEdit,
    at,
    copy,
    duplicate_row,
    editable,
    fault,
    keep_sessions,
    set_all,
    set_cells,
    single_attempt,
    status,
    where,
)

from genai_pipeline.core.settings import SimulationSettings
from genai_pipeline.simulation.population import ID_DAY_FACTOR, TIERS, cohort, epoch_day

NEXT_DAY = DAY + dt.timedelta(days=1)
DAY_ONE_USER = epoch_day(dt.date(2025, 12, 1)) * ID_DAY_FACTOR  # day 1's first user
NOBODY = 424_242  # an id no table has
# A day's first row under an id no row has (a day's ids are epoch_day * 1e9 + position).
FRESH_ID_COPY = "select * replace ({key} + 500000000 as {key}) from day_rows order by {key} limit 1"
GEN, SES, PRO, USR = "generations", "sessions", "prompts", "users"


def src(table: str, test: str) -> str:
    return f"source_{test}_raw_{table}"


def raw_contract() -> list[Fault]:
    """One run: every source test, each broken on its own row of the day."""
    nulls = {
        USR: ["user_id", "signup_at", "user_tier", "country", "acquisition_channel"],
        SES: ["session_id", "user_id", "session_start", "session_end", "device"],
        PRO: ["prompt_id", "session_id", "user_id", "prompt_text", "created_at"],
        GEN: [
            "generation_id", "prompt_id", "session_id", "user_id", "attempt_number", "model_name", "media_type",
            "status", "cost_usd", "revenue_usd", "latency_ms", "downloaded", "created_at",
        ],
    }  # fmt: skip
    faults = [
        fault(
            f"{table}.{column} missing",
            f"source_not_null_raw_{table}_{column}",
            frames=set_cells(table, {column: None}, nth=i),
        )
        for table, columns in nulls.items()
        for i, column in enumerate(columns)
    ]
    # The day is a folder name, not a column of the file: a row without one is a file in a
    # folder that names no day (a copy of yesterday's first row, under a fresh id).
    keys = {USR: "user_id", SES: "session_id", PRO: "prompt_id", GEN: "generation_id"}
    faults += [
        fault(
            f"{table} row with no partition day",
            f"source_not_null_raw_{table}_partition_date",
            raw=(RawEdit(table, DAY - dt.timedelta(days=1), FRESH_ID_COPY.format(key=key), without_day=True),),
        )
        for table, key in keys.items()
    ]
    values = [
        (USR, "user_tier", "trial", "source_accepted_values_raw_users_user_tier__free__pro__enterprise"),
        (USR, "country", "XX", "source_accepted_values_raw_users_country__US__GB__DE__FR__IN__BR__JP__CA__KR__ES"),
        (USR, "acquisition_channel", "tv", "source_accepted_values_raw_users_acquisition_channel__organic__paid_search__social__referral__partner"),
        (SES, "device", "fax", "source_accepted_values_raw_sessions_device__web__ios__android__api"),
        (PRO, "prompt_text", "   ", "source_expression_is_true_raw_prompts_trim_prompt_text_"),
        (GEN, "attempt_number", 0, "source_accepted_range_raw_generations_attempt_number__1"),
        (GEN, "model_name", "dall-e", "source_accepted_values_raw_generations_model_name__flux_schnell__sdxl_turbo__imagen_3__runway_gen3__sora_lite"),
        (GEN, "media_type", "audio", "source_accepted_values_raw_generations_media_type__image__video"),
        (GEN, "status", "cancelled", "source_accepted_values_raw_generations_status__success__failed__timeout__moderated"),
        (GEN, "cost_usd", 5.0, "source_accepted_range_raw_generations_cost_usd__1__0"),
        (GEN, "revenue_usd", -1.0, "source_accepted_range_raw_generations_revenue_usd__1__0"),
        (GEN, "latency_ms", 0, "source_accepted_range_raw_generations_latency_ms__False__0"),
        (GEN, "latency_ms", 999_999, "source_accepted_range_raw_generations_latency_ms__180000"),
        (GEN, "feedback", "meh", "source_accepted_values_raw_generations_feedback__thumbs_up__thumbs_down"),
    ]  # fmt: skip
    faults += [
        fault(f"{table}.{column} = {value!r}", check, frames=set_cells(table, {column: value}, nth=-1 - i))
        for i, (table, column, value, check) in enumerate(values)
    ]
    return faults


def new_prompts_for_one_user(frames, extra: int = 5):
    """`extra` more prompts, each with one successful generation, for one active user: the
    copies of a real prompt and success with new ids, so every other rule still holds."""
    frames = copy(frames)
    gens = frames[GEN]
    label = where(frames, GEN, single_attempt("success"))
    source_gen = gens.loc[[label]]
    source_prompt = frames[PRO][frames[PRO]["prompt_id"] == source_gen["prompt_id"].iloc[0]]
    new_gens, new_prompts = [], []
    for i in range(1, extra + 1):
        prompt_id = int(frames[PRO]["prompt_id"].max()) + i
        new_prompts.append(source_prompt.assign(prompt_id=prompt_id))
        new_gens.append(source_gen.assign(prompt_id=prompt_id, generation_id=int(gens["generation_id"].max()) + i))
    frames[PRO] = pd.concat([frames[PRO], *new_prompts], ignore_index=True)
    frames[GEN] = pd.concat([gens, *new_gens], ignore_index=True)
    return frames


def drop_generations_of_one_prompt(frames):
    frames = copy(frames)
    prompt = frames[GEN].loc[where(frames, GEN, single_attempt("failed")), "prompt_id"]
    frames[GEN] = frames[GEN][frames[GEN]["prompt_id"] != prompt]
    return frames


def drop_prompts_of_one_session(frames):
    frames = copy(frames)
    session = frames[SES]["session_id"].iloc[0]
    frames[PRO] = frames[PRO][frames[PRO]["session_id"] != session]
    frames[GEN] = frames[GEN][frames[GEN]["session_id"] != session]
    return frames


def move_to_another_users_session(frames):
    """A generation (and its prompt) filed under another user's session of the same day."""
    frames = copy(frames)
    label = where(frames, GEN, single_attempt("failed"))
    user = frames[GEN].loc[label, "user_id"]
    other = frames[SES][frames[SES]["user_id"] != user]["session_id"].iloc[0]
    frames[GEN].loc[label, "session_id"] = other
    return frames


def session_before_signup(frames):
    """A new user's session moved to start an hour before the user signed up."""
    frames = copy(frames)
    users = frames[USR].set_index("user_id")["signup_at"]
    label = frames[SES].index[frames[SES]["user_id"].isin(users.index)][0]
    signup = users[frames[SES].loc[label, "user_id"]]
    frames[SES].loc[label, "session_start"] = max(signup - pd.Timedelta(hours=1), at(DAY, "00:00:01"))
    return frames


def relanded_day_one_user(frames):
    """Day 1's first user landed again today, as if they signed up today (same tier)."""
    settings = SimulationSettings.from_env()
    tier = TIERS[cohort(settings, 1).tier[0]]
    return duplicate_row(USR, user_id=DAY_ONE_USER, user_tier=tier)(frames)


def staging() -> list[list[Fault]]:
    """One run per staging view: its own tests do not block each other."""
    users = [
        fault("a user landed again on a later day", "primary_key_stg_users_user_id",
              frames=duplicate_row(USR, user_id=DAY_ONE_USER)),
        fault("a signup clock a day behind", "expression_is_true_stg_users_signup_date___cast_signup_at_as_date_",
              frames=set_cells(USR, {"signup_at": at(DAY - dt.timedelta(days=1), "23:00:00")}, nth=1)),
    ]  # fmt: skip
    sessions = [
        fault("a session landed twice", "primary_key_stg_sessions_session_id",
              frames=duplicate_row(SES, nth=-1)),
        fault("a session of a user nobody signed up", "relationships_stg_sessions_user_id__user_id__ref_stg_users_",
              frames=set_cells(SES, {"user_id": NOBODY}, nth=-2)),
        fault("a session starting the evening before its day",
              "expression_is_true_stg_sessions_session_date___cast_session_start_as_date_",
              frames=set_cells(SES, {"session_start": at(DAY - dt.timedelta(days=1), "23:59:00")}, nth=-3)),
        fault("a session ending before it starts", "accepted_range_stg_sessions_session_duration_seconds__0",
              frames=set_cells(SES, {"session_end": lambda row: row["session_start"] - pd.Timedelta(minutes=1)}, nth=-4)),
    ]  # fmt: skip
    prompts = [
        fault("a prompt landed twice", "primary_key_stg_prompts_prompt_id",
              frames=duplicate_row(PRO, nth=-1)),
        fault("a prompt of an unknown session", "relationships_stg_prompts_session_id__session_id__ref_stg_sessions_",
              frames=set_cells(PRO, {"session_id": NOBODY}, nth=-2)),
        fault("a prompt stamped after midnight", "expression_is_true_stg_prompts_prompt_date___cast_prompted_at_as_date_",
              frames=set_cells(PRO, {"created_at": at(NEXT_DAY, "00:00:30")}, nth=-3)),
    ]  # fmt: skip
    generations = [
        fault("a generation landed twice", "primary_key_stg_generations_generation_id",
              frames=duplicate_row(GEN, nth=-1)),
        fault("a generation of an unknown prompt", "relationships_stg_generations_prompt_id__prompt_id__ref_stg_prompts_",
              frames=set_cells(GEN, {"prompt_id": NOBODY}, nth=-2)),
        fault("a generation stamped after midnight",
              "expression_is_true_stg_generations_generation_date___cast_generated_at_as_date_",
              frames=set_cells(GEN, {"created_at": at(NEXT_DAY, "00:00:30")}, nth=-3)),
        fault("a failed generation downloaded", "expression_is_true_stg_generations_not_is_downloaded_and_not_is_success_",
              frames=set_cells(GEN, {"downloaded": True}, mask=status("failed"), nth=0)),
        fault("a failed generation liked", "expression_is_true_stg_generations_coalesce_feedback_thumbs_up_or_is_success",
              frames=set_cells(GEN, {"feedback": "thumbs_up"}, mask=status("failed"), nth=1)),
        fault("a moderated attempt billed compute", "expression_is_true_stg_generations_status_moderated_or_cost_usd_0",
              frames=set_cells(GEN, {"cost_usd": 0.01}, mask=status("moderated"))),
        fault("a timeout that came back early", "assert_timeouts_hit_their_budget",
              frames=set_cells(GEN, {"latency_ms": 500}, mask=status("timeout"))),
        fault("an image model recorded as making a video", "assert_models_make_their_media_type",
              frames=set_cells(GEN, {"media_type": "video"},
                               mask=lambda g: (g["model_name"].astype(object) == "flux-schnell") & status("success")(g))),
    ]  # fmt: skip
    return [users, sessions, prompts, generations]


def marts() -> list[list[Fault]]:
    """One run each: a failed test on a mart skips the marts below it."""
    reconcile = "assert_marts_reconcile_with_raw"
    orphan = "assert_no_orphan_generations"
    return [
        [fault("a successful generation that cost nothing", "assert_cost_positive_for_success",
               frames=set_cells(GEN, {"cost_usd": 0.0}, mask=single_attempt("success")))],
        [fault("a success billed twice the price list", "assert_revenue_follows_the_price_list",
               frames=set_cells(GEN, {"revenue_usd": lambda row: row["revenue_usd"] * 2}, mask=single_attempt("success")))],
        [fault("a prompt's only attempt numbered 3", "assert_retries_follow_failures",
               frames=set_cells(GEN, {"attempt_number": 3}, mask=single_attempt("failed")))],
        [fault("a user over the daily quota", "assert_daily_generation_cap_respected", frames=new_prompts_for_one_user)],
        [fault("a generation stamped after its session ended",
               {"assert_generations_within_session", "assert_session_dates_valid"},
               frames=set_cells(GEN, {"created_at": at(DAY, "23:59:00")}, mask=single_attempt("failed")))],
        [fault("a retry sent to another model", "assert_retries_reuse_the_prompts_model",
               frames=set_cells(GEN, {"model_name": lambda row: "sdxl-turbo" if row["model_name"] == "flux-schnell" else "flux-schnell"},
                                mask=lambda g: (g["attempt_number"] == 2) & g["model_name"].astype(object).isin(["flux-schnell", "sdxl-turbo"])))],
        [fault("a generation of an unknown session",
               {"relationships_fct_generations_session_id__session_id__ref_fct_sessions_", reconcile},
               frames=set_cells(GEN, {"session_id": NOBODY}, mask=single_attempt("failed")))],
        [fault("a generation of a user nobody signed up",
               {"relationships_fct_generations_user_id__user_id__ref_dim_users_", orphan,
                "primary_key_daily_tier_metrics_metric_date__user_tier", "assert_tier_metrics_reconcile"},
               frames=set_cells(GEN, {"user_id": NOBODY}, mask=single_attempt("failed")))],
        [fault("a generation filed under another user's session",
               {"assert_generations_within_session", "assert_session_dates_valid"}, frames=move_to_another_users_session)],
        [fault("a prompt whose generations never landed", "accepted_range_dim_prompts_attempt_count__1",
               frames=drop_generations_of_one_prompt)],
        [fault("a prompt of a user nobody signed up",
               {"relationships_dim_prompts_user_id__user_id__ref_dim_users_", "assert_no_orphan_prompts", orphan},
               frames=set_cells(PRO, {"user_id": NOBODY}, nth=-1))],
        [fault("a session whose prompts never landed", "expression_is_true_fct_sessions_prompt_count_0",
               frames=drop_prompts_of_one_session)],
        [fault("a session ending after midnight", "assert_session_dates_valid",
               frames=set_cells(SES, {"session_end": at(NEXT_DAY, "00:10:00")}, nth=-1))],
        [fault("a session an hour before its user signed up", "assert_user_signup_before_activity",
               frames=session_before_signup)],
        [fault("a day whose generations never landed", "at_least_one_row_fct_generations_",
               frames=lambda frames: {**copy(frames), GEN: frames[GEN].iloc[0:0]})],
    ]  # fmt: skip


def history_state() -> list[list[Fault]]:
    """What earlier writes left behind: today's key already filed under an earlier day (a
    misrouted partial write), a hole in the series, a stale total, an orphaned session."""
    old = "date '2025-12-03'"
    first_of_today = epoch_day(DAY) * ID_DAY_FACTOR  # the day's first id of every entity

    def misfiled(table: str, key: str, day_column: str, also: str = "") -> tuple[str, ...]:
        # the old day's first row, by key: a side effect must not depend on which row an
        # unordered scan returns first
        return (
            f"insert into {table} select * replace ({first_of_today} as {key}{also}) "
            f"from {table} where {day_column} = {old} order by {key} limit 1",
        )

    return [
        [fault("today's generation already filed under an earlier day", "primary_key_fct_generations_generation_id",
               state=misfiled("marts.fct_generations", "generation_id", "generation_date"))],
        [fault("today's prompt already filed under an earlier day",
               {"primary_key_dim_prompts_prompt_id", "assert_retries_reuse_the_prompts_model"},
               # under a model no prompt of today's uses: the old row's own model could be
               # today's first prompt's, and then no retry would name another model
               state=misfiled("marts.dim_prompts", "prompt_id", "prompt_date", ", 'retired-model' as model_name"))],
        [fault("today's session already filed under an earlier day",
               {"primary_key_fct_sessions_session_id", "assert_generations_within_session"},
               state=misfiled("marts.fct_sessions", "session_id", "session_date"))],
        [fault("a session left behind for a user no longer in the users table", "assert_lifetime_totals_reconcile",
               state=(f"insert into marts.fct_sessions select * replace ({NOBODY} as user_id, session_id + 1000000 as session_id) "
                      f"from marts.fct_sessions where session_date = {old} limit 1",))],
        [fault("a user re-landed on a later day than their first sessions",
               "expression_is_true_dim_users_first_active_date_is_null_or_first_active_date_signup_date",
               raw=(RawEdit(USR, dt.date(2025, 12, 1), f"select * from day_rows where user_id <> {DAY_ONE_USER}"),),
               frames=relanded_day_one_user)],
        [
            fault("a hole in the daily series", "assert_daily_metrics_complete",
                  state=("delete from metrics.daily_metrics where metric_date = date '2025-12-05'",)),
            fault("a stale total on an older metrics row", "assert_total_users_never_decrease",
                  state=("update metrics.daily_metrics set total_users = total_users * 10 where metric_date = date '2025-12-06'",)),
        ],
    ]  # fmt: skip


def outage(frames):
    """A tenth of the day's sessions, with their prompts and generations."""
    return keep_sessions(frames, lambda sessions: pd.Series(range(len(sessions)), index=sessions.index) % 10 == 0)


def moderation_surge(frames):
    """A quarter of the successes refused by moderation instead: nothing delivered or paid."""
    frames = copy(frames)
    gens = frames[GEN]
    labels = gens.index[status("success")(gens)][::4]
    for column in ("status", "feedback", "downloaded"):
        editable(gens, column)
    gens.loc[labels, ["status", "cost_usd", "revenue_usd", "downloaded", "feedback"]] = [
        "moderated",
        0.0,
        0.0,
        False,
        None,
    ]
    return frames


def signup_outage(frames):
    """Six in ten of the day's new users lost, with everything they did."""
    frames = copy(frames)
    lost = set(frames[USR]["user_id"].iloc[: int(len(frames[USR]) * 0.6)])
    frames[USR] = frames[USR][~frames[USR]["user_id"].isin(lost)]
    for table in (SES, PRO, GEN):
        frames[table] = frames[table][~frames[table]["user_id"].isin(lost)]
    return frames


def everyone_enterprise(frames):
    """Every new user of the day assigned the enterprise tier, billed at its price."""
    frames = copy(frames)
    users = frames[USR]
    editable(users, "user_tier")
    multipliers = {"free": 1.0, "pro": 0.9, "enterprise": 0.75}
    old = dict(zip(users["user_id"], users["user_tier"], strict=True))
    users["user_tier"] = "enterprise"
    gens = frames[GEN]
    mine = gens["user_id"].isin(old)
    ratio = gens.loc[mine, "user_id"].map(lambda user: multipliers["enterprise"] / multipliers[old[user]])
    gens.loc[mine, "revenue_usd"] = (gens.loc[mine, "revenue_usd"] * ratio).round(6)
    return frames


def images_become_videos(frames):
    """Most image prompts without a timeout sent to a video model instead, billed as videos."""
    frames = copy(frames)
    gens = frames[GEN]
    for column in ("media_type", "model_name"):
        editable(gens, column)
    timed_out = set(gens.loc[status("timeout")(gens), "prompt_id"])
    flip = (gens["media_type"] == "image") & ~gens["prompt_id"].isin(timed_out) & (gens["prompt_id"] % 5 != 0)
    gens.loc[flip, "media_type"] = "video"
    gens.loc[flip, "model_name"] = "runway-gen3"
    gens.loc[flip, "revenue_usd"] = (gens.loc[flip, "revenue_usd"] * 0.25 / 0.04).round(6)
    return frames


def no_engagement(frames):
    frames = copy(frames)
    gens = frames[GEN]
    for column in ("downloaded", "feedback"):
        editable(gens, column)
    gens["downloaded"] = False
    gens.loc[gens["feedback"] == "thumbs_up", "feedback"] = None
    return frames


def statistics() -> list[list[Fault]]:
    """Drifts from the stated model and volume anomalies: warn severity, the day builds."""
    return [
        [fault("an outage: a tenth of the sessions", {"generations_anomaly", "revenue_usd_anomaly",
               "assert_generation_volume_per_tier_fits_the_model"}, frames=outage)],
        [fault("a moderation surge", {"success_rate_pct_anomaly", "revenue_usd_anomaly",
               "assert_success_rate_within_binomial_bounds", "failure_mix_within_bounds"}, frames=moderation_surge)],
        [fault("a signup outage", {"new_users_anomaly", "assert_signups_follow_growth_formula"}, frames=signup_outage)],
        [fault("every new user made enterprise",
               {"assert_tier_distribution_reasonable", "assert_generation_volume_per_tier_fits_the_model"},
               frames=everyone_enterprise)],
        [fault("images sent to a video model", {"assert_media_mix_within_binomial_bounds",
               "assert_engagement_rates_within_bounds", "revenue_usd_anomaly"}, frames=images_become_videos)],
        [fault("a tracking SDK that reports most sessions as api", "device_mix_within_bounds",
               frames=set_all(SES, {"device": "api"}, mask=lambda sessions: sessions["session_id"] % 3 != 0))],
        [fault("downloads and likes no longer tracked", "assert_engagement_rates_within_bounds", frames=no_engagement)],
        [fault("every new user recorded in one country", "country_mix_within_bounds",
               frames=set_all(USR, {"country": "JP"}, mask=lambda users: users["user_id"] >= 0))],
    ]  # fmt: skip


def models() -> list[list[Fault]]:
    """A changed model: rules that only a broken model (not the data) can break."""
    return [
        [fault("fct_sessions' friction formula weighs failures 40 instead of 50", "assert_friction_score_consistent",
               model=("models/marts/fct_sessions.sql", "50 * coalesce(failure_rate, 0)", "40 * coalesce(failure_rate, 0)"))],
        # fct_user_days' key includes its day, so no state left by earlier runs can repeat a key of
        # today (delete+insert replaces today's rows): only a change of the model's grain can.
        # Alone: the failed key skips dim_users and everything below it.
        [fault("fct_user_days splits a user's day by device", "primary_key_fct_user_days_user_id__activity_date",
               model=("models/marts/fct_user_days.sql", "group by user_id, session_date", "group by user_id, session_date, device"))],
        [
            fault("dim_users' join fans out one user", {"primary_key_dim_users_user_id", "assert_lifetime_totals_reconcile"},
                  model=("models/marts/dim_users.sql", "\nselect * from final",
                         "\nselect * from final\nunion all\nselect * from final where user_id = (select min(user_id) from final)")),
            fault("daily_metrics stops counting moderated attempts", "assert_daily_metrics_reconcile",
                  model=("models/metrics/daily_metrics.sql", "count(*)                                                     as generations,",
                         "count(case when status <> 'moderated' then 1 end) as generations,")),
            fault("daily_tier_metrics stops counting moderated attempts", "assert_tier_metrics_reconcile",
                  model=("models/metrics/daily_tier_metrics.sql", "where {{ partition_window('generation_date') }}",
                         "where {{ partition_window('generation_date') }} and status <> 'moderated'")),
            fault("daily_model_metrics counts one attempt too many", "assert_model_metrics_reconcile",
                  model=("models/metrics/daily_model_metrics.sql", "count(*)                                                     as generations,",
                         "count(*) + 1 as generations,")),
            *(
                fault(f"{name} repeats a row", key, model=(f"models/metrics/{name}.sql", "\nselect * from final",
                                                            "\nselect * from final\nunion all\n(select * from final limit 1)"))
                for name, key in (
                    ("daily_metrics", "primary_key_daily_metrics_metric_date"),
                    ("daily_model_metrics", "primary_key_daily_model_metrics_metric_date__model_name"),
                    # a repeated (day, tier) row also counts that tier's users twice
                    ("daily_tier_metrics", {"primary_key_daily_tier_metrics_metric_date__user_tier",
                                            "assert_generation_volume_per_tier_fits_the_model"}),
                )
            ),
        ],
    ]  # fmt: skip


# metric -> (a non-nullable value column, a bounded column, a value out of its bounds)
METRIC_BREAKS = {
    "prompt_toxicity": ("toxicity_score", "toxicity_score", "2.0"),
    "user_lifetime_value": ("cumulative_revenue_usd", "user_tier", "'platinum'"),
    "session_engagement_score": ("engagement_score", "engagement_score", "150.0"),
    "generation_quality_flag": ("quality_flag", "quality_flag", "'superb'"),
}
METRIC_CHECKS = ("not_null", "one_row_per_entity_day", "complete_vs_marts", "value_in_range")


def metric_code() -> list[list[Fault]]:
    """Every backfill metric's query broken at once (the metric assets do not block each
    other): one row twice, one value null, one out of its bounds, one row missing."""
    return [
        [
            fault(
                f"{name}'s query broken", {f"{name}:{check}" for check in METRIC_CHECKS}, metric=lambda: METRIC_BREAKS
            )
            for name in METRIC_BREAKS
        ]
    ]


RUNS: list[tuple[str, list[Fault]]] = [
    ("raw contract", raw_contract()),
    *((f"staging {i + 1}", faults) for i, faults in enumerate(staging())),
    *((f"marts: {faults[0].name}", faults) for faults in marts()),
    *((f"history: {faults[0].name}", faults) for faults in history_state()),
    *((f"statistics: {faults[0].name}", faults) for faults in statistics()),
    *((f"model: {faults[0].name}", faults) for faults in models()),
    *(("metric code", faults) for faults in metric_code()),
]
