"""The e2e session's settings: where its output goes and which days it simulates.

Partitions start 9 days ago: the UI charts the last 120 partitions of an asset, so the
simulated days must be recent. 200 base users keep a day's run to its fixed costs.
"""

import datetime as dt
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "e2e"
FIRST_DAY = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=9)
SERVER_ENV = {"GENAI_BASE_USERS": "200", "GENAI_START_DATE": FIRST_DAY.isoformat()}
BACKFILL_METRIC = "session_engagement_score"
MODEL_GROUPS = ("raw", "staging", "marts", "metrics")


def day(n: int) -> str:
    """Partition key of simulated day n (1-based)."""
    return (FIRST_DAY + dt.timedelta(days=n - 1)).isoformat()
