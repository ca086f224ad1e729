"""Benchmarks collect their figures here and print them as one table at the end."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

RESULTS = pytest.StashKey[list["PageFigures"]]()


@dataclass(frozen=True)
class PageFigures:
    page: str
    organisations: int
    queries: int
    requests: int
    median_ms: float
    min_ms: float
    max_ms: float


@pytest.fixture(scope="session")
def bench_results(request) -> list[PageFigures]:
    return request.config.stash.setdefault(RESULTS, [])


def format_table(rows: list[PageFigures]) -> list[str]:
    header = (
        f"{'page':<15} {'organisations':>13} {'queries':>7} {'requests':>8} "
        f"{'median ms':>9} {'min ms':>7} {'max ms':>7}"
    )
    lines = [header, "-" * len(header)]
    for row in sorted(rows, key=lambda r: (r.page, r.organisations)):
        lines.append(
            f"{row.page:<15} {row.organisations:>13,} {row.queries:>7} "
            f"{row.requests:>8} {row.median_ms:>9.1f} {row.min_ms:>7.1f} "
            f"{row.max_ms:>7.1f}"
        )
    return lines


def pytest_terminal_summary(terminalreporter, config) -> None:
    rows = config.stash.get(RESULTS, [])
    if not rows:
        return
    from django.db import connection

    terminalreporter.section(
        f"benchmarks: signed in as the secretariat, {connection.vendor} database"
    )
    for line in format_table(rows):
        terminalreporter.write_line(line)
