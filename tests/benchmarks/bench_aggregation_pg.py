"""The aggregated list built from PostgreSQL: 1,000,000 locations from 5,000 companies,
against a plain SQL GROUP BY over the same rows, and the published list's page.

1. Load: 5,000 companies with a submitted list each (bulk_create), then 1,000,000
   locations with PostgreSQL's COPY. The rows are shaped like those of
   bench_aggregation.py: the sites are the named facilities of the shared reference
   data with their country, activity and materials, a few large smelters and mines are
   named by many companies and most sites by few (Zipf weights), list lengths run from a
   handful of sites to thousands (Pareto sizes), each company writes names in its own
   style, and 25 companies have restricted disclosure.
2. The build as the secretariat starts it: `release_start(run_now=True)` streams the
   facts from the database into `aggregate`, which applies the disclosure control,
   and stores the cells; best of two runs, with the time of the `aggregate` call in
   it (fetch and aggregation together, as they stream) and of the rest. Its peak
   memory is the rise of the process's peak resident size (`ru_maxrss`) over the
   builds, not tracemalloc, which would slow a million objects down. Fetching the
   facts and aggregating them are then timed apart: the facts read into a list, and
   `aggregate` over that list.
3. For scale, a plain SQL GROUP BY (country, activity) of the same rows counting
   companies and rows, and one that also counts distinct normalised names; the ratio
   is the build's time over the plain GROUP BY's.
4. The published list's page (ketenkaart:release_detail) for an NGO, with 20 and 200
   synthetic country cells of a few companies each and with the cells of the build:
   queries and time, through Django's test client in process.

PostgreSQL only (COPY, and a million rows): skipped on SQLite. Nothing about time is
asserted. Run with `make bench` and DATABASE_URL set to a PostgreSQL database.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import resource
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import Organisation
from ketenkaart import aggregation, m49, releases
from ketenkaart.models import (
    AreaLevel,
    ListStatus,
    Location,
    LocationList,
    LocationRelease,
    ReleaseCell,
    ReleaseStatus,
    RestrictedDisclosure,
    RestrictionStatus,
)
from tests.benchmarks.bench_aggregation import (
    COMPANIES,
    FACILITIES,
    FACTS,
    RESTRICTED,
    STYLES,
    company_sizes,
)
from tests.governance.factories import OrganisationFactory, UserFactory

pytestmark = [
    pytest.mark.bench,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason=(
            "needs PostgreSQL (COPY and a million rows): set DATABASE_URL to a "
            f"PostgreSQL database; this run uses {connection.vendor}"
        ),
    ),
]

SEED = 20261122
YEAR = 2026
SQL_RUNS = 3
BUILD_RUNS = 2
PAGE_CELLS = (20, 200)
PAGE_ACTIVITIES = ("mining", "smelting_refining", "processing", "trading")
WARM_UP = 2
REQUESTS = 10
COPY_CHUNK = 50_000
TIER_OF_ACTIVITY = {"mining": 3, "smelting_refining": 2, "processing": 2}
# The columns COPY fills, in the order of each line.
LOCATION_FIELDS = (
    "location_list",
    "supplier_name",
    "normalised_name",
    "address",
    "city",
    "region_code",
    "country",
    "activity",
    "materials",
    "tier",
    "relation",
    "external_id",
    "created_at",
    "updated_at",
)


# The plain SQL the build is compared with; the table names are the models' own,
# quoted, and the values parameters.
GROUP_BY = (
    "SELECT l.country, l.activity, count(DISTINCT ll.company_id), count(*){names} "
    "FROM {location} l JOIN {location_list} ll ON ll.id = l.location_list_id "
    "WHERE ll.year = %s AND ll.status = %s GROUP BY l.country, l.activity"
)


@dataclass(frozen=True)
class Site:
    name: str
    country: str
    activity: str
    materials: str  # as JSON
    tier: int


def sites() -> list[Site]:
    if not FACILITIES.exists():
        pytest.skip(f"{FACILITIES} is not there")
    with FACILITIES.open(encoding="utf-8", newline="") as source:
        return [
            Site(
                name=record["supplier_name"].strip(),
                country=record["country"],
                activity=record["activity"],
                materials=json.dumps(record["materials"].split(";")),
                tier=TIER_OF_ACTIVITY.get(record["activity"], 1),
            )
            for record in csv.DictReader(source)
            if record["supplier_name"].strip() and record["materials"].strip()
        ]


def copy_text(value: object) -> str:
    """A value as a field of COPY's text format."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def companies_with_lists() -> list[int]:
    """COMPANIES companies, each with a submitted list for YEAR; their lists' ids."""
    # One company as the factory makes it, copied: building each with the factory
    # would take longer than inserting them.
    template = OrganisationFactory.build()
    fields = {
        field.attname: getattr(template, field.attname)
        for field in Organisation._meta.concrete_fields
        if not field.primary_key
    }
    organisations = [
        Organisation(
            **{
                **fields,
                "name": f"Benchmarkbedrijf {index:04d} B.V.",
                "kvk_number": f"{90_000_000 + index:08d}",
            }
        )
        for index in range(1, COMPANIES + 1)
    ]
    Organisation.objects.bulk_create(organisations, batch_size=1_000)
    submitted_at = timezone.now() - dt.timedelta(days=30)
    lists = LocationList.objects.bulk_create(
        [
            LocationList(
                company=organisation,
                year=YEAR,
                status=ListStatus.SUBMITTED,
                submitted_at=submitted_at,
            )
            for organisation in organisations
        ],
        batch_size=1_000,
    )
    return [location_list.pk for location_list in lists]


