"""Confidentiality agreements: when one is valid (the day boundaries that NGO insight and
area answers depend on), what the secretariat records and revokes, what an NGO's
administrator signs in the platform, and the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from convenant.models import AuditEntry
from governance.models import ConfidentialityAgreement, YearlyDocument
from governance.permissions import (
    confidentiality_agreements_valid,
    confidentiality_valid,
)
from governance.services import confidentiality as services
from tests.conftest import make_person
from tests.governance.factories import (
    ConfidentialityAgreementFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FROM = dt.date(2026, 3, 1)
UNTIL = dt.date(2026, 9, 30)


@pytest.fixture(autouse=True)
def private_files(monkeypatch, tmp_path):
    storage = FileSystemStorage(location=str(tmp_path), base_url=None)
    monkeypatch.setattr(
        ConfidentialityAgreement._meta.get_field("scan"), "storage", storage
    )
    monkeypatch.setattr(YearlyDocument._meta.get_field("file"), "storage", storage)
    return tmp_path


@pytest.fixture
def secretariat():
    return make_person("secretariat")


@pytest.fixture
def ngo_admin():
    return make_person("ngo")


def snapshot():
    return (
        list(ConfidentialityAgreement.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


# --- Validity ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "valid"),
    [
        (FROM - dt.timedelta(days=1), False),
        (FROM, True),
        (UNTIL, True),
        (UNTIL + dt.timedelta(days=1), False),
    ],
)
def test_an_agreement_holds_from_its_first_to_its_last_day(day, valid):
    agreement = ConfidentialityAgreementFactory(
        signed_on=FROM, valid_from=FROM, valid_until=UNTIL
    )
    assert agreement.is_valid(on=day) is valid
    assert confidentiality_valid(agreement.organisation, on=day) is valid
    assert (
        agreement.organisation_id in confidentiality_agreements_valid(on=day)
    ) is valid


def test_a_revocation_ends_the_agreement_the_same_day(secretariat):
    agreement = ConfidentialityAgreementFactory()
    today = timezone.localdate()
    assert confidentiality_valid(agreement.organisation)

    services.confidentiality_revoke(
        agreement=agreement, reason="Informatie gedeeld.", actor=secretariat
    )

    agreement.refresh_from_db()
    assert not agreement.is_valid()
    assert not confidentiality_valid(agreement.organisation)
    assert not confidentiality_valid(agreement.organisation, on=today)
    assert agreement.organisation_id not in confidentiality_agreements_valid()
    # It did hold before the day it was revoked.
    yesterday = today - dt.timedelta(days=1)
    assert agreement.is_valid(on=yesterday)
    assert confidentiality_valid(agreement.organisation, on=yesterday)
    assert agreement.state() == "revoked"


def test_validity_is_asked_per_kind():
    clause = ConfidentialityAgreementFactory(kind="clause")
    organisation = clause.organisation
    assert confidentiality_valid(organisation, kind="clause")
    assert not confidentiality_valid(organisation, kind="nda")
    assert confidentiality_valid(organisation, kind=("nda", "clause"))
    other = ConfidentialityAgreementFactory(nda=True).organisation
    assert confidentiality_agreements_valid(
        [organisation, other.pk, OrganisationFactory(ngo=True)], kind="nda"
    ) == {other.pk}


def test_the_bulk_check_takes_one_query(django_assert_num_queries):
    organisations = [ConfidentialityAgreementFactory().organisation for _ in range(5)]
    with django_assert_num_queries(1):
        valid = confidentiality_agreements_valid(organisations)
    assert valid == {o.pk for o in organisations}


def test_the_state_shows_an_agreement_ending_within_thirty_days():
    today = timezone.localdate()
    soon = ConfidentialityAgreementFactory(valid_until=today + dt.timedelta(days=30))
    later = ConfidentialityAgreementFactory(valid_until=today + dt.timedelta(days=31))
    ended = ConfidentialityAgreementFactory(valid_until=today - dt.timedelta(days=1))
    coming = ConfidentialityAgreementFactory(valid_from=today + dt.timedelta(days=1))
    assert soon.state() == "expiring"
    assert later.state() == "valid"
    assert ended.state() == "expired"
    assert coming.state() == "not_yet"


# --- Recording and revoking -------------------------------------------------------------


def test_the_secretariat_records_a_paper_agreement_until_the_end_of_the_term(
    secretariat, agreement
):
    ngo = OrganisationFactory(ngo=True)
    scan = SimpleUploadedFile("C:\\scans\\clausule getekend.pdf", PDF)

    item = services.confidentiality_record(
        organisation=ngo,
        kind="clause",
        text_version=" 2025-1 ",
        signed_by_name="Lotte Visser",
        signed_on=dt.date(2026, 1, 15),
        scan=scan,
        actor=secretariat,
    )

    item.refresh_from_db()
    assert item.valid_from == dt.date(2026, 1, 15)
    assert item.valid_until == agreement.ends_on == dt.date(2029, 12, 31)
    assert item.text_version == "2025-1"
    assert item.signed_by is None
    assert item.scan_name == "clausule getekend.pdf"
    assert "clausule" not in item.scan.name
    assert item.scan.read() == PDF
    entry = AuditEntry.objects.get(action="governance.confidentiality_record")
    assert entry.organisation == ngo


def test_a_scan_that_is_no_pdf_is_refused_by_its_content(secretariat, private_files):
    ngo = OrganisationFactory(ngo=True)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.confidentiality_record(
            organisation=ngo,
            kind="clause",
            text_version="2025-1",
            signed_by_name="Lotte Visser",
            signed_on=dt.date(2026, 1, 15),
            scan=SimpleUploadedFile("scan.pdf", PNG),
            actor=secretariat,
        )
    assert "is not a PDF" in error.value.message_dict["scan"][0]
    assert snapshot() == before
    assert not list(private_files.rglob("*"))


def test_a_company_signs_no_confidentiality_agreement(secretariat):
    company = OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        services.confidentiality_record(
            organisation=company,
            kind="nda",
            text_version="2025-1",
            signed_by_name="Pieter Bakker",
            signed_on=dt.date(2026, 1, 15),
            actor=secretariat,
        )
    assert "organisation" in error.value.message_dict
    assert not ConfidentialityAgreement.objects.exists()


def test_a_supporter_signs_the_protocol(secretariat):
    supporter = OrganisationFactory(
        branch=True, participation="supporter", name="Stichting Steun"
    )
    item = services.confidentiality_record(
        organisation=supporter,
        kind="protocol",
        text_version="2025-1",
        signed_by_name="Eva de Wit",
        signed_on=dt.date(2026, 2, 1),
        actor=secretariat,
    )
    assert confidentiality_valid(supporter, kind="protocol")
    assert item.kind == "protocol"


@pytest.mark.parametrize("role", ["ngo", "company_admin", "kerngroep", "chair"])
def test_only_the_secretariat_records_and_revokes(role):
    person = make_person(role)
    agreement = ConfidentialityAgreementFactory()
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.confidentiality_record(
            organisation=agreement.organisation,
            kind="nda",
            text_version="2025-1",
            signed_by_name="X",
            signed_on=dt.date(2026, 1, 15),
            actor=person,
        )
    with pytest.raises(PermissionDenied):
        services.confidentiality_revoke(agreement=agreement, reason="x", actor=person)
    assert snapshot() == before


def test_a_revocation_needs_a_reason_and_happens_once(secretariat):
    agreement = ConfidentialityAgreementFactory()
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.confidentiality_revoke(
            agreement=agreement, reason="  ", actor=secretariat
        )
    assert "revocation_reason" in error.value.message_dict
    assert snapshot() == before

    services.confidentiality_revoke(
        agreement=agreement, reason="Namen extern gedeeld.", actor=secretariat
    )
    agreement.refresh_from_db()
    assert agreement.revoked_by == secretariat
    assert agreement.revocation_reason == "Namen extern gedeeld."
    with pytest.raises(ValidationError):
        services.confidentiality_revoke(
            agreement=agreement, reason="Nogmaals.", actor=secretariat
        )
    assert (
        AuditEntry.objects.filter(action="governance.confidentiality_revoke").count()
        == 1
    )


# --- Signing in the platform ------------------------------------------------------------


def test_an_ngo_administrator_signs_the_current_nda(ngo_admin, agreement):
    item = services.confidentiality_sign(
        organisation=ngo_admin.organisation, on_behalf=True, actor=ngo_admin
    )
    today = timezone.localdate()
    assert item.kind == "nda"
    assert item.text_version == services.CURRENT_NDA_VERSION
    assert item.signed_by == ngo_admin
    assert item.signed_by_name == ngo_admin.get_full_name()
    assert (item.signed_on, item.valid_from) == (today, today)
    assert item.valid_until == agreement.ends_on
    assert confidentiality_valid(ngo_admin.organisation, kind="nda")

    with pytest.raises(ValidationError) as error:
        services.confidentiality_sign(
            organisation=ngo_admin.organisation, on_behalf=True, actor=ngo_admin
        )
    assert "signed this text already" in error.value.messages[0]
    assert ConfidentialityAgreement.objects.count() == 1


def test_signing_needs_the_box_ticked(ngo_admin):
    with pytest.raises(ValidationError) as error:
        services.confidentiality_sign(
            organisation=ngo_admin.organisation, on_behalf=False, actor=ngo_admin
        )
    assert ngo_admin.organisation.name in error.value.message_dict["on_behalf"][0]
    assert not ConfidentialityAgreement.objects.exists()


def test_a_plain_member_or_another_organisation_does_not_sign(ngo_admin):
    member = UserFactory(organisation=ngo_admin.organisation)
    other = make_person("union")
    for person, organisation in (
        (member, ngo_admin.organisation),
        (other, ngo_admin.organisation),
    ):
        with pytest.raises(PermissionDenied):
            services.confidentiality_sign(
                organisation=organisation, on_behalf=True, actor=person
            )
    assert not ConfidentialityAgreement.objects.exists()


# --- Pages ------------------------------------------------------------------------------


def test_the_ngo_reads_the_text_and_signs_on_the_page(client, ngo_admin):
    client.force_login(ngo_admin)
    url = reverse("governance:confidentiality_sign")
    page = client.get(url).content.decode()
    assert "Vertrouwelijkheidsovereenkomst" in page
    assert f"I sign this agreement on behalf of {ngo_admin.organisation.name}" in page

    refused = client.post(url, {})
    assert refused.status_code == 422
    assert "Tick the box" in refused.content.decode()
    assert not ConfidentialityAgreement.objects.exists()

    response = client.post(url, {"on_behalf": "on"})
    item = ConfidentialityAgreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "governance:confidentiality_detail", args=[item.pk]
    )
    own = client.get(reverse("governance:confidentiality_own")).content.decode()
    assert "Valid" in own
    assert services.CURRENT_NDA_VERSION in own


def test_the_own_page_lists_only_the_own_agreements(client, ngo_admin):
    ConfidentialityAgreementFactory(organisation=ngo_admin.organisation)
    other = ConfidentialityAgreementFactory(signed_by_name="Iemand Anders")
    client.force_login(ngo_admin)
    response = client.get(reverse("governance:confidentiality_own"))
    assert [item.organisation_id for item in response.context["items"]] == [
        ngo_admin.organisation.pk
    ]
    assert "Iemand Anders" not in response.content.decode()
    detail = client.get(reverse("governance:confidentiality_detail", args=[other.pk]))
    assert detail.status_code == 404


def test_a_bad_record_form_keeps_what_was_typed(client, secretariat):
    ngo = OrganisationFactory(ngo=True)
    client.force_login(secretariat)
    response = client.post(
        reverse("governance:confidentiality_create"),
        {
            "organisation": ngo.pk,
            "kind": "clause",
            "text_version": "2025-1",
            "signed_by_name": "Lotte Visser",
            "signed_on": "2026-01-15",
            "valid_until": "2025-12-31",
            "scan": SimpleUploadedFile("scan.pdf", PNG),
        },
    )
    content = response.content.decode()
    assert response.status_code == 422
    assert "is not a PDF" in content
    assert 'value="Lotte Visser"' in content
    assert not ConfidentialityAgreement.objects.exists()


def test_the_revoke_page_revokes_at_once(client, secretariat):
    agreement = ConfidentialityAgreementFactory()
    client.force_login(secretariat)
    url = reverse("governance:confidentiality_revoke", args=[agreement.pk])
    assert client.post(url, {"revocation_reason": ""}).status_code == 422
    assert confidentiality_valid(agreement.organisation)
    response = client.post(url, {"revocation_reason": "Namen extern gedeeld."})
    assert response.status_code == 302
    assert not confidentiality_valid(agreement.organisation)


def test_the_list_filters_by_state(client, secretariat):
    today = timezone.localdate()
    valid = ConfidentialityAgreementFactory()
    expired = ConfidentialityAgreementFactory(valid_until=today - dt.timedelta(days=1))
    client.force_login(secretariat)
    url = reverse("governance:confidentiality_list")
    response = client.get(url, {"state": "expired"})
    assert [item.pk for item in response.context["items"]] == [expired.pk]
    counts = {state: count for state, _label, count in response.context["counts"]}
    assert counts == {
        "valid": 1,
        "expiring": 0,
        "not_yet": 0,
        "expired": 1,
        "revoked": 0,
    }
    response = client.get(url, {"state": "valid"})
    assert [item.pk for item in response.context["items"]] == [valid.pk]
    response = client.get(url, {"q": expired.organisation.name})
    assert [item.pk for item in response.context["items"]] == [expired.pk]


def test_the_scan_downloads_as_an_attachment(client, secretariat, ngo_admin):
    agreement = ConfidentialityAgreementFactory(
        organisation=ngo_admin.organisation, scan_name="clausule.pdf"
    )
    agreement.scan.save("upload", SimpleUploadedFile("x", PDF), save=True)
    client.force_login(ngo_admin)
    response = client.get(
        reverse("governance:confidentiality_scan", args=[agreement.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("rows", [10, 40])
def test_the_list_takes_the_same_queries_whatever_its_length(
    client, secretariat, rows, django_assert_max_num_queries
):
    signer = UserFactory(organisation=OrganisationFactory(ngo=True))
    for n in range(rows):
        agreement = ConfidentialityAgreementFactory(
            recorded_by=secretariat, signed_by=signer if n % 2 else None
        )
        if n % 3 == 0:
            services.confidentiality_revoke(
                agreement=agreement, reason="Opgezegd.", actor=secretariat
            )
    client.force_login(secretariat)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("governance:confidentiality_list"))
    assert len(response.context["items"]) == rows
