"""A file of 100,000 rows: checked whole, its one bad row found by its row number, and
nothing saved."""

from __future__ import annotations

import pytest

from ketenkaart.models import Location
from tests.ketenkaart.test_import import run

ROWS = 100_000


def _large_file(bad_row: int) -> bytes:
    lines = [
        "supplier_name,address,city,region_code,country,activity,materials,tier,"
        "relation,external_id"
    ]
    for index in range(ROWS):
        country = "Atlantis" if index + 2 == bad_row else "CL"
        lines.append(
            f"Mina {index} S.A.,Camino Minero {index},Calama,,{country},mining,"
            f"copper,3,supplier,M-{index}"
        )
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.django_db
def test_a_bad_row_deep_in_a_large_file_is_found_and_nothing_is_saved(company):
    result = run(company, _large_file(bad_row=99_999))
    assert result.rows == ROWS
    assert [(p.row, p.column) for p in result.problems] == [(99_999, "country")]
    assert "Atlantis" in result.problems[0].message
    assert result.saved is False
    assert not Location.objects.exists()
