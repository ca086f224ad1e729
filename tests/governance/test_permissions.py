"""Roles and the questions every view asks: governance.permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from governance import permissions
from governance.models import Organisation, OrganisationRole, User
from governance.permissions import Role
from tests.conftest import make_person
from tests.governance.factories import (
    ChairTermFactory,
    KerngroepSeatFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fast_password_hashing"),
]

TODAY = timezone.localdate


def fresh(user: User) -> User:
    """The same person loaded again: user_roles caches on the object."""
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize(
    ("role", "roles"),
    [
        ("company_admin", {Role.COMPANY}),
        ("company_member", {Role.COMPANY}),
        ("secretariat", {Role.SECRETARIAT}),
        ("ngo", {Role.NGO_UNION}),
        ("union", {Role.NGO_UNION}),
        ("branch", {Role.BRANCH}),
        # make_person's Kerngroep member represents a branch organisation.
        ("kerngroep", {Role.BRANCH, Role.KERNGROEP}),
        # make_person's chair works at the SER, which gives no role of its own.
        ("chair", {Role.CHAIR}),
        ("government", {Role.GOVERNMENT}),
    ],
)
def test_user_roles_per_kind(role, roles):
    assert permissions.user_roles(make_person(role)) == roles


def test_no_roles_without_an_organisation():
    assert permissions.user_roles(UserFactory(organisation=None)) == frozenset()


def test_anonymous_and_none_have_no_roles():
    assert permissions.user_roles(AnonymousUser()) == frozenset()
    assert permissions.user_roles(None) == frozenset()


def test_an_inactive_person_has_no_roles():
    person = make_person("secretariat")
    person.is_active = False
    person.save()
    assert permissions.user_roles(fresh(person)) == frozenset()


def test_an_inactive_kerngroep_member_has_no_roles():
    person = make_person("kerngroep")
    person.is_active = False
    person.save()
    assert permissions.user_roles(fresh(person)) == frozenset()


# --- Kerngroep seats and chair terms --------------------------------------------------


def test_the_deputy_representative_is_a_kerngroep_member():
    seat = KerngroepSeatFactory()
    deputy = UserFactory(organisation=seat.organisation)
    seat.deputy_representative = deputy
    seat.save()
    assert permissions.user_roles(deputy) == {Role.BRANCH, Role.KERNGROEP}


def test_a_colleague_of_the_representatives_is_not():
    seat = KerngroepSeatFactory()
    colleague = UserFactory(organisation=seat.organisation)
    assert permissions.user_roles(colleague) == {Role.BRANCH}


@pytest.mark.parametrize(
    ("starts", "ends", "member"),
    [
        (-365, None, True),
        (0, None, True),
        (-365, 0, True),  # the last day of the seat
        (-365, -1, False),  # ended yesterday
        (1, None, False),  # starts tomorrow
        (1, 30, False),
    ],
)
def test_a_seat_counts_from_its_first_to_its_last_day(starts, ends, member):
    today = TODAY()
    seat = KerngroepSeatFactory(
        starts_on=today + dt.timedelta(days=starts),
        ends_on=None if ends is None else today + dt.timedelta(days=ends),
    )
    deputy = UserFactory(organisation=seat.organisation)
    seat.deputy_representative = deputy
    seat.save()
    for person in (seat.regular_representative, deputy):
        assert (Role.KERNGROEP in permissions.user_roles(fresh(person))) is member


@pytest.mark.parametrize(
    ("starts", "ends", "chair"),
    [
        (-365, None, True),
        (0, 0, True),
        (-365, -1, False),
        (1, None, False),
    ],
)
def test_a_chair_term_counts_from_its_first_to_its_last_day(starts, ends, chair):
    today = TODAY()
    term = ChairTermFactory(
        starts_on=today + dt.timedelta(days=starts),
        ends_on=None if ends is None else today + dt.timedelta(days=ends),
    )
    assert permissions.user_roles(term.person) == ({Role.CHAIR} if chair else set())


def test_the_chair_holds_no_seat():
    person = make_person("chair")
    assert Role.KERNGROEP not in permissions.user_roles(person)


def test_roles_are_computed_once_per_user_object(django_assert_num_queries):
    person = fresh(make_person("kerngroep"))
    with django_assert_num_queries(3):  # organisation, seats, chair terms
        permissions.user_roles(person)
    with django_assert_num_queries(0):
        permissions.user_roles(person)


# --- MFA ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "required"),
    [
        ("secretariat", True),
        ("kerngroep", True),
        ("ngo", True),
        ("union", True),
        ("company_admin", False),
        ("company_member", False),
        ("branch", False),
        ("chair", False),
        ("government", False),
    ],
)
def test_requires_mfa(role, required):
    assert permissions.requires_mfa(make_person(role)) is required


# --- organisations --------------------------------------------------------------------


def test_the_secretariat_sees_every_organisation():
    person = make_person("secretariat")
    OrganisationFactory.create_batch(3)
    assert set(permissions.organisation_visible_to(person)) == set(
        Organisation.objects.all()
    )
    assert Organisation.objects.count() == 4


@pytest.mark.parametrize(
    "role",
    ["company_admin", "company_member", "ngo", "union", "branch", "kerngroep", "chair"],
)
def test_everybody_else_sees_only_their_own_organisation(role):
    person = make_person(role)
    OrganisationFactory.create_batch(2)
    assert list(permissions.organisation_visible_to(person)) == [person.organisation]


def test_without_organisation_nothing_is_visible():
    OrganisationFactory()
    assert (
        list(permissions.organisation_visible_to(UserFactory(organisation=None))) == []
    )
    assert list(permissions.organisation_visible_to(AnonymousUser())) == []


def test_the_people_visible_to_a_company_are_its_own():
    person = make_person("company_member")
    colleague = UserFactory(organisation=person.organisation)
    UserFactory()
    assert set(permissions.user_visible_to(person)) == {person, colleague}
    assert list(permissions.user_visible_to(AnonymousUser())) == []


def test_the_secretariat_sees_every_person():
    person = make_person("secretariat")
    UserFactory.create_batch(2)
    assert permissions.user_visible_to(person).count() == User.objects.count() == 3


# --- inviting and managing colleagues -------------------------------------------------


def test_the_secretariat_invites_to_any_organisation():
    person = make_person("secretariat")
    assert permissions.can_invite_to(person, OrganisationFactory()) is True
    assert permissions.can_invite_to(person, person.organisation) is True


def test_an_admin_invites_to_their_own_organisation():
    person = make_person("company_admin")
    assert permissions.can_invite_to(person, person.organisation) is True
    assert permissions.can_manage_members(person, person.organisation) is True


def test_a_member_does_not_invite():
    person = make_person("company_member")
    assert permissions.can_invite_to(person, person.organisation) is False
    assert permissions.can_manage_members(person, person.organisation) is False


def test_an_admin_does_not_invite_to_another_organisation():
    person = make_person("company_admin")
    other = OrganisationFactory()
    assert permissions.can_invite_to(person, other) is False
    assert permissions.can_manage_members(person, other) is False


def test_a_switched_off_admin_does_not_invite():
    person = make_person("company_admin")
    person.is_active = False
    assert permissions.can_invite_to(person, person.organisation) is False


def test_anonymous_does_not_invite():
    assert permissions.can_invite_to(AnonymousUser(), OrganisationFactory()) is False


# --- contributions, finance, calendar, audit log --------------------------------------


def test_contributions_are_for_the_secretariat_and_the_own_admin():
    admin = make_person("company_admin")
    member = UserFactory(organisation=admin.organisation)
    secretariat = make_person("secretariat")
    organisation = admin.organisation
    assert permissions.can_view_contributions(secretariat, organisation) is True
    assert permissions.can_view_contributions(admin, organisation) is True
    assert permissions.can_view_contributions(member, organisation) is False
    assert permissions.can_view_contributions(admin, OrganisationFactory()) is False


@pytest.mark.parametrize(
    "check",
    [
        permissions.can_view_finance,
        permissions.can_manage_calendar,
        permissions.can_view_audit_log,
        permissions.can_manage_organisations,
    ],
)
@pytest.mark.parametrize(
    "role",
    [
        "secretariat",
        "company_admin",
        "ngo",
        "union",
        "branch",
        "kerngroep",
        "chair",
        "government",
    ],
)
def test_agreement_wide_rights_are_the_secretariats(check, role):
    assert check(make_person(role)) is (role == "secretariat")


def test_organisation_roles():
    assert UserFactory(organisation_role=OrganisationRole.ADMIN).is_organisation_admin
    assert not UserFactory().is_organisation_admin
