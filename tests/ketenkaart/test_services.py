"""Locations one by one, and submitting a list."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from convenant.models import AuditEntry
from ketenkaart import services
from ketenkaart.models import ListStatus, Location, LocationList
from tests.conftest import make_person
from tests.governance.factories import UserFactory

from .factories import YEAR, LocationFactory, LocationListFactory

FIELDS = {
    "supplier_name": "  Kamoto   Copper Company S.A. ",
    "address": "Route de Kamoto",
    "city": "Kolwezi",
    "region_code": "lu",
    "country": "CD",
    "activity": "mining",
    "materials": ["copper", "cobalt", "copper"],
    "tier": 3,
    "relation": "supplier",
    "external_id": " KCC-1 ",
}


@pytest.mark.django_db
def test_a_company_person_adds_a_location_and_the_list_is_made(company, company_person):
    location = services.location_create(
        company=company, year=YEAR, actor=company_person, **FIELDS
    )

    location.refresh_from_db()
    assert location.location_list.company == company
    assert location.location_list.year == YEAR
    assert location.supplier_name == "Kamoto Copper Company S.A."
    assert location.normalised_name == "kamoto copper"
    assert location.region_code == "CD-LU"
    assert location.materials == ["cobalt", "copper"]
    assert location.external_id == "KCC-1"
    entry = AuditEntry.objects.get(action="location.create")
    assert (entry.actor, entry.organisation) == (company_person, company)
    assert entry.details["fields"]["supplier_name"] == "Kamoto Copper Company S.A."


@pytest.mark.django_db
def test_a_location_breaking_the_rules_is_refused_per_field(company, company_person):
    with pytest.raises(ValidationError) as raised:
        services.location_create(
            company=company,
            year=YEAR,
            actor=company_person,
            **{
                **FIELDS,
                "region_code": "CL-AN",
                "materials": [],
                "tier": 0,
                "relation": "customer",
            },
        )

    errors = raised.value.message_dict
    assert set(errors) == {"region_code", "materials", "tier", "relation"}
    assert errors["region_code"] == [
        "“CL-AN” is a region of Chile, not of Democratic Republic of the Congo (use a "
        "code such as CD-BC, or leave it empty)"
    ]
    assert not Location.objects.exists()


@pytest.mark.django_db
def test_a_reference_is_unique_in_a_list(company, company_person):
    services.location_create(company=company, year=YEAR, actor=company_person, **FIELDS)

    with pytest.raises(ValidationError) as raised:
        services.location_create(
            company=company,
            year=YEAR,
            actor=company_person,
            **{**FIELDS, "supplier_name": "Other", "city": "Likasi"},
        )

    assert raised.value.message_dict == {
        "external_id": ["Another location in this list has this reference."]
    }
    # Another year's list may use it again.
    services.location_create(
        company=company, year=YEAR - 1, actor=company_person, **FIELDS
    )


@pytest.mark.django_db
def test_nobody_else_writes_a_company_list(company):
    for person in (
        make_person("company_admin"),
        make_person("secretariat"),
        make_person("ngo"),
        make_person("government"),
    ):
        with pytest.raises(PermissionDenied):
            services.location_create(company=company, year=YEAR, actor=person, **FIELDS)
    assert not LocationList.objects.exists()


@pytest.mark.django_db
def test_a_year_out_of_range_is_refused(company, company_person):
    with pytest.raises(ValidationError):
        services.location_create(
            company=company, year=1999, actor=company_person, **FIELDS
        )


@pytest.mark.django_db
def test_updating_records_the_changes_and_reopens_a_submitted_list(
    company, company_person
):
    location = LocationFactory(
        location_list=LocationListFactory(company=company),
        supplier_name="Mina Norte",
    )
    services.location_list_submit(company=company, year=YEAR, actor=company_person)

    services.location_update(
        location=location, actor=company_person, tier=4, city="Antofagasta"
    )

    location.refresh_from_db()
    assert (location.tier, location.city) == (4, "Antofagasta")
    assert location.location_list.status == ListStatus.DRAFT
    entry = AuditEntry.objects.get(action="location.update")
    assert entry.details == {
        "year": YEAR,
        "changes": {"city": ["Calama", "Antofagasta"], "tier": ["3", "4"]},
        "reopened": True,
    }


@pytest.mark.django_db
def test_another_company_cannot_change_or_delete_a_location(company):
    location = LocationFactory(location_list=LocationListFactory(company=company))
    stranger = make_person("company_admin")

    with pytest.raises(PermissionDenied):
        services.location_update(location=location, actor=stranger, tier=1)
    with pytest.raises(PermissionDenied):
        services.location_delete(location=location, actor=stranger)

    location.refresh_from_db()
    assert location.tier == 3


@pytest.mark.django_db
def test_deleting_a_location_is_audited(company, company_person):
    location = LocationFactory(location_list=LocationListFactory(company=company))

    services.location_delete(location=location, actor=company_person)

    assert not Location.objects.exists()
    entry = AuditEntry.objects.get(action="location.delete")
    assert entry.details["location"] == location.pk
    assert entry.details["fields"]["supplier_name"] == location.supplier_name


@pytest.mark.django_db
def test_submitting_needs_a_location_and_happens_once(company, company_person):
    with pytest.raises(ValidationError, match="no locations yet"):
        services.location_list_submit(company=company, year=YEAR, actor=company_person)

    assert not LocationList.objects.exists()
    LocationFactory(location_list=LocationListFactory(company=company))
    submitted = services.location_list_submit(
        company=company, year=YEAR, actor=company_person
    )

    assert submitted.status == ListStatus.SUBMITTED
    assert submitted.submitted_by == company_person
    assert submitted.submitted_at is not None
    assert AuditEntry.objects.get(action="location_list.submit").details == {
        "year": YEAR,
        "locations": 1,
    }
    with pytest.raises(ValidationError, match="submitted already"):
        services.location_list_submit(company=company, year=YEAR, actor=company_person)


@pytest.mark.django_db
def test_an_inactive_person_writes_nothing(company):
    person = UserFactory(organisation=company, is_active=False)

    with pytest.raises(PermissionDenied):
        services.location_create(company=company, year=YEAR, actor=person, **FIELDS)
