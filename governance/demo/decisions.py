"""Demo data: decisions."""

from __future__ import annotations


def seed(*, secretariat) -> None:
    """Idempotent: running it twice adds nothing the second time."""
