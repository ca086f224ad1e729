"""Reads of the monitoring tool, scoped to the person asking, one module per area."""
