"""`genai-pipeline`: the command line. It drives Dagster (runs, backfills, the UI), never
bypasses it."""
