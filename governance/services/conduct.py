"""Services: conduct."""

from __future__ import annotations
