"""Supplier reports (art. 23): an NGO or union reports a risk at a supplier; the
secretariat finds the companies that buy from it (exact and near matches), notifies
those it confirms, and brokers the dialogue; the reporter follows the progress without
learning which companies, and a company learns who reported only when allowed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from convenant.models import AuditEntry
from ketenkaart import requests as svc
from ketenkaart.models import (
    SupplierReport,
    SupplierReportCompany,
    SupplierReportNote,
    SupplierReportStatus,
)
from tests.conftest import make_person
from tests.governance.factories import OrganisationFactory, UserFactory
from tests.monitoring.company_factories import pdf_bytes, upload

from .factories import LocationFactory, LocationListFactory, use_report_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _report_storage(monkeypatch, tmp_path):
    use_report_storage(monkeypatch, tmp_path / "private")


@pytest.fixture
def reporter():
    return make_person("ngo")


@pytest.fixture
def secretariat():
    return make_person("secretariat")


@pytest.fixture
def buyers():
    """Exact: two companies list "Kamoto Copper Company S.A." in Congo (one spelled
    differently); near: one lists "Kamotto Copper Company"; unrelated: one lists the same
    name in Zambia, one another supplier in Congo."""
    companies = {
        name: OrganisationFactory(name=name)
        for name in (
            "Exact Een B.V.",
            "Exact Twee B.V.",
            "Bijna B.V.",
            "Zambia B.V.",
            "Anders B.V.",
        )
    }
    for company, supplier, country in (
        ("Exact Een B.V.", "Kamoto Copper Company S.A.", "CD"),
        ("Exact Twee B.V.", "KAMOTO COPPER COMPANY", "CD"),
        ("Bijna B.V.", "Kamotto Copper Company", "CD"),
        ("Zambia B.V.", "Kamoto Copper Company", "ZM"),
        ("Anders B.V.", "Tenke Fungurume Mining", "CD"),
    ):
        LocationFactory(
            location_list=LocationListFactory(company=companies[company]),
            supplier_name=supplier,
            country=country,
            region_code="",
        )
    for company in companies.values():
        UserFactory(organisation=company, email=f"inkoop@{company.pk}.test")
    return companies


def report(person, **changes) -> SupplierReport:
    fields = {
        "supplier_name": "Kamoto Copper Company",
        "country": "CD",
        "activity": "mining",
        "description": "Kinderen gezien bij de ertsverwerking, maart 2026.",
    }
    fields.update(changes)
    return svc.supplier_report_create(
        organisation=person.organisation, **fields, actor=person
    )


def test_the_secretariat_sees_exact_and_near_matches_in_the_country(reporter, buyers):
    item = report(reporter)
    matches = svc.supplier_report_matches(item)
    assert [(m.company_name, m.exact) for m in matches] == [
        ("Exact Een B.V.", True),
        ("Exact Twee B.V.", True),
        ("Bijna B.V.", False),
    ]
    assert item.normalised_name == "kamoto copper"


def test_notifying_mails_the_companies_once_after_commit(
    reporter, secretariat, buyers, django_capture_on_commit_callbacks
):
    item = report(reporter)
    een, bijna = buyers["Exact Een B.V."], buyers["Bijna B.V."]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        made = svc.supplier_report_notify(
            report=item, company_ids=[een.pk, bijna.pk], actor=secretariat
        )
    assert len(callbacks) == 2
    assert {link.company_id for link in made} == {een.pk, bijna.pk}
    item.refresh_from_db()
    assert item.status == SupplierReportStatus.NOTIFIED
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [f"inkoop@{een.pk}.test", f"inkoop@{bijna.pk}.test"]
    )
    assert "Kamoto Copper Company" in mail.outbox[0].subject
    assert reporter.organisation.name not in mail.outbox[0].body
    # Again: nobody is notified twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = svc.supplier_report_notify(
            report=item, company_ids=[een.pk], actor=secretariat
        )
    assert again == []
    assert len(mail.outbox) == 2


def test_a_company_that_does_not_buy_from_the_supplier_is_refused(
    reporter, secretariat, buyers
):
    item = report(reporter)
    with pytest.raises(ValidationError):
        svc.supplier_report_notify(
            report=item, company_ids=[buyers["Zambia B.V."].pk], actor=secretariat
        )
    assert not SupplierReportCompany.objects.exists()
    item.refresh_from_db()
    assert item.status == SupplierReportStatus.RECEIVED


@pytest.mark.parametrize("role", ["ngo", "company_admin", "kerngroep"])
def test_only_the_secretariat_notifies(reporter, buyers, role):
    item = report(reporter)
    with pytest.raises(PermissionDenied):
        svc.supplier_report_notify(
            report=item,
            company_ids=[buyers["Exact Een B.V."].pk],
            actor=make_person(role),
        )
    assert not SupplierReportCompany.objects.exists()


@pytest.mark.parametrize("role", ["company_admin", "secretariat", "government"])
def test_only_an_ngo_or_union_reports(role):
    with pytest.raises(PermissionDenied):
        report(make_person(role))
    assert not SupplierReport.objects.exists()


def test_evidence_is_checked_by_its_content(reporter):
    with pytest.raises(ValidationError) as error:
        report(reporter, evidence=upload("rapport.pdf", b"MZ not a pdf at all"))
    assert "evidence" in error.value.error_dict
    assert not SupplierReport.objects.exists()
    item = report(reporter, evidence=upload("rapport.pdf", pdf_bytes()))
    assert item.evidence_name == "rapport.pdf"
    assert item.evidence_type == "application/pdf"
    assert "rapport" not in item.evidence.name


@pytest.fixture
def in_dialogue(reporter, secretariat, buyers):
    item = report(reporter, evidence=upload("foto.pdf", pdf_bytes()))
    svc.supplier_report_notify(
        report=item, company_ids=[buyers["Exact Een B.V."].pk], actor=secretariat
    )
    svc.supplier_report_note_add(
        report=item, text="Interne afweging.", actor=secretariat
    )
    svc.supplier_report_note_add(
        report=item,
        text="Wij spreken de afnemers aan.",
        for_reporter=True,
        status=SupplierReportStatus.IN_DIALOGUE,
        actor=secretariat,
    )
    svc.supplier_report_note_add(
        report=item,
        text="Wilt u uw auditrapport delen?",
        company=buyers["Exact Een B.V."],
        actor=secretariat,
    )
    item.refresh_from_db()
    return item


def test_the_reporter_sees_progress_but_never_which_companies(
    client, reporter, in_dialogue
):
    client.force_login(reporter)
    response = client.get(
        reverse("ketenkaart:supplier_report_detail", args=[in_dialogue.pk])
    )
    content = response.content.decode()
    assert in_dialogue.status == SupplierReportStatus.IN_DIALOGUE
    assert "In dialogue" in content
    assert "Wij spreken de afnemers aan." in content
    assert "Interne afweging." not in content
    assert "Wilt u uw auditrapport delen?" not in content
    assert "Exact Een B.V." not in content
    assert "Bijna B.V." not in content
    match = client.get(
        reverse("ketenkaart:supplier_report_match", args=[in_dialogue.pk])
    )
    assert match.status_code == 403


def test_the_company_sees_the_report_and_its_dialogue_not_the_reporter(
    client, buyers, reporter, in_dialogue
):
    person = buyers["Exact Een B.V."].users.get()
    client.force_login(person)
    response = client.get(
        reverse("ketenkaart:supplier_report_detail", args=[in_dialogue.pk])
    )
    content = response.content.decode()
    assert "Kinderen gezien bij de ertsverwerking" in content
    assert "Wilt u uw auditrapport delen?" in content
    assert "Wij spreken de afnemers aan." not in content
    assert reporter.organisation.name not in content
    assert "A participating NGO or trade union" in content
    # The evidence may identify the reporter: not for the company.
    evidence = client.get(
        reverse("ketenkaart:supplier_report_evidence", args=[in_dialogue.pk])
    )
    assert evidence.status_code == 404
    # A company not notified does not find the report.
    client.force_login(buyers["Bijna B.V."].users.get())
    assert (
        client.get(
            reverse("ketenkaart:supplier_report_detail", args=[in_dialogue.pk])
        ).status_code
        == 404
    )


def test_the_company_sees_the_reporter_when_the_reporter_allowed_it(
    client, reporter, secretariat, buyers
):
    item = report(reporter, share_reporter=True)
    svc.supplier_report_notify(
        report=item, company_ids=[buyers["Exact Twee B.V."].pk], actor=secretariat
    )
    client.force_login(buyers["Exact Twee B.V."].users.get())
    content = client.get(
        reverse("ketenkaart:supplier_report_detail", args=[item.pk])
    ).content.decode()
    assert reporter.organisation.name in content


def test_the_company_replies_in_its_own_dialogue(client, buyers, in_dialogue):
    client.force_login(buyers["Exact Een B.V."].users.get())
    response = client.post(
        reverse("ketenkaart:supplier_report_note", args=[in_dialogue.pk]),
        {
            "text": "Het auditrapport volgt.",
            "for_reporter": "on",
            "status": "closed",
        },
    )
    assert response.status_code == 302
    note = SupplierReportNote.objects.latest("pk")
    assert note.company == buyers["Exact Een B.V."]
    assert note.for_reporter is False
    in_dialogue.refresh_from_db()
    assert in_dialogue.status == SupplierReportStatus.IN_DIALOGUE


def test_a_note_for_the_reporter_cannot_sit_in_a_companys_dialogue(
    secretariat, buyers, in_dialogue
):
    count = SupplierReportNote.objects.count()
    with pytest.raises(ValidationError):
        svc.supplier_report_note_add(
            report=in_dialogue,
            text="x",
            company=buyers["Exact Een B.V."],
            for_reporter=True,
            actor=secretariat,
        )
    with pytest.raises(ValidationError):
        svc.supplier_report_note_add(
            report=in_dialogue,
            text="x",
            company=buyers["Bijna B.V."],
            actor=secretariat,
        )
    assert SupplierReportNote.objects.count() == count


def test_the_secretariat_notifies_on_the_match_page(
    client, secretariat, reporter, buyers
):
    item = report(reporter)
    client.force_login(secretariat)
    page = client.get(reverse("ketenkaart:supplier_report_match", args=[item.pk]))
    content = page.content.decode()
    assert "Bijna B.V." in content
    assert "near" in content
    assert "Zambia B.V." not in content
    refused = client.post(
        reverse("ketenkaart:supplier_report_match", args=[item.pk]), {"companies": []}
    )
    assert refused.status_code == 422
    response = client.post(
        reverse("ketenkaart:supplier_report_match", args=[item.pk]),
        {"companies": [buyers["Exact Een B.V."].pk, buyers["Exact Twee B.V."].pk]},
    )
    assert response.status_code == 302
    assert set(item.notified.values_list("company__name", flat=True)) == {
        "Exact Een B.V.",
        "Exact Twee B.V.",
    }


def test_the_reporter_files_a_report_with_evidence_on_the_page(client, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse("ketenkaart:supplier_report_create"),
        {
            "supplier_name": "Mutanda Mining",
            "country": "CD",
            "activity": "mining",
            "description": "Gedwongen ontruiming.",
            "evidence": upload("verslag.pdf", pdf_bytes()),
        },
    )
    item = SupplierReport.objects.get()
    assert response.status_code == 302
    assert item.share_reporter is False
    download = client.get(
        reverse("ketenkaart:supplier_report_evidence", args=[item.pk])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == pdf_bytes()


def test_a_bad_evidence_file_is_shown_again_and_nothing_is_stored(client, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse("ketenkaart:supplier_report_create"),
        {
            "supplier_name": "Mutanda Mining",
            "country": "CD",
            "activity": "mining",
            "description": "Gedwongen ontruiming.",
            "evidence": upload("verslag.pdf", b"MZ\x90\x00 program"),
        },
    )
    assert response.status_code == 422
    assert 'value="Mutanda Mining"' in response.content.decode()
    assert not SupplierReport.objects.exists()


def test_the_secretariat_evidence_download_is_audited(client, secretariat, in_dialogue):
    client.force_login(secretariat)
    response = client.get(
        reverse("ketenkaart:supplier_report_evidence", args=[in_dialogue.pk])
    )
    assert response.status_code == 200
    assert AuditEntry.objects.filter(
        action="ketenkaart.supplier_report_evidence", object_id=str(in_dialogue.pk)
    ).exists()


def test_another_ngos_report_is_not_there(client, in_dialogue):
    client.force_login(make_person("union"))
    assert (
        client.get(
            reverse("ketenkaart:supplier_report_detail", args=[in_dialogue.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("ketenkaart:supplier_report_evidence", args=[in_dialogue.pk])
        ).status_code
        == 404
    )
