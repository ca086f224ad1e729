"""Demo data for the governance pages, one module per area, called by seed_demo in
this order."""

# seed_demo reaches each area as an attribute of this package: import them here.
from . import conduct, confidentiality, decisions, meetings, membership, packs  # noqa: F401
