"""Services: meetings."""

from __future__ import annotations
