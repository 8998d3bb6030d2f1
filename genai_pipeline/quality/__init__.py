"""Data quality beyond dbt's tests: trend-adjusted anomaly scoring and the anomaly checks
on daily_metrics."""
