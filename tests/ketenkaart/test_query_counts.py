"""The list pages and the selectors answer in a fixed number of queries, whatever the
number of locations or companies."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.permissions import user_roles
from ketenkaart.models import ListStatus, Location, LocationList
from ketenkaart.selectors import location_list_overview, transparency_figures
from tests.governance.factories import OrganisationFactory

from .factories import YEAR, LocationFactory, LocationListFactory

# The most queries each page may take: the session, the person, the roles and the page's
# own reads (see the tests below for what they are).
COMPANY_PAGE_QUERIES = 12
OVERVIEW_QUERIES = 7
SECRETARIAT_LIST_QUERIES = 13


def add_locations(location_list: LocationList, count: int) -> None:
    template = LocationFactory.build(location_list=location_list)
    Location.objects.bulk_create(
        [
            Location(
                location_list=location_list,
                supplier_name=f"Mina {index}",
                normalised_name=f"mina {index}",
                address=f"Camino {index}",
                city=template.city,
                region_code=template.region_code,
                country=("CL", "PE", "CD", "CN")[index % 4],
                activity=("mining", "smelting_refining", "trading")[index % 3],
                materials=["copper"],
                tier=1 + index % 4,
            )
            for index in range(count)
        ],
        batch_size=500,
    )


def queries(client, url: str) -> int:
    client.get(url)  # warm: the session and the person are loaded the same way
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_company_list_page_does_not_grow_with_its_locations(
    company_client, company, django_assert_max_num_queries
):
    location_list = LocationListFactory(company=company)
    LocationListFactory(company=company, year=YEAR - 1)
    url = reverse("ketenkaart:list_detail", args=[YEAR]) + "?tier=2&activity=mining"
    counts = []
    for size in (10, 1_000):
        add_locations(location_list, size - location_list.locations.count())
        counts.append(queries(company_client, url))
        with django_assert_max_num_queries(COMPANY_PAGE_QUERIES):
            company_client.get(url)
    assert counts[1] == counts[0]


@pytest.mark.django_db
def test_the_overview_does_not_grow_with_companies_or_locations(
    secretariat_client, django_assert_max_num_queries
):
    url = reverse("ketenkaart:overview") + f"?year={YEAR}"
    counts = []
    for size in (10, 100):
        while LocationList.objects.count() < size:
            location_list = LocationListFactory(
                company=OrganisationFactory(),
                status=ListStatus.SUBMITTED,
                submitted_at="2026-06-01T10:00:00Z",
            )
            add_locations(location_list, 10)
        counts.append(queries(secretariat_client, url))
        with django_assert_max_num_queries(OVERVIEW_QUERIES):
            response = secretariat_client.get(url)
        assert len(response.context["rows"]) >= size
    assert counts[1] == counts[0]


@pytest.mark.django_db
def test_the_secretariats_company_page_does_not_grow(
    secretariat_client, company, django_assert_max_num_queries
):
    location_list = LocationListFactory(company=company)
    url = reverse("ketenkaart:company_list", args=[company.pk, YEAR])
    counts = []
    for size in (10, 1_000):
        add_locations(location_list, size - location_list.locations.count())
        counts.append(queries(secretariat_client, url))
        with django_assert_max_num_queries(SECRETARIAT_LIST_QUERIES):
            secretariat_client.get(url)
    assert counts[1] == counts[0]


@pytest.mark.django_db
def test_transparency_figures_take_two_queries(company, django_assert_num_queries):
    add_locations(LocationListFactory(company=company), 100)
    add_locations(LocationListFactory(company=company, year=YEAR - 1), 40)

    with django_assert_num_queries(2):
        figures = transparency_figures(company, YEAR)

    assert (figures.total, figures.total_last_year) == (100, 40)
    assert [(t.key, t.this_year, t.last_year) for t in figures.by_tier] == [
        ("1", 25, 10),
        ("2", 25, 10),
        ("3", 25, 10),
        ("4", 25, 10),
    ]
    assert [(a.key, a.this_year, a.last_year) for a in figures.by_activity] == [
        ("mining", 34, 14),
        ("smelting_refining", 33, 13),
        ("trading", 33, 13),
    ]
    assert figures.beyond_tier_one == 75
    assert figures.share_beyond_tier_one == 0.75
    assert figures.share_beyond_tier_one_last_year == 0.75
    assert (figures.status, figures.status_last_year) == ("draft", "draft")


@pytest.mark.django_db
def test_the_overview_selector_takes_two_queries(
    secretariat_user, django_assert_num_queries
):
    for _ in range(5):
        add_locations(LocationListFactory(company=OrganisationFactory()), 3)
    OrganisationFactory(name="Zonder Lijst B.V.")
    user_roles(secretariat_user)  # once per request, before any page's own reads

    with django_assert_num_queries(2):
        rows = location_list_overview(user=secretariat_user, year=YEAR)

    assert len(rows) == 6
    assert [
        row.locations for row in rows if row.company.name == "Zonder Lijst B.V."
    ] == [0]