def restricted_companies(rng: random.Random) -> None:
    """RESTRICTED companies whose request for restricted disclosure was approved."""
    companies = list(
        Organisation.objects.filter(location_lists__year=YEAR).order_by("pk")
    )
    chosen = rng.sample(companies, RESTRICTED)
    person = UserFactory(organisation=chosen[0])
    decided_at = timezone.now() - dt.timedelta(days=7)
    approvals = []
    for company in chosen:
        level = rng.choice(aggregation.RESTRICTION_LEVELS)
        approvals.append(
            RestrictedDisclosure(
                company=company,
                requested_level=level,
                reason="Benchmark",
                status=RestrictionStatus.APPROVED,
                approved_level=level,
                decided_on=decided_at.date(),
                requested_by=person,
                decided_by=person,
                decided_at=decided_at,
            )
        )
    RestrictedDisclosure.objects.bulk_create(approvals)


def location_lines(list_ids: list[int], rng: random.Random) -> Iterator[str]:
    """One line of COPY's text format per location, in the order of LOCATION_FIELDS:
    FACTS in all. The text of a site in a company's style is escaped once."""
    every_site = sites()
    indexes = range(len(every_site))
    popularity = [1 / rank**0.9 for rank in range(1, len(every_site) + 1)]
    rng.shuffle(popularity)
    places = [
        "\t".join(
            copy_text(value) for value in (site.country, site.activity, site.materials)
        )
        for site in every_site
    ]
    stamp = timezone.now().isoformat()
    end = f"\tsupplier\t\t{stamp}\t{stamp}\n"
    names: dict[tuple[int, int], str] = {}
    for list_id, size in zip(list_ids, company_sizes(rng), strict=True):
        style = rng.randrange(len(STYLES))
        for number, index in enumerate(rng.choices(indexes, popularity, k=size), 1):
            named = names.get((style, index))
            if named is None:
                name = STYLES[style](every_site[index].name)[:200]
                normalised = aggregation.normalise_supplier_name(name)[:200]
                named = names[style, index] = (
                    f"{copy_text(name)}\t{copy_text(normalised)}"
                )
            tier = every_site[index].tier + (1 if number % 3 == 0 else 0)
            yield (
                f"{list_id}\t{named}\tSite {number}\tDistrict {number % 50 + 1}\t\t"
                f"{places[index]}\t{tier}{end}"
            )


def copy_locations(lines: Iterator[str]) -> int:
    table = connection.ops.quote_name(Location._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(Location._meta.get_field(name).column)
        for name in LOCATION_FIELDS
    )
    written = 0
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            chunk: list[str] = []
            for line in lines:
                chunk.append(line)
                if len(chunk) == COPY_CHUNK:
                    copy.write("".join(chunk))
                    written += len(chunk)
                    chunk = []
            copy.write("".join(chunk))
            written += len(chunk)
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(
            f"ANALYZE {connection.ops.quote_name(LocationList._meta.db_table)}"
        )
    return written


