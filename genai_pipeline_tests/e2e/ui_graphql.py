"""What the UI asks the webserver, for what DagsterGraphQLClient has no call: the repository's
contents, a run's check evaluations, partition backfills, an asset's materializations."""

import time
from dataclasses import dataclass, field
from typing import Any

import requests
from dagster_graphql import DagsterGraphQLClient

FINISHED_RUN = {"SUCCESS", "FAILURE", "CANCELED"}
FINISHED_BACKFILL = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}

REPOSITORY = """
{ repositoriesOrError { ... on RepositoryConnection { nodes {
    name
    jobs { name }
    schedules { name scheduleState { status } }
    sensors { name sensorState { status } }
    assetNodes { assetKey { path } groupName assetChecksOrError { ... on AssetChecks { checks { name } } } }
} } } }"""

RUN_CHECK_EVALUATIONS = """
query($runId: ID!, $cursor: String) { logsForRun(runId: $runId, afterCursor: $cursor, limit: 1000) {
    __typename
    ... on EventConnection { cursor hasMore events { __typename
        ... on AssetCheckEvaluationEvent { evaluation { assetKey { path } checkName success severity } } } }
    ... on PythonError { message }
} }"""

RUN = """
query($runId: ID!) { runOrError(runId: $runId) { __typename ... on Run { id status tags { key value } } } }"""

LAUNCH_BACKFILL = """
mutation($params: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on UnauthorizedError { message }
} }"""

BACKFILL = """
query($id: String!) { partitionBackfillOrError(backfillId: $id) { __typename
    ... on PartitionBackfill { status numPartitions runs(limit: 100) { id status }
        assetBackfillData { assetBackfillStatuses { ... on AssetPartitionsStatusCounts {
            assetKey { path } numPartitionsTargeted numPartitionsInProgress numPartitionsMaterialized numPartitionsFailed
        } } } }
    ... on PythonError { message }
} }"""

MATERIALIZATIONS = """
query($key: AssetKeyInput!) { assetOrError(assetKey: $key) { ... on Asset {
    assetMaterializations(limit: 200) { partition runId metadataEntries { label __typename
        ... on IntMetadataEntry { intValue } ... on FloatMetadataEntry { floatValue } ... on MarkdownMetadataEntry { mdStr }
    } }
} } }"""

ASSET_COLUMNS = """
query($key: AssetKeyInput!) { assetNodeOrError(assetKey: $key) { __typename ... on AssetNode {
    metadataEntries { label ... on TableSchemaMetadataEntry { schema { columns { name type description } } } }
} } }"""


@dataclass
class Endpoint:
    """The webserver, for both DagsterGraphQLClient and raw queries."""

    host: str
    port: int
    client: DagsterGraphQLClient = field(init=False)

    def __post_init__(self) -> None:
        self.client = DagsterGraphQLClient(self.host, port_number=self.port)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/graphql"


class GraphQLError(AssertionError):
    """The server answered with errors, or with an error type instead of the data asked for."""


def execute(ui: Endpoint, query: str, variables: dict | None = None) -> dict:
    response = requests.post(ui.url, json={"query": query, "variables": variables or {}}, timeout=60)
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise GraphQLError(body["errors"])
    return body["data"]


def repository(ui: Endpoint) -> dict:
    [repo] = execute(ui, REPOSITORY)["repositoriesOrError"]["nodes"]
    return repo


def run_job(ui: Endpoint, job: str, partition: str, timeout_s: float = 600) -> str:
    """Launches the job for one partition as the UI does, and waits for its run to finish."""
    run_id = ui.client.submit_job_execution(job, tags={"dagster/partition": partition})
    deadline = time.monotonic() + timeout_s
    while ui.client.get_run_status(run_id).value not in FINISHED_RUN:
        if time.monotonic() > deadline:
            raise TimeoutError(f"run {run_id} of {job} for {partition} still running after {timeout_s}s")
        time.sleep(2)
    return run_id


def run(ui: Endpoint, run_id: str) -> dict:
    return execute(ui, RUN, {"runId": run_id})["runOrError"]


def check_evaluations(ui: Endpoint, run_id: str) -> list[dict]:
    """Every asset check evaluation the run recorded, through the run's event log."""
    evaluations, cursor = [], None
    while True:
        page = execute(ui, RUN_CHECK_EVALUATIONS, {"runId": run_id, "cursor": cursor})["logsForRun"]
        if page["__typename"] != "EventConnection":
            raise GraphQLError(page)
        evaluations += [e["evaluation"] for e in page["events"] if e["__typename"] == "AssetCheckEvaluationEvent"]
        if not page["hasMore"]:
            return evaluations
        cursor = page["cursor"]


def backfill(
    ui: Endpoint, asset_keys: list[list[str]], partitions: list[str], title: str, timeout_s: float = 600
) -> tuple[str, dict]:
    """launchPartitionBackfill (the UI's "Launch backfill"), then waits for the daemon to finish it."""
    params = {
        "partitionNames": partitions,
        "assetSelection": [{"path": key} for key in asset_keys],
        "fromFailure": False,
        "title": title,
    }
    launched = execute(ui, LAUNCH_BACKFILL, {"params": params})["launchPartitionBackfill"]
    if launched["__typename"] != "LaunchBackfillSuccess":
        raise GraphQLError(launched)
    backfill_id = launched["backfillId"]
    deadline = time.monotonic() + timeout_s
    while True:
        state = execute(ui, BACKFILL, {"id": backfill_id})["partitionBackfillOrError"]
        if state["__typename"] != "PartitionBackfill":
            raise GraphQLError(state)
        if state["status"] in FINISHED_BACKFILL:
            return backfill_id, state
        if time.monotonic() > deadline:
            raise TimeoutError(f"backfill {backfill_id} is {state['status']} after {timeout_s}s")
        time.sleep(3)


def materializations(ui: Endpoint, key: list[str]) -> list[dict]:
    """The asset's materializations, newest first, each with its metadata by label."""
    events = execute(ui, MATERIALIZATIONS, {"key": {"path": key}})["assetOrError"]["assetMaterializations"]
    return [
        {**event, "metadata": {entry["label"]: _value(entry) for entry in event["metadataEntries"]}} for event in events
    ]


def asset_columns(ui: Endpoint, key: list[str]) -> list[dict]:
    """The asset definition's column schema (the UI's Overview -> Columns): name, type, description."""
    node = execute(ui, ASSET_COLUMNS, {"key": {"path": key}})["assetNodeOrError"]
    if node["__typename"] != "AssetNode":
        raise GraphQLError(node)
    [schema] = [e["schema"] for e in node["metadataEntries"] if e["label"] == "dagster/column_schema"]
    return schema["columns"]


def _value(entry: dict) -> Any:
    for name in ("intValue", "floatValue", "mdStr"):
        if name in entry:
            return entry[name]
    return entry["__typename"]
