"""Demo data for the governance pages, one module per area, called by seed_demo in
this order."""
