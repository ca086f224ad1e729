"""How the secretariat's busiest pages scale with the number of organisations.

Prints the queries and the median response time (Django's test client, in process, so
without network or a web server) at 10 and at 1,000 organisations. It asserts nothing
about time: the figures are for people to compare between changes. Run with `make bench`.
"""

from __future__ import annotations

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import Organisation, OrganisationStatus, User
from tests.benchmarks.conftest import PageFigures
from tests.governance.factories import KerngroepSeatFactory, OrganisationFactory

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

SIZES = (10, 1_000)
PAGES = {"dashboard": "dashboard", "organisations": "governance:organisation_list"}
WARM_UP = 3
REQUESTS = 25
STATUSES = (
    OrganisationStatus.ACTIVE,
    OrganisationStatus.ACTIVE,
    OrganisationStatus.APPLICANT,
    OrganisationStatus.WITHDRAWING,
)


def organisations_bulk_create(count: int) -> None:
    """`count` organisations with one person each, in a handful of INSERTs."""
    organisations = OrganisationFactory.build_batch(count)
    for index, organisation in enumerate(organisations):
        organisation.status = STATUSES[index % len(STATUSES)]
    Organisation.objects.bulk_create(organisations, batch_size=500)
    User.objects.bulk_create(
        [
            User(
                email=f"bench-{organisation.pk}@example.org",
                first_name="Bench",
                last_name=str(organisation.pk),
                organisation=organisation,
                password="!",  # unusable: nobody signs in as these people
            )
            for organisation in organisations
        ],
        batch_size=500,
    )


@pytest.mark.parametrize("size", SIZES)
def test_secretariat_pages(secretariat_client, bench_results, size: int):
    KerngroepSeatFactory()
    organisations_bulk_create(size - Organisation.objects.count())
    assert Organisation.objects.count() == size

    for page, url_name in PAGES.items():
        url = reverse(url_name)
        for _ in range(WARM_UP):
            assert secretariat_client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert secretariat_client.get(url).status_code == 200
        # Read now: every request starts by emptying the connection's query log.
        queries = len(captured)
        timings = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = secretariat_client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        figures = PageFigures(
            page=page,
            organisations=size,
            queries=queries,
            requests=REQUESTS,
            median_ms=statistics.median(timings),
            min_ms=min(timings),
            max_ms=max(timings),
        )
        bench_results.append(figures)
        print(
            f"\n{page} at {size:,} organisations: {figures.queries} queries, "
            f"median {figures.median_ms:.1f} ms over {REQUESTS} requests"
        )
