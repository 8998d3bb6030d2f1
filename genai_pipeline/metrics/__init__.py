"""Backfill metrics: KPIs over the marts, one daily-partitioned asset each, filled across
history by partition backfills. Adding one is one ``@backfill_metric`` function in library.py."""
