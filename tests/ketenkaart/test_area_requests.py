"""Which companies are active in a country or region (art. 22): an NGO or union asks,
the secretariat approves or refuses, and the approved answer names companies only,
honours restricted disclosure and is audited at every view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from convenant.models import AuditEntry
from governance.services import confidentiality as confidentiality_services
from ketenkaart import requests as svc
from ketenkaart.models import AreaRequest, AreaRequestStatus, RestrictedDisclosure
from tests.conftest import make_person
from tests.governance.factories import (
    ConfidentialityAgreementFactory,
    OrganisationFactory,
)

from .factories import (
    YEAR,
    LocationFactory,
    LocationListFactory,
    submitted_location,
)

pytestmark = pytest.mark.django_db

SIGNED = dt.date(2026, 1, 15)


@pytest.fixture
def ngo_person():
    """An NGO's administrator whose organisation signed the confidentiality clause."""
    person = make_person("ngo")
    ConfidentialityAgreementFactory(organisation=person.organisation, signed_on=SIGNED)
    return person


@pytest.fixture
def secretariat():
    return make_person("secretariat")


def ask(person, **kwargs) -> AreaRequest:
    arguments = {
        "area_level": "country",
        "area_code": "CD",
        "reason": "Wij volgen kinderarbeid in de kobaltmijnbouw.",
    }
    arguments.update(kwargs)
    return svc.area_request_create(
        organisation=person.organisation, **arguments, actor=person
    )


def approve(item, secretariat):
    return svc.area_request_decide(item=item, approved=True, actor=secretariat)


def restrict(company, level, secretariat):
    RestrictedDisclosure.objects.create(
        company=company,
        requested_level=level,
        reason="Eén leverancier.",
        status="approved",
        approved_level=level,
        decided_on=dt.date(2026, 3, 1),
        requested_by=secretariat,
    )


@pytest.fixture
def congo_companies():
    """Three companies with submitted locations in Congo (mining), one in Zambia
    (smelting), and one whose Congo list is still a draft."""
    mining = OrganisationFactory(name="Kobalt Kopers B.V.")
    smelting = OrganisationFactory(name="Zambia Smelt Inkoop B.V.")
    other = OrganisationFactory(name="Centraal Metaal B.V.")
    submitted_location(mining, country="CD", region_code="", activity="mining")
    submitted_location(other, country="CD", region_code="", activity="trading")
    submitted_location(
        smelting, country="ZM", region_code="", activity="smelting_refining"
    )
    LocationFactory(
        location_list=LocationListFactory(
            company=OrganisationFactory(name="Concept Lijst B.V.")
        ),
        country="CD",
        region_code="",
    )
    return {"mining": mining, "smelting": smelting, "other": other}


def test_an_approval_freezes_the_names_of_the_companies_in_the_country(
    ngo_person, secretariat, congo_companies
):
    item = approve(ask(ngo_person), secretariat)

    item.refresh_from_db()
    assert item.status == AreaRequestStatus.APPROVED
    assert item.company_names == ["Centraal Metaal B.V.", "Kobalt Kopers B.V."]
    assert item.answer_year == YEAR
    assert (
        item.confidentiality_agreement
        == ngo_person.organisation.confidentiality_agreements.get()
    )
    assert item.confidentiality_signed_on == SIGNED
    # Frozen: a company added afterwards does not change the answer.
    submitted_location(OrganisationFactory(name="Later B.V."), country="CD")
    item.refresh_from_db()
    assert "Later B.V." not in item.company_names


def test_an_activity_and_a_region_narrow_or_widen_the_answer(
    ngo_person, secretariat, congo_companies
):
    mining = approve(ask(ngo_person, activity="mining"), secretariat)
    # Middle Africa (017) holds Congo; Eastern Africa (014) holds Zambia.
    eastern = approve(
        ask(ngo_person, area_level="subregion", area_code="014"), secretariat
    )
    africa = approve(ask(ngo_person, area_level="region", area_code="002"), secretariat)

    assert mining.company_names == ["Kobalt Kopers B.V."]
    assert eastern.company_names == ["Zambia Smelt Inkoop B.V."]
    assert africa.company_names == [
        "Centraal Metaal B.V.",
        "Kobalt Kopers B.V.",
        "Zambia Smelt Inkoop B.V.",
    ]


