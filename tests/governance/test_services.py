"""Writes to organisations and people: who may, what is refused, and the audit entries."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import timezone

from convenant.models import AuditEntry
from governance import services
from governance.models import (
    ALLOWED_STATUS_CHANGES,
    Organisation,
    OrganisationRole,
    OrganisationStatus,
    User,
)
from tests.conftest import make_person
from tests.governance.factories import SIGNED, OrganisationFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english", "fast_password_hashing"),
]

STATUSES = [status.value for status in OrganisationStatus]
ALLOWED = sorted(
    (old, new) for old, targets in ALLOWED_STATUS_CHANGES.items() for new in targets
)
REFUSED = sorted(
    (old, new)
    for old, new in itertools.permutations(STATUSES, 2)
    if new not in ALLOWED_STATUS_CHANGES[old]
)
LABEL = {status.value: status.label for status in OrganisationStatus}


def row(organisation: Organisation) -> dict:
    return Organisation.objects.values().get(pk=organisation.pk)


def organisation_in(status: str) -> Organisation:
    signed = None if status == OrganisationStatus.APPLICANT else SIGNED
    return OrganisationFactory(status=status, signed_on=signed)


def new_company_fields(**changes) -> dict:
    fields = {
        "name": "Nieuw Staal B.V.",
        "kind": "company",
        "kvk_number": "87654321",
        "country": "NL",
        "fte": 40,
        "in_metal_supply_chain": True,
        "participation": "party",
        "status": "applicant",
        "signed_on": None,
    }
    fields.update(changes)
    return fields


# --- organisation_create --------------------------------------------------------------


def test_the_secretariat_creates_an_organisation(secretariat_user):
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")

    organisation = services.organisation_create(
        actor=secretariat_user, request=request, **new_company_fields()
    )

    assert row(organisation) | {"created_at": None, "updated_at": None} == {
        "id": organisation.pk,
        "name": "Nieuw Staal B.V.",
        "kind": "company",
        "kvk_number": "87654321",
        "country": "NL",
        "fte": 40,
        "is_recycler": False,
        "in_metal_supply_chain": True,
        "csrd_category": "vsme",
        "participation": "party",
        "status": "applicant",
        "signed_on": None,
        "created_at": None,
        "updated_at": None,
    }
    entry = AuditEntry.objects.get()
    assert (
        entry.action,
        entry.actor,
        entry.actor_label,
        entry.organisation,
        entry.object_id,
        entry.object_repr,
        entry.ip_address,
    ) == (
        "organisation.create",
        secretariat_user,
        secretariat_user.email,
        organisation,
        str(organisation.pk),
        "Nieuw Staal B.V.",
        "192.0.2.7",
    )
    assert entry.details == {
        "fields": {
            "name": "Nieuw Staal B.V.",
            "kind": "company",
            "kvk_number": "87654321",
            "country": "NL",
            "fte": "40",
            "is_recycler": "False",
            "in_metal_supply_chain": "True",
            "csrd_category": "vsme",
            "participation": "party",
            "status": "applicant",
            "signed_on": "None",
        }
    }


def test_an_organisation_that_breaks_a_rule_is_not_created(secretariat_user):
    count = Organisation.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(
            actor=secretariat_user, **new_company_fields(fte=None, kvk_number="123")
        )
    assert caught.value.message_dict == {
        "kvk_number": ["A KvK number has exactly 8 digits, for example 12345678."],
        "fte": ["Give the company's size in FTE; it sets the contribution."],
    }
    assert Organisation.objects.count() == count
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("role", ["company_admin", "ngo", "kerngroep", "chair"])
def test_only_the_secretariat_creates_organisations(role):
    person = make_person(role)
    count = Organisation.objects.count()
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=person, **new_company_fields())
    assert Organisation.objects.count() == count
    assert AuditEntry.objects.count() == 0


# --- organisation_update --------------------------------------------------------------


def test_an_update_records_what_changed(secretariat_user):
    organisation = OrganisationFactory(name="Oude Naam B.V.", fte=120)

    services.organisation_update(
        organisation=organisation,
        actor=secretariat_user,
        name="Nieuwe Naam B.V.",
        fte=130,
        country="NL",
    )

    organisation.refresh_from_db()
    assert (organisation.name, organisation.fte) == ("Nieuwe Naam B.V.", 130)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.organisation, entry.actor) == (
        "organisation.update",
        organisation,
        secretariat_user,
    )
    assert entry.details == {
        "changes": {
            "name": ["Oude Naam B.V.", "Nieuwe Naam B.V."],
            "fte": ["120", "130"],
        }
    }


def test_an_update_that_changes_nothing_writes_no_audit_entry(secretariat_user):
    organisation = OrganisationFactory(name="Zelfde B.V.")
    services.organisation_update(
        organisation=organisation, actor=secretariat_user, name="Zelfde B.V."
    )
    assert AuditEntry.objects.count() == 0


def test_an_update_that_breaks_a_rule_changes_nothing(secretariat_user):
    organisation = OrganisationFactory()
    before = row(organisation)
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(
            organisation=organisation,
            actor=secretariat_user,
            name="Andere Naam B.V.",
            participation="supporter",
        )
    assert list(caught.value.message_dict) == ["participation"]
    assert row(organisation) == before
    assert AuditEntry.objects.count() == 0


def test_an_update_cannot_skip_the_status_steps(secretariat_user):
    organisation = OrganisationFactory(status="active")
    before = row(organisation)
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(
            organisation=organisation, actor=secretariat_user, status="applicant"
        )
    assert caught.value.message_dict == {
        "status": ["The status cannot go from “Active” to “Applicant”."]
    }
    assert row(organisation) == before


@pytest.mark.parametrize("role", ["company_admin", "government", "kerngroep"])
def test_only_the_secretariat_updates_organisations(role):
    person = make_person(role)
    organisation = person.organisation
    before = row(organisation)
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            organisation=organisation, actor=person, name="Zelf Hernoemd B.V."
        )
    assert row(organisation) == before
    assert AuditEntry.objects.count() == 0


# --- organisation_change_status -------------------------------------------------------


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_every_allowed_status_change(secretariat_user, old, new):
    organisation = organisation_in(old)
    signed_before = organisation.signed_on

    result = services.organisation_change_status(
        organisation=organisation, status=new, actor=secretariat_user
    )

    organisation.refresh_from_db()
    assert result.status == organisation.status == new
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.organisation, entry.actor) == (
        "organisation.update",
        organisation,
        secretariat_user,
    )
    if (old, new) == ("applicant", "active"):
        assert organisation.signed_on == timezone.localdate()
        assert entry.details == {
            "changes": {
                "status": [old, new],
                "signed_on": ["None", timezone.localdate().isoformat()],
            }
        }
    else:
        assert organisation.signed_on == signed_before
        assert entry.details == {"changes": {"status": [old, new]}}


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_every_refused_status_change(secretariat_user, old, new):
    organisation = organisation_in(old)
    before = row(organisation)

    with pytest.raises(ValidationError) as caught:
        services.organisation_change_status(
            organisation=organisation, status=new, actor=secretariat_user
        )

    assert caught.value.message_dict == {
        "status": [f"The status cannot go from “{LABEL[old]}” to “{LABEL[new]}”."]
    }
    assert row(organisation) == before
    assert AuditEntry.objects.count() == 0


def test_every_status_pair_is_either_allowed_or_refused():
    assert len(ALLOWED) + len(REFUSED) == len(STATUSES) * (len(STATUSES) - 1)
    assert len(ALLOWED) == 6


def test_accession_records_the_given_signing_date(secretariat_user):
    organisation = organisation_in("applicant")
    services.organisation_change_status(
        organisation=organisation,
        status="active",
        signed_on=dt.date(2026, 3, 2),
        actor=secretariat_user,
    )
    organisation.refresh_from_db()
    assert (organisation.status, organisation.signed_on) == (
        "active",
        dt.date(2026, 3, 2),
    )


def test_accession_cannot_be_signed_in_the_future(secretariat_user):
    organisation = organisation_in("applicant")
    before = row(organisation)
    with pytest.raises(ValidationError) as caught:
        services.organisation_change_status(
            organisation=organisation,
            status="active",
            signed_on=timezone.localdate() + dt.timedelta(days=1),
            actor=secretariat_user,
        )
    assert caught.value.message_dict == {
        "signed_on": ["The signing date cannot lie in the future."]
    }
    assert row(organisation) == before
    assert AuditEntry.objects.count() == 0


def test_taking_back_notice_keeps_the_signing_date(secretariat_user):
    organisation = organisation_in("withdrawing")
    services.organisation_change_status(
        organisation=organisation,
        status="active",
        signed_on=dt.date(2026, 1, 1),
        actor=secretariat_user,
    )
    organisation.refresh_from_db()
    assert (organisation.status, organisation.signed_on) == ("active", SIGNED)


@pytest.mark.parametrize(
    "role", ["company_admin", "ngo", "branch", "kerngroep", "chair", "government"]
)
def test_only_the_secretariat_changes_a_status(role):
    person = make_person(role)
    organisation = organisation_in("applicant")
    before = row(organisation)
    with pytest.raises(PermissionDenied):
        services.organisation_change_status(
            organisation=organisation, status="active", actor=person
        )
    assert row(organisation) == before
    assert AuditEntry.objects.count() == 0


# --- user_set_active ------------------------------------------------------------------


@pytest.fixture
def admin_and_colleague(company_admin):
    return company_admin, UserFactory(organisation=company_admin.organisation)


def test_an_admin_switches_a_colleague_off_and_on(admin_and_colleague):
    admin, colleague = admin_and_colleague
    request = RequestFactory().post("/", REMOTE_ADDR="2001:db8::1")

    services.user_set_active(user=colleague, active=False, actor=admin, request=request)
    colleague.refresh_from_db()
    assert colleague.is_active is False

    services.user_set_active(user=colleague, active=True, actor=admin)
    colleague.refresh_from_db()
    assert colleague.is_active is True

    entries = list(AuditEntry.objects.order_by("id"))
    assert [
        (e.action, e.actor, e.object_id, e.organisation, e.ip_address) for e in entries
    ] == [
        (
            "user.deactivate",
            admin,
            str(colleague.pk),
            admin.organisation,
            "2001:db8::1",
        ),
        ("user.activate", admin, str(colleague.pk), admin.organisation, None),
    ]


def test_the_secretariat_switches_off_anybody(secretariat_user, admin_and_colleague):
    _, colleague = admin_and_colleague
    services.user_set_active(user=colleague, active=False, actor=secretariat_user)
    colleague.refresh_from_db()
    assert colleague.is_active is False


def test_nobody_switches_off_themselves(company_admin):
    UserFactory(
        organisation=company_admin.organisation,
        organisation_role=OrganisationRole.ADMIN,
    )
    with pytest.raises(ValidationError) as caught:
        services.user_set_active(user=company_admin, active=False, actor=company_admin)
    assert caught.value.messages == ["You cannot switch off your own account."]
    company_admin.refresh_from_db()
    assert company_admin.is_active is True
    assert AuditEntry.objects.count() == 0


def test_an_organisation_keeps_one_active_admin(secretariat_user, company_admin):
    # An admin who is switched off already does not count.
    UserFactory(
        organisation=company_admin.organisation,
        organisation_role=OrganisationRole.ADMIN,
        is_active=False,
    )
    with pytest.raises(ValidationError) as caught:
        services.user_set_active(
            user=company_admin, active=False, actor=secretariat_user
        )
    assert caught.value.messages == ["An organisation keeps at least one active admin."]
    company_admin.refresh_from_db()
    assert company_admin.is_active is True
    assert AuditEntry.objects.count() == 0


def test_an_admin_may_go_when_another_admin_stays(company_admin):
    other_admin = UserFactory(
        organisation=company_admin.organisation,
        organisation_role=OrganisationRole.ADMIN,
    )
    services.user_set_active(user=other_admin, active=False, actor=company_admin)
    other_admin.refresh_from_db()
    assert other_admin.is_active is False


def test_a_member_cannot_switch_off_a_colleague(admin_and_colleague):
    admin, member = admin_and_colleague
    with pytest.raises(PermissionDenied):
        services.user_set_active(user=admin, active=False, actor=member)
    admin.refresh_from_db()
    assert admin.is_active is True
    assert AuditEntry.objects.count() == 0


def test_an_admin_cannot_switch_off_people_of_another_organisation(company_admin):
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        services.user_set_active(user=stranger, active=False, actor=company_admin)
    stranger.refresh_from_db()
    assert stranger.is_active is True
    assert AuditEntry.objects.count() == 0


def test_a_person_without_organisation_is_left_alone(secretariat_user):
    loner = UserFactory(organisation=None)
    with pytest.raises(PermissionDenied):
        services.user_set_active(user=loner, active=False, actor=secretariat_user)
    assert User.objects.get(pk=loner.pk).is_active is True
