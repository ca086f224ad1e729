"""Permission-matrix rows of this area (see tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from tests.matrix import Row, World

ROWS: tuple[Row, ...] = ()
DATA: dict[str, Callable[[World], dict]] = {}
WATCHED: tuple = ()
CREATED: dict = {}


def build(world: World) -> None:
    pass
