"""Permission-matrix rows of the packs pages (see tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from tests.matrix import Row, World

ROWS: tuple[Row, ...] = ()
DATA: dict[str, Callable[[World], dict]] = {}
WATCHED: tuple = ()
CREATED: dict = {}


def build(world: World) -> None:
    """Adds this area's objects to the world and their kwargs to world.targets."""