def test_a_year_without_submitted_lists_gives_an_empty_answer(
    ngo_person, secretariat, congo_companies
):
    item = approve(ask(ngo_person, year=YEAR - 1), secretariat)
    assert item.answer_year == YEAR - 1
    assert item.company_names == []


def test_a_restricted_company_is_not_named_below_its_approved_level(
    ngo_person, secretariat, congo_companies
):
    restrict(congo_companies["mining"], "region", secretariat)
    restrict(congo_companies["other"], "subregion", secretariat)

    country = approve(ask(ngo_person), secretariat)
    subregion = approve(
        ask(ngo_person, area_level="subregion", area_code="017"), secretariat
    )
    region = approve(ask(ngo_person, area_level="region", area_code="002"), secretariat)

    assert country.company_names == []
    assert subregion.company_names == ["Centraal Metaal B.V."]
    assert region.company_names == [
        "Centraal Metaal B.V.",
        "Kobalt Kopers B.V.",
        "Zambia Smelt Inkoop B.V.",
    ]


def _without_agreement(organisation):
    organisation.confidentiality_agreements.all().delete()


@pytest.mark.parametrize(
    "agreement",
    [
        "none",
        "expired",
        "revoked",
        "not_yet_valid",
        "protocol_only",
    ],
)
def test_an_approval_needs_a_valid_confidentiality_agreement(
    ngo_person, secretariat, congo_companies, agreement
):
    organisation = ngo_person.organisation
    _without_agreement(organisation)
    today = timezone.localdate()
    if agreement == "expired":
        ConfidentialityAgreementFactory(
            organisation=organisation, valid_until=today - dt.timedelta(days=1)
        )
    elif agreement == "revoked":
        made = ConfidentialityAgreementFactory(organisation=organisation)
        confidentiality_services.confidentiality_revoke(
            agreement=made, reason="Informatie gedeeld.", actor=secretariat
        )
    elif agreement == "not_yet_valid":
        ConfidentialityAgreementFactory(
            organisation=organisation, valid_from=today + dt.timedelta(days=1)
        )
    elif agreement == "protocol_only":
        ConfidentialityAgreementFactory(organisation=organisation, kind="protocol")
    item = ask(ngo_person)
    audit_before = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as error:
        approve(item, secretariat)

    assert "no valid confidentiality agreement" in error.value.messages[0]
    item.refresh_from_db()
    assert item.status == AreaRequestStatus.PENDING
    assert item.company_names == []
    assert item.confidentiality_agreement is None
    assert item.decided_at is None
    assert AuditEntry.objects.count() == audit_before


def test_an_nda_is_enough_for_an_approval(ngo_person, secretariat, congo_companies):
    organisation = ngo_person.organisation
    _without_agreement(organisation)
    nda = ConfidentialityAgreementFactory(organisation=organisation, nda=True)
    item = approve(ask(ngo_person), secretariat)
    assert item.confidentiality_agreement == nda


def test_the_answer_is_withheld_once_the_agreement_is_revoked(
    client, ngo_person, secretariat, congo_companies
):
    item = approve(ask(ngo_person), secretariat)
    confidentiality_services.confidentiality_revoke(
        agreement=item.confidentiality_agreement,
        reason="Namen extern gedeeld.",
        actor=secretariat,
    )
    with pytest.raises(PermissionDenied):
        svc.area_answer_view(item=item, actor=ngo_person)

    client.force_login(ngo_person)
    page = client.get(reverse("ketenkaart:area_request_detail", args=[item.pk]))

    content = page.content.decode()
    assert page.status_code == 200
    assert "Kobalt Kopers B.V." not in content
    assert "was revoked on" in content
    assert not AuditEntry.objects.filter(action="ketenkaart.area_answer_view").exists()
    # The secretariat still sees the answer, and the agreement's state.
    client.force_login(secretariat)
    content = client.get(
        reverse("ketenkaart:area_request_detail", args=[item.pk])
    ).content.decode()
    assert "Kobalt Kopers B.V." in content
    assert "Revoked" in content


