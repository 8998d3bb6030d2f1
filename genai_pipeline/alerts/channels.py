"""The external alert channels: a generic JSON webhook and Slack (through dagster-slack).

Both raise on any failure (refused connection, HTTP error, Slack `ok: false`); the caller
records the error and retries. Error text may echo a URL or token: pass it through mask().
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterable

from dagster_slack import SlackResource

SAMPLE_LINES_IN_SLACK = 3


def mask(text: str, secrets: Iterable[str | None]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def url_origin(url: str) -> str:
    """scheme://host[:port]/*** : enough to tell which endpoint failed, nothing secret
    (webhook URLs usually carry their credential in the path or query)."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}/***"


def post_webhook(url: str, payload: dict, timeout_seconds: float) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "genai-pipeline-alerts"},
        method="POST",
    )
    # urlopen raises HTTPError for 4xx/5xx and URLError when the endpoint is down.
    with urllib.request.urlopen(request, timeout=timeout_seconds) as response:
        response.read()


def slack_text(payload: dict) -> str:
    lines = [payload["summary"]]
    if payload.get("description"):
        lines.append(payload["description"])
    sample = payload.get("sample") or []
    if sample:
        rows = "\n".join(json.dumps(row, default=str) for row in sample[:SAMPLE_LINES_IN_SLACK])
        lines.append(f"Failing rows ({len(sample)} sampled):\n```{rows}```")
    return "\n".join(lines)


def post_slack(token: str, channel: str, payload: dict) -> None:
    # chat_postMessage raises SlackApiError when Slack answers ok: false (bad token, channel).
    SlackResource(token=token).get_client().chat_postMessage(channel=channel, text=slack_text(payload))
