"""Services: packs."""

from __future__ import annotations