def plain_group_by(distinct_names: bool) -> tuple[float, int]:
    """The best of SQL_RUNS runs, in seconds, and the number of groups."""
    location = connection.ops.quote_name(Location._meta.db_table)
    location_list = connection.ops.quote_name(LocationList._meta.db_table)
    names = ", count(DISTINCT l.normalised_name)" if distinct_names else ""
    sql = GROUP_BY.format(names=names, location=location, location_list=location_list)
    timings = []
    with connection.cursor() as cursor:
        for _ in range(SQL_RUNS):
            started = time.perf_counter()
            cursor.execute(sql, [YEAR, ListStatus.SUBMITTED])
            groups = cursor.fetchall()
            timings.append(time.perf_counter() - started)
    return min(timings), len(groups)


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def fetch_then_aggregate() -> tuple[float, float, aggregation.Release]:
    """The two parts of a build timed apart: the facts read from the database into a
    list, then `aggregate` over that list."""
    fetch_s, facts = timed(lambda: list(releases._facts(YEAR)))
    assert len(facts) == FACTS
    rules = releases.rules_of(releases.disclosure_rule_current())
    restrictions = releases.restrictions_in_force()
    assert len(restrictions) == RESTRICTED
    started = time.perf_counter()
    result = aggregation.aggregate(facts, restrictions, rules)
    return fetch_s, time.perf_counter() - started, result


