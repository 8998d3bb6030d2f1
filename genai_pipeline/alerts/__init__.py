"""Alerts on failed asset checks: the sensor, the alert sinks, and the failing-row evidence."""
