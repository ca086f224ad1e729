"""Who may have which meeting pack."""

from __future__ import annotations

import pytest

from governance.models import OrganisationStatus, PackKind, Participation
from governance.permissions import can_get_pack
from tests.conftest import make_person
from tests.governance.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "full", "outline"),
    [
        ("secretariat", True, True),
        ("kerngroep", True, True),
        ("chair", True, True),
        ("government", False, True),
        ("company_member", False, True),
        ("ngo", False, True),
        ("branch", False, True),
    ],
)
def test_roles(role, full, outline):
    person = make_person(role)
    assert can_get_pack(person, PackKind.FULL) is full
    assert can_get_pack(person, PackKind.OUTLINE) is outline


def test_a_supporter_gets_the_outline():
    supporter = OrganisationFactory(
        ngo=True, participation=Participation.SUPPORTER, name="Steunende stichting"
    )
    assert can_get_pack(UserFactory(organisation=supporter), PackKind.OUTLINE)


@pytest.mark.parametrize(
    "status", [OrganisationStatus.APPLICANT, OrganisationStatus.WITHDRAWN]
)
def test_an_organisation_that_is_not_taking_part_gets_nothing(status):
    person = UserFactory(organisation=OrganisationFactory(status=status))
    assert not can_get_pack(person, PackKind.OUTLINE)
    assert not can_get_pack(person, PackKind.FULL)


def test_the_ser_without_the_chair_gets_nothing():
    person = UserFactory(organisation=OrganisationFactory(ser=True))
    assert not can_get_pack(person, PackKind.OUTLINE)


def test_an_inactive_account_gets_nothing():
    person = make_person("kerngroep")
    person.is_active = False
    assert not can_get_pack(person, PackKind.FULL)
    assert not can_get_pack(person, PackKind.OUTLINE)