def release_with_cells(year: int, count: int) -> LocationRelease:
    """A published release of `count` country cells: PAGE_ACTIVITIES in each of
    count / len(PAGE_ACTIVITIES) countries."""
    release = LocationRelease.objects.create(
        year=year,
        number=1,
        status=ReleaseStatus.PUBLISHED,
        rules=aggregation.DEFAULT_RULES.as_dict(),
        published_at=timezone.now(),
    )
    countries = sorted(m49.COUNTRIES)[: count // len(PAGE_ACTIVITIES)]
    ReleaseCell.objects.bulk_create(
        [
            ReleaseCell(
                release=release,
                position=position,
                area_level=AreaLevel.COUNTRY,
                area_code=country,
                activity=activity,
                companies_band=("3-4", "5-9", "10-24")[position % 3],
                locations_band=("1-9", "10-49", "")[position % 3],
                exact_companies=3 + position % 20,
                exact_locations=1 + position % 40,
                company_ids=list(range(1, 4 + position % 20)),
                countries=[country],
            )
            for position, (activity, country) in enumerate(
                (activity, country)
                for activity in PAGE_ACTIVITIES
                for country in countries
            )
        ]
    )
    assert release.cells.count() == count
    return release


@dataclass(frozen=True)
class PageFigures:
    page: str
    cells: int
    queries: int
    median_ms: float
    min_ms: float
    max_ms: float


def measure_page(client, release: LocationRelease, page: str) -> PageFigures:
    url = reverse("ketenkaart:release_detail", args=[release.pk])
    for _ in range(WARM_UP):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    # Read now: every request starts by emptying the connection's query log.
    queries = len(captured)
    cells = release.cells.count()
    assert f"{cells} published figures".encode() in response.content
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    return PageFigures(
        page,
        cells,
        queries,
        statistics.median(timings),
        min(timings),
        max(timings),
    )


@dataclass
class BuildTimer:
    """Times the call of `aggregate` inside a build: as the build makes it, the facts
    stream from the database into it, so it holds the fetch and the aggregation."""

    seconds: float = 0.0

    def wrap(self, aggregate: Callable) -> Callable:
        def timed_aggregate(*args, **kwargs):
            started = time.perf_counter()
            try:
                return aggregate(*args, **kwargs)
            finally:
                self.seconds = time.perf_counter() - started

        return timed_aggregate


@pytest.mark.django_db
def test_aggregate_a_million_locations_on_postgresql(
    client, person_factory, monkeypatch
):
    rng = random.Random(SEED)
    companies_s, list_ids = timed(companies_with_lists)
    restricted_companies(rng)
    copy_s, written = timed(lambda: copy_locations(location_lines(list_ids, rng)))
    assert written == FACTS
    assert Location.objects.count() == FACTS

    # The build, as the secretariat starts it from the command line; each run makes
    # the next release of the year.
    timer = BuildTimer()
    monkeypatch.setattr(aggregation, "aggregate", timer.wrap(aggregation.aggregate))
    builds = []
    rss_before = maxrss_mb()
    for _ in range(BUILD_RUNS):
        build_s, (release, started) = timed(
            lambda: releases.release_start(year=YEAR, actor=None, run_now=True)
        )
        assert started
        builds.append((build_s, timer.seconds))
    rss_rise = maxrss_mb() - rss_before
    monkeypatch.undo()
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PUBLISHED
    assert release.number == BUILD_RUNS
    assert (release.companies, release.locations) == (COMPANIES, FACTS)
    build_s, streamed_s = min(builds)

    # Its two parts, apart.
    fetch_s, aggregate_s, result = fetch_then_aggregate()
    assert len(result.cells) == release.cells.count()

    plain_s, groups = plain_group_by(distinct_names=False)
    names_s, _groups = plain_group_by(distinct_names=True)

    # The published list's page, for an NGO.
    ngo = person_factory("ngo")
    client.force_login(ngo)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    pages = [
        measure_page(client, release_with_cells(YEAR - 1 - index, count), "synthetic")
        for index, count in enumerate(PAGE_CELLS)
    ]
    pages.append(measure_page(client, release, "the build"))

    cells_by_level = {
        level: release.cells.filter(area_level=level).count()
        for level in AreaLevel.values
    }
    company_ids = sum(
        len(ids) for ids in release.cells.values_list("company_ids", flat=True)
    )
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    header = f"{'step':<56} {'seconds':>8} {'locations/s':>11}"
    lines = [
        "",
        f"aggregated list on PostgreSQL {connection.pg_version // 10000}: "
        f"{FACTS:,} locations, {COMPANIES:,} companies, {RESTRICTED} restricted "
        f"(seed {SEED}; load average {load} on {os.cpu_count()} CPUs)",
        header,
        "-" * len(header),
    ]
    for step, seconds, per_location in (
        (f"load {COMPANIES:,} companies and lists (bulk_create)", companies_s, False),
        (f"load {FACTS:,} locations (lines made, COPY, ANALYZE)", copy_s, True),
        (f"build: release_start(run_now=True), best of {BUILD_RUNS}", build_s, True),
        ("  in it: facts streamed into aggregate()", streamed_s, True),
        ("  in it: the rest (cells, counts, audit)", build_s - streamed_s, False),
        ("apart: fetch the facts (_facts into a list)", fetch_s, True),
        ("apart: aggregate() over that list", aggregate_s, True),
        (f"plain SQL GROUP BY country, activity, best of {SQL_RUNS}", plain_s, True),
        ("  the same with count(DISTINCT normalised_name)", names_s, True),
    ):
        rate = f"{FACTS / seconds:>11,.0f}" if per_location else ""
        lines.append(f"{step:<56} {seconds:>8.2f} {rate}".rstrip())
    lines += [
        f"build / plain GROUP BY: {build_s / plain_s:.1f}x; build / GROUP BY with "
        f"distinct names: {build_s / names_s:.1f}x",
        f"peak resident size (ru_maxrss) rose by {rss_rise:.0f} MB over the builds, "
        f"from {rss_before:.0f} MB",
        f"groups of the plain GROUP BY: {groups}; published cells: "
        f"{release.cells.count()} ("
        + ", ".join(f"{level} {count}" for level, count in cells_by_level.items())
        + f"), held back: {len(release.held_back)}; company ids stored with its "
        f"cells: {company_ids:,}",
        "",
        "the published list's page (ketenkaart:release_detail), signed in as an NGO",
    ]
    page_header = (
        f"{'release':<10} {'cells':>6} {'queries':>7} {'median ms':>9} "
        f"{'min ms':>7} {'max ms':>7}"
    )
    lines += [page_header, "-" * len(page_header)]
    for row in pages:
        lines.append(
            f"{row.page:<10} {row.cells:>6} {row.queries:>7} {row.median_ms:>9.1f} "
            f"{row.min_ms:>7.1f} {row.max_ms:>7.1f}"
        )
    print("\n".join(lines))
    assert len({row.queries for row in pages}) == 1
