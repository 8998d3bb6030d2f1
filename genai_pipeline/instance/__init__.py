"""The Dagster instance the project runs on: the dagster.yaml it writes, its event-log
storage, and the recovery of runs whose worker died."""
