"""Demo data for the governance pages, one module per area, called by seed_demo in
this order."""

from . import conduct, confidentiality, decisions, meetings, membership, packs

__all__ = ["conduct", "confidentiality", "decisions", "meetings", "membership", "packs"]
