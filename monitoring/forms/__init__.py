"""Forms of the monitoring tool, one module per area."""
