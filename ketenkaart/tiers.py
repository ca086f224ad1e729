"""The tiers of a supply chain as reports group them: direct suppliers, their suppliers,
and everything deeper together (art. 16-18). Shared by the meeting pack's progress
report and the yearly report, so both count the same way."""

from __future__ import annotations

from django.utils.translation import gettext as _

# Tier 3 and deeper are counted together: few lists go further.
TIER_GROUPS = (1, 2, 3)


def tier_group(tier: int) -> int:
    """The group a location's tier is counted in."""
    return min(tier, TIER_GROUPS[-1])


def tier_group_label(group: int) -> str:
    return {1: _("Tier 1 (direct)"), 2: _("Tier 2"), 3: _("Tier 3 and deeper")}[group]