def test_the_answer_is_withheld_the_day_after_the_agreement_ends(
    client, ngo_person, secretariat, congo_companies
):
    item = approve(ask(ngo_person), secretariat)
    agreement = item.confidentiality_agreement
    client.force_login(ngo_person)
    url = reverse("ketenkaart:area_request_detail", args=[item.pk])

    agreement.valid_until = timezone.localdate()
    agreement.save()
    assert "Kobalt Kopers B.V." in client.get(url).content.decode()

    agreement.valid_until = timezone.localdate() - dt.timedelta(days=1)
    agreement.save()
    content = client.get(url).content.decode()
    assert "Kobalt Kopers B.V." not in content
    assert "expired on" in content


def test_a_new_agreement_gives_the_answer_back(
    ngo_person, secretariat, congo_companies
):
    item = approve(ask(ngo_person), secretariat)
    confidentiality_services.confidentiality_revoke(
        agreement=item.confidentiality_agreement, reason="Verlopen.", actor=secretariat
    )
    ConfidentialityAgreementFactory(organisation=ngo_person.organisation, nda=True)
    assert svc.area_answer_view(item=item, actor=ngo_person) == [
        "Centraal Metaal B.V.",
        "Kobalt Kopers B.V.",
    ]


def test_a_refusal_needs_a_note_and_names_nobody(
    ngo_person, secretariat, congo_companies
):
    item = ask(ngo_person)
    with pytest.raises(ValidationError):
        svc.area_request_decide(item=item, approved=False, actor=secretariat)
    item = svc.area_request_decide(
        item=item,
        approved=False,
        note="Geen ondertekende geheimhouding.",
        actor=secretariat,
    )
    assert item.status == AreaRequestStatus.REFUSED
    assert item.company_names == []
    with pytest.raises(ValidationError):
        approve(item, secretariat)


@pytest.mark.parametrize(
    "role", ["company_admin", "branch", "government", "secretariat"]
)
def test_only_an_ngo_or_union_asks(role):
    person = make_person(role)
    with pytest.raises(PermissionDenied):
        svc.area_request_create(
            organisation=person.organisation,
            area_level="country",
            area_code="CD",
            reason="x",
            actor=person,
        )
    assert not AreaRequest.objects.exists()


def test_only_the_secretariat_decides(ngo_person):
    item = ask(ngo_person)
    with pytest.raises(PermissionDenied):
        approve(item, ngo_person)
    item.refresh_from_db()
    assert item.status == AreaRequestStatus.PENDING


def test_an_unknown_area_is_refused(ngo_person):
    with pytest.raises(ValidationError):
        ask(ngo_person, area_level="subregion", area_code="999")
    assert not AreaRequest.objects.exists()


# --- Pages ------------------------------------------------------------------------------


def test_the_ngo_asks_on_the_page(client, ngo_person):
    client.force_login(ngo_person)
    response = client.post(
        reverse("ketenkaart:area_request_create"),
        {"area": "subregion:017", "activity": "mining", "year": "", "reason": "Kobalt"},
    )
    item = AreaRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "ketenkaart:area_request_detail", args=[item.pk]
    )
    assert (item.area_level, item.area_code, item.activity) == (
        "subregion",
        "017",
        "mining",
    )


