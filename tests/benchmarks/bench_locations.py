"""How the import of a production-location list scales: 100,000 rows, checked (a dry
run) and applied, then the same file again (every location kept) and a file that changes
a tenth of them.

The rows are the facilities of the shared reference list (shared/data/facilities.csv),
each repeated at several addresses and tiers with a fixed seed, so that every row is a
distinct, valid location. Each step prints its time; the peak memory is measured in a
second pass under tracemalloc (which slows Python down, so its time is not the one
reported), and the process's peak resident size is printed at the end. Nothing about
time is asserted. Run with `make bench`.
"""

from __future__ import annotations

import csv
import io
import random
import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ketenkaart.models import Location
from ketenkaart.resources import COLUMNS
from ketenkaart.services import REPORT_LIMIT, location_list_import
from tests.governance.factories import OrganisationFactory
from tests.ketenkaart.factories import NamedBytes

pytestmark = pytest.mark.bench

SEED = 20261122
ROWS = 100_000
YEAR = 2026
FACILITIES = Path(__file__).resolve().parents[3] / "shared" / "data" / "facilities.csv"
TIER_OF_ACTIVITY = {"mining": 3, "smelting_refining": 2, "processing": 2}


def facilities() -> list[dict[str, str]]:
    if not FACILITIES.exists():
        pytest.skip(f"{FACILITIES} is not there")
    with FACILITIES.open(encoding="utf-8", newline="") as source:
        return [
            record
            for record in csv.DictReader(source)
            if record["supplier_name"].strip() and record["materials"].strip()
        ]


def location_rows(count: int, rng: random.Random) -> list[list]:
    """`count` distinct valid rows: a facility at its n-th site."""
    sites = facilities()
    rows = []
    for index in range(count):
        site = sites[index % len(sites)]
        copy = index // len(sites)
        tier = TIER_OF_ACTIVITY.get(site["activity"], 1) + rng.choice((0, 0, 1))
        rows.append(
            [
                site["supplier_name"].strip(),
                f"Site {copy + 1}, plot {rng.randint(1, 999)}",
                f"District {copy + 1}",
                "",
                site["country"],
                site["activity"],
                site["materials"],
                tier,
                "supplier",
                f"S-{index:06d}",
            ]
        )
    return rows


def csv_file(rows: list[list]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def xlsx_file(rows: list[list]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Figures:
    step: str
    seconds: float
    peak_mb: float
    queries: int
    summary: str


def measure(step: str, action: Callable[[], object]) -> Figures:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - started
    return Figures(step, seconds, 0.0, len(captured), result.summary())


def peak(action: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


@pytest.mark.django_db(transaction=True)
def test_import_100000_locations(tmp_path):
    rng = random.Random(SEED)
    company = OrganisationFactory(name="Benchmark Metaal B.V.")
    rows = location_rows(ROWS, rng)
    data = csv_file(rows)
    changed = [list(row) for row in rows]
    for row in changed[::10]:
        row[1] = row[1] + " (new gate)"
    changed_data = csv_file(changed)

    def importing(content: bytes, name: str, dry_run: bool, limit: int | None = None):
        return lambda: location_list_import(
            company=company,
            year=YEAR,
            file=NamedBytes(content, name),
            dry_run=dry_run,
            actor=None,
            report_limit=limit,
        )

    figures = []
    for step, content, name, dry_run in (
        ("check, new list (CSV)", data, "list.csv", True),
        ("apply, new list (CSV)", data, "list.csv", False),
        ("check, same file again", data, "list.csv", True),
        ("apply, same file again", data, "list.csv", False),
        ("check, a tenth changed", changed_data, "list.csv", True),
        ("apply, a tenth changed", changed_data, "list.csv", False),
    ):
        measured = measure(step, importing(content, name, dry_run))
        figures.append(measured)
    assert Location.objects.count() == ROWS

    # Peak memory, measured again under tracemalloc: a check of the whole file against
    # the stored list with the full report (as the command makes it) and with the
    # report the site stores, and applying a file that changes every location.
    every_changed = [list(row) for row in rows]
    for row in every_changed:
        row[2] = row[2] + " Noord"
    check_peak = peak(importing(data, "list.csv", True))
    site_peak = peak(importing(data, "list.csv", True, REPORT_LIMIT))
    apply_peak = peak(
        importing(csv_file(every_changed), "list.csv", False, REPORT_LIMIT)
    )

    xlsx = xlsx_file(rows)
    xlsx_check = measure("check, same list (XLSX)", importing(xlsx, "list.xlsx", True))
    figures.append(xlsx_check)

    header = f"{'step':<26} {'seconds':>8} {'rows/s':>9} {'queries':>7}  result"
    lines = [
        "",
        f"location import, {ROWS:,} rows ({connection.vendor} database; CSV "
        f"{len(data) / 1024 / 1024:.1f} MB, XLSX {len(xlsx) / 1024 / 1024:.1f} MB)",
        header,
        "-" * len(header),
    ]
    for row in figures:
        lines.append(
            f"{row.step:<26} {row.seconds:>8.2f} {ROWS / row.seconds:>9,.0f} "
            f"{row.queries:>7}  {row.summary}"
        )
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines += [
        f"peak Python memory (tracemalloc): check with the full report "
        f"{check_peak:.0f} MB, with the site's report {site_peak:.0f} MB; apply with "
        f"every location changed {apply_peak:.0f} MB",
        f"peak resident size of the test process: {maxrss_mb:.0f} MB",
    ]
    print("\n".join(lines))
