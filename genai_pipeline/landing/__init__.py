"""Landing: simulated days into the raw tables, and the daily-partitioned raw asset."""
