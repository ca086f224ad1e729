"""The secretariat's dashboard and organisation list cost as many queries for 100
organisations as for 10: no query per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import Organisation, OrganisationStatus
from tests.governance.factories import (
    KerngroepSeatFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STATUSES = (
    OrganisationStatus.ACTIVE,
    OrganisationStatus.APPLICANT,
    OrganisationStatus.WITHDRAWING,
)


def grow_to(total: int) -> None:
    """Add organisations, each with one person, until there are `total`."""
    for index in range(Organisation.objects.count(), total):
        organisation = OrganisationFactory(status=STATUSES[index % len(STATUSES)])
        UserFactory(organisation=organisation)
    assert Organisation.objects.count() == total


def queries_for(client, url: str) -> list[str]:
    client.get(url)  # the first request of a session fills caches the next ones reuse
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("url_name", ["dashboard", "governance:organisation_list"])
def test_queries_do_not_grow_with_the_organisations(secretariat_client, url_name: str):
    KerngroepSeatFactory()  # the dashboard lists the seats: one is enough to show N+1
    url = reverse(url_name)

    grow_to(10)
    at_10 = queries_for(secretariat_client, url)
    grow_to(100)
    at_100 = queries_for(secretariat_client, url)

    assert len(at_100) == len(at_10), "\n".join(
        [
            f"{len(at_10)} queries at 10 organisations:",
            *at_10,
            f"{len(at_100)} queries at 100 organisations:",
            *at_100,
        ]
    )
