"""What every stage shares: settings, paths, the daily partitions, the warehouse resource."""
