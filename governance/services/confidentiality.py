"""Services: confidentiality."""

from __future__ import annotations