def test_a_bad_request_is_shown_again_with_what_was_typed(client, ngo_person):
    client.force_login(ngo_person)
    response = client.post(
        reverse("ketenkaart:area_request_create"),
        {"area": "country:CD", "reason": "", "year": "2026"},
    )
    assert response.status_code == 422
    assert 'value="2026"' in response.content.decode()
    assert not AreaRequest.objects.exists()


def test_without_an_agreement_the_page_says_so_and_changes_nothing(
    client, ngo_person, secretariat, congo_companies
):
    item = ask(ngo_person)
    _without_agreement(ngo_person.organisation)
    client.force_login(secretariat)
    page = client.get(reverse("ketenkaart:area_request_decide", args=[item.pk]))
    assert "None valid today" in page.content.decode()

    response = client.post(
        reverse("ketenkaart:area_request_decide", args=[item.pk]),
        {"outcome": "approved", "note": "Akkoord"},
    )

    assert response.status_code == 422
    content = response.content.decode()
    assert "has no valid confidentiality agreement today" in content
    assert "Akkoord" in content
    item.refresh_from_db()
    assert item.status == AreaRequestStatus.PENDING
    assert item.decided_at is None


def test_the_secretariat_decides_on_the_page_and_the_ngo_sees_the_names_audited(
    client, ngo_person, secretariat, congo_companies
):
    item = ask(ngo_person)
    client.force_login(secretariat)
    response = client.post(
        reverse("ketenkaart:area_request_decide", args=[item.pk]),
        {"outcome": "approved"},
    )
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="ketenkaart.area_answer_view").exists()

    client.force_login(ngo_person)
    page = client.get(reverse("ketenkaart:area_request_detail", args=[item.pk]))
    client.get(reverse("ketenkaart:area_request_detail", args=[item.pk]))

    content = page.content.decode()
    assert "Kobalt Kopers B.V." in content
    assert "Centraal Metaal B.V." in content
    assert "Zambia Smelt Inkoop B.V." not in content
    # Never a supplier or an address.
    assert "Camino Minero" not in content
    assert "Mina Cobre" not in content
    entries = AuditEntry.objects.filter(action="ketenkaart.area_answer_view")
    assert entries.count() == 2
    assert {entry.actor_id for entry in entries} == {ngo_person.pk}


def test_a_pending_request_shows_no_names_and_logs_nothing(
    client, ngo_person, congo_companies
):
    item = ask(ngo_person)
    client.force_login(ngo_person)
    content = client.get(
        reverse("ketenkaart:area_request_detail", args=[item.pk])
    ).content.decode()
    assert "Kobalt Kopers B.V." not in content
    assert not AuditEntry.objects.filter(action="ketenkaart.area_answer_view").exists()


def test_another_organisations_request_is_not_there(client, ngo_person, secretariat):
    item = ask(ngo_person)
    approve(item, secretariat)
    client.force_login(make_person("union"))
    response = client.get(reverse("ketenkaart:area_request_detail", args=[item.pk]))
    assert response.status_code == 404
    listing = client.get(reverse("ketenkaart:area_request_list"))
    assert listing.context["items"] == []
    assert not AuditEntry.objects.filter(action="ketenkaart.area_answer_view").exists()


def test_the_list_holds_only_the_own_requests(client, ngo_person):
    own = ask(ngo_person)
    ask(make_person("union"))
    client.force_login(ngo_person)
    response = client.get(reverse("ketenkaart:area_request_list"))
    assert [row["item"].pk for row in response.context["items"]] == [own.pk]
    assert "Congo" in response.content.decode()


def test_the_secretariats_list_shows_who_holds_a_valid_agreement(
    client, ngo_person, secretariat
):
    covered = ask(ngo_person)
    union = make_person("union")
    uncovered = ask(union)
    client.force_login(secretariat)
    response = client.get(reverse("ketenkaart:area_request_list"))
    rows = {row["item"].pk: row["agreement_valid"] for row in response.context["items"]}
    assert rows == {covered.pk: True, uncovered.pk: False}
    assert "None valid" in response.content.decode()
