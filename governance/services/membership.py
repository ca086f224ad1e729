"""Services: membership."""

from __future__ import annotations
