"""How the disclosure-controlled aggregation scales: 1,000,000 location facts from 5,000
companies, in pure Python (`ketenkaart.aggregation.aggregate`), without a database.

The facts are synthetic but shaped like the real lists: the sites are the 5,383 named
facilities of the shared reference data, a few large smelters and mines are named by many
companies and most sites by few (Zipf weights), company lists range from a handful of
sites to thousands (Pareto sizes), each company writes names in its own style (capitals,
"B.V.", "Ltd.", "GmbH", "S.A.", as is), and 25 companies have restricted disclosure.

Printed: the time of `aggregate` (best and median of a few runs), its peak memory in a
separate run under tracemalloc (which slows it down), the time of `public_rows`, and, for
scale, a plain grouping of the same facts by (country, activity) with no normalisation and
no disclosure control. Nothing about time is asserted. Run with `make bench`.
"""

from __future__ import annotations

import csv
import random
import statistics
import time
import tracemalloc
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from ketenkaart.aggregation import (
    RESTRICTION_LEVELS,
    LocationFact,
    Restriction,
    aggregate,
    public_rows,
)
from ketenkaart.m49 import LEVELS

pytestmark = pytest.mark.bench

SEED = 20260415
FACTS = 1_000_000
COMPANIES = 5_000
RESTRICTED = 25
RUNS = 3
# The shared reference data lies beside the repository.
FACILITIES = Path(__file__).resolve().parents[3] / "shared" / "data" / "facilities.csv"
STYLES = (
    lambda name: name,
    lambda name: name,
    str.upper,
    lambda name: f"{name} B.V.",
    lambda name: f"{name} Ltd.",
    lambda name: f"{name} GmbH",
    lambda name: f"{name}, S.A.",
)


def company_sizes(rng: random.Random) -> list[int]:
    """List lengths adding up to FACTS, from a handful of sites to thousands."""
    weights = [rng.paretovariate(1.3) for _ in range(COMPANIES)]
    total = sum(weights)
    sizes = [max(1, round(FACTS * weight / total)) for weight in weights]
    sizes[sizes.index(max(sizes))] += FACTS - sum(sizes)
    return sizes


def synthetic_facts(rng: random.Random) -> list[LocationFact]:
    with FACILITIES.open(encoding="utf-8", newline="") as source:
        sites = [
            (row["supplier_name"], row["country"], row["activity"])
            for row in csv.DictReader(source)
        ]
    popularity = [1 / rank**0.9 for rank in range(1, len(sites) + 1)]
    rng.shuffle(popularity)
    facts = []
    for company, size in enumerate(company_sizes(rng), start=1):
        style = rng.choice(STYLES)
        for name, country, activity in rng.choices(sites, popularity, k=size):
            facts.append(LocationFact(company, style(name), country, activity))
    return facts


def test_aggregate_a_million_locations():
    rng = random.Random(SEED)
    facts = synthetic_facts(rng)
    restrictions = [
        Restriction(company, rng.choice(RESTRICTION_LEVELS))
        for company in rng.sample(range(1, COMPANIES + 1), RESTRICTED)
    ]

    started = time.perf_counter()
    grouped: defaultdict[tuple[str, str], set[tuple[int, str]]] = defaultdict(set)
    for fact in facts:
        grouped[fact.country, fact.activity].add((fact.company_id, fact.supplier_name))
    grouping_s = time.perf_counter() - started
    del grouped

    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        release = aggregate(facts, restrictions)
        timings.append(time.perf_counter() - started)

    tracemalloc.start()
    aggregate(facts, restrictions)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    started = time.perf_counter()
    rows = public_rows(release, 2026)
    rows_ms = (time.perf_counter() - started) * 1000

    per_level = Counter(cell.area_level for cell in release.cells)
    withheld = sum(cell.locations_band is None for cell in release.cells)
    left_out = sum(
        cell.published_in is None and cell.area_level == "world"
        for cell in release.held_back
    )
    header = (
        f"{'facts':>9} {'companies':>9} {'names':>7} {'runs':>4} {'best s':>7} "
        f"{'median s':>8} {'peak MB':>7} {'grouping s':>10} {'rows ms':>7}"
    )
    print(
        "\n".join(
            [
                "",
                f"aggregate, pure Python, k = {release.k} (seed {SEED}; "
                f"{RESTRICTED} companies with restricted disclosure)",
                header,
                "-" * len(header),
                f"{len(facts):>9,} {COMPANIES:>9,} "
                f"{len({fact.supplier_name for fact in facts}):>7,} {RUNS:>4} "
                f"{min(timings):>7.2f} {statistics.median(timings):>8.2f} "
                f"{peak / 1e6:>7.0f} {grouping_s:>10.2f} {rows_ms:>7.1f}",
                f"published cells: {len(release.cells)} "
                f"({', '.join(f'{level} {per_level[level]}' for level in LEVELS)}"
                f"), locations withheld by dominance: {withheld}, held back: "
                f"{len(release.held_back)}, left out at world level: {left_out}",
            ]
        )
    )
    assert len(rows) == len(release.cells)
    assert all(len(cell.companies) >= release.k for cell in release.cells)
