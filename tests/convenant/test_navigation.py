"""The menus offer a page exactly to the people who may open it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.models import Participation
from tests.conftest import ROLES, make_person
from tests.governance.factories import OrganisationFactory, UserFactory

SUPPORTER = "supporter"
# Links of the main menu and of the ketenkaart's menu that not every role may follow.
MENU_LINKS = ("reports:report_list", "ketenkaart:restriction_list")


def _person(role: str):
    if role == SUPPORTER:
        # An NGO that supports the agreement without being a party (art. 40).
        organisation = OrganisationFactory(
            ngo=True, participation=Participation.SUPPORTER
        )
        return UserFactory(organisation=organisation, organisation_role="admin")
    return make_person(role)


@pytest.mark.django_db
@pytest.mark.parametrize("link", MENU_LINKS)
@pytest.mark.parametrize("role", [*(r for r in ROLES if r != "anonymous"), SUPPORTER])
def test_a_menu_link_is_shown_to_those_it_opens_for(client, role, link):
    client.force_login(_person(role))
    target = reverse(link)
    # The published list's page carries both menus and is open to everyone.
    page = client.get(reverse("ketenkaart:release_index"))
    assert page.status_code == 200

    shown = f'href="{target}"' in page.content.decode()
    opens = client.get(target).status_code == 200

    assert shown == opens
