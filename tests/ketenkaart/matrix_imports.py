"""Permission-matrix rows of retrying a stopped location import (see tests/matrix.py).

A company runs its own stopped import again; the world's own import has finished, so
the retry is refused with a message on the import's page. Another company's import is
not there (404); nobody else may (403)."""

from __future__ import annotations

from collections.abc import Callable

from ketenkaart.models import LocationImport
from tests.matrix import COMPANY, Redirect, Row, World, only

ROWS: tuple[Row, ...] = (
    Row("ketenkaart:import_retry", "GET", only(COMPANY, 405, 403), "own_import"),
    Row(
        "ketenkaart:import_retry",
        "POST",
        only(COMPANY, Redirect("ketenkaart:import_detail", "same"), 403),
        "own_import",
    ),
    Row("ketenkaart:import_retry", "POST", only(COMPANY, 404, 403), "other_import"),
)
DATA: dict[str, Callable[[World], dict]] = {}
WATCHED: tuple = (LocationImport,)
CREATED: dict = {}


def build(world: World) -> None:
    """The main world's own_import and other_import are the targets."""
