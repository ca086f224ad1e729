"""Kerngroep seats and the chair: assigning terms, changing representatives, the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from convenant.models import AuditEntry
from governance.models import ChairTerm, KerngroepSeat
from governance.permissions import Role, user_roles
from governance.services import meetings as services
from tests.conftest import make_person
from tests.governance.factories import (
    ChairTermFactory,
    KerngroepSeatFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def state() -> dict:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (KerngroepSeat, ChairTerm, AuditEntry)
    }


def refused(call, error=ValidationError, match: str | None = None):
    before = state()
    with pytest.raises(error, match=match):
        call()
    assert state() == before


@pytest.fixture
def secretariat():
    return make_person("secretariat")


@pytest.fixture
def union():
    organisation = OrganisationFactory(union=True, name="FNV Metaal")
    return (
        organisation,
        UserFactory(organisation=organisation),
        UserFactory(organisation=organisation),
    )


def test_a_new_term_ends_the_previous_one(secretariat, union):
    old = KerngroepSeatFactory(
        constituency="unions",
        organisation=OrganisationFactory(union=True),
        starts_on=dt.date(2025, 10, 16),
    )
    organisation, regular, deputy = union
    seat = services.seat_assign(
        constituency="unions",
        organisation=organisation,
        regular_representative=regular,
        deputy_representative=deputy,
        starts_on=dt.date(2026, 6, 1),
        actor=secretariat,
    )
    old.refresh_from_db()
    assert old.ends_on == dt.date(2026, 5, 31)
    assert seat.ends_on is None
    assert AuditEntry.objects.get(action="seat.assign").details["ended_terms"] == [
        old.pk
    ]


def test_the_organisation_is_an_active_party_of_the_constituency(secretariat, union):
    organisation, regular, _deputy = union
    refused(
        lambda: services.seat_assign(
            constituency="ngos",
            organisation=organisation,
            regular_representative=regular,
            starts_on=dt.date(2026, 1, 1),
            actor=secretariat,
        ),
        match="does not belong",
    )
    withdrawn = OrganisationFactory(union=True, status="withdrawn")
    person = UserFactory(organisation=withdrawn)
    refused(
        lambda: services.seat_assign(
            constituency="unions",
            organisation=withdrawn,
            regular_representative=person,
            starts_on=dt.date(2026, 1, 1),
            actor=secretariat,
        ),
        match="active party",
    )


def test_representatives_are_the_organisations_people(secretariat, union):
    organisation, regular, _deputy = union
    stranger = UserFactory()
    refused(
        lambda: services.seat_assign(
            constituency="unions",
            organisation=organisation,
            regular_representative=regular,
            deputy_representative=stranger,
            starts_on=dt.date(2026, 1, 1),
            actor=secretariat,
        ),
        match="does not work for",
    )
    refused(
        lambda: services.seat_assign(
            constituency="unions",
            organisation=organisation,
            regular_representative=regular,
            deputy_representative=regular,
            starts_on=dt.date(2026, 1, 1),
            actor=secretariat,
        ),
        match="another person",
    )


def test_a_term_cannot_start_before_an_existing_one(secretariat, union):
    organisation, regular, _deputy = union
    KerngroepSeatFactory(
        constituency="unions",
        organisation=OrganisationFactory(union=True),
        starts_on=dt.date(2026, 3, 1),
    )
    refused(
        lambda: services.seat_assign(
            constituency="unions",
            organisation=organisation,
            regular_representative=regular,
            starts_on=dt.date(2026, 3, 1),
            actor=secretariat,
        ),
        match="has a term from",
    )


@pytest.mark.parametrize("role", ["kerngroep", "chair", "union"])
def test_only_the_secretariat_assigns(role, union):
    organisation, regular, _deputy = union
    person = make_person(role)
    refused(
        lambda: services.seat_assign(
            constituency="unions",
            organisation=organisation,
            regular_representative=regular,
            starts_on=dt.date(2026, 1, 1),
            actor=person,
        ),
        PermissionDenied,
    )


def test_changing_representatives_gives_the_deputy_the_kerngroep_role(secretariat):
    seat = KerngroepSeatFactory()
    deputy = UserFactory(organisation=seat.organisation)
    assert Role.KERNGROEP not in user_roles(deputy)
    services.seat_change_representatives(
        seat=seat,
        regular_representative=seat.regular_representative,
        deputy_representative=deputy,
        actor=secretariat,
    )
    deputy = type(deputy).objects.get(pk=deputy.pk)
    assert Role.KERNGROEP in user_roles(deputy)


def test_an_ended_term_keeps_its_representatives(secretariat):
    seat = KerngroepSeatFactory(ends_on=dt.date(2025, 12, 31))
    other = UserFactory(organisation=seat.organisation)
    refused(
        lambda: services.seat_change_representatives(
            seat=seat,
            regular_representative=other,
            deputy_representative=None,
            actor=secretariat,
        ),
        match="ended",
    )


def test_a_chair_term_ends_the_previous_and_records_the_dates(secretariat):
    old = ChairTermFactory(starts_on=dt.date(2025, 10, 16))
    person = UserFactory(organisation=OrganisationFactory(ser=True))
    term = services.chair_term_create(
        person=person,
        starts_on=dt.date(2026, 9, 1),
        proposed_on=dt.date(2026, 6, 1),
        confirmed_on=dt.date(2026, 6, 20),
        actor=secretariat,
    )
    old.refresh_from_db()
    assert old.ends_on == dt.date(2026, 8, 31)
    assert (term.proposed_on, term.confirmed_on) == (
        dt.date(2026, 6, 1),
        dt.date(2026, 6, 20),
    )


def test_a_chair_is_confirmed_after_being_proposed_and_is_independent(secretariat):
    person = UserFactory(organisation=OrganisationFactory(ser=True))
    refused(
        lambda: services.chair_term_create(
            person=person,
            starts_on=dt.date(2026, 9, 1),
            proposed_on=dt.date(2026, 6, 20),
            confirmed_on=dt.date(2026, 6, 1),
            actor=secretariat,
        ),
        match="confirms the chair after",
    )
    refused(
        lambda: services.chair_term_create(
            person=UserFactory(), starts_on=dt.date(2026, 9, 1), actor=secretariat
        ),
        match="independent",
    )
    refused(
        lambda: services.chair_term_create(
            person=person,
            starts_on=dt.date(2026, 9, 1),
            proposed_on=timezone.localdate() + dt.timedelta(days=3),
            actor=secretariat,
        ),
        match="future",
    )


# --- the page --------------------------------------------------------------------------


def test_everyone_signed_in_reads_the_seats_and_chair(client):
    seat = KerngroepSeatFactory()
    deputy = UserFactory(
        organisation=seat.organisation, first_name="Dirk", last_name="Plaatsvervanger"
    )
    seat.deputy_representative = deputy
    seat.save()
    ChairTermFactory(proposed_on=dt.date(2025, 9, 1), confirmed_on=dt.date(2025, 9, 30))
    client.force_login(make_person("company_member"))
    response = client.get(reverse("governance:seat_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert seat.organisation.name in body
    assert "Dirk Plaatsvervanger" in body
    assert "30 September 2025" in body
    assert "Vacant" in body  # three seats have no term
    assert reverse("governance:seat_assign") not in body


def test_a_refused_assignment_keeps_what_was_typed(client, secretariat, union):
    organisation, regular, _deputy = union
    client.force_login(secretariat)
    before = state()
    response = client.post(
        reverse("governance:seat_assign"),
        {
            "constituency": "ngos",
            "organisation": organisation.pk,
            "regular_representative": regular.pk,
            "starts_on": "2026-02-01",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "does not belong to the constituency" in body
    assert 'value="2026-02-01"' in body
    assert state() == before


def test_the_secretariat_assigns_a_seat_through_the_page(client, secretariat, union):
    organisation, regular, deputy = union
    client.force_login(secretariat)
    response = client.post(
        reverse("governance:seat_assign"),
        {
            "constituency": "unions",
            "organisation": organisation.pk,
            "regular_representative": regular.pk,
            "deputy_representative": deputy.pk,
            "starts_on": "2026-02-01",
        },
    )
    assert response.status_code == 302
    seat = KerngroepSeat.objects.get()
    assert (seat.regular_representative, seat.deputy_representative) == (
        regular,
        deputy,
    )


def test_the_seats_page_reads_in_constant_queries(
    client, django_assert_max_num_queries
):
    client.force_login(make_person("ngo"))
    for _ in range(3):
        KerngroepSeatFactory(
            constituency="companies", organisation=OrganisationFactory()
        )
    with django_assert_max_num_queries(12):
        client.get(reverse("governance:seat_list"))
    for _ in range(20):
        KerngroepSeatFactory(
            constituency="companies", organisation=OrganisationFactory()
        )
    with django_assert_max_num_queries(12):
        client.get(reverse("governance:seat_list"))
