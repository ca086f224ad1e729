"""The governance overview shows each person the pages they may open, and only those."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import ROLES, make_person

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("governance:governance_overview")


def links(client, role: str) -> set[str]:
    client.force_login(make_person(role))
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    return {
        link.url for _title, section in response.context["sections"] for link in section
    }


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_every_link_opens_for_the_person_who_sees_it(client, role):
    for url in links(client, role):
        assert client.get(url, follow=True).status_code == 200, url


def test_the_secretariat_sees_the_agreements_and_removals(client):
    found = links(client, "secretariat")
    assert reverse("governance:confidentiality_list") in found
    assert reverse("governance:removal_list") in found
    assert reverse("governance:signature_list") in found


def test_an_ngo_sees_its_own_agreements_and_not_everybody_s(client):
    found = links(client, "ngo")
    assert reverse("governance:confidentiality_own") in found
    assert reverse("governance:confidentiality_list") not in found
    assert reverse("governance:removal_list") not in found


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
