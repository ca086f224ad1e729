"""The yearly documents (art. 50, 63-64): their status from draft to published, their
files, and who sees them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from convenant.models import AgreementYear, AuditEntry
from governance.models import YearlyDocument
from governance.services import confidentiality as services
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def private_files(monkeypatch, tmp_path):
    storage = FileSystemStorage(location=str(tmp_path), base_url=None)
    monkeypatch.setattr(YearlyDocument._meta.get_field("file"), "storage", storage)
    return tmp_path


@pytest.fixture
def secretariat():
    return make_person("secretariat")


@pytest.fixture
def year(agreement):
    return AgreementYear.objects.get(agreement=agreement, number=1)


def upload(name="voortgang.pdf", content=PDF):
    return SimpleUploadedFile(name, content)


def draft(year, secretariat, kind="progress_report", with_file=True):
    return services.yearly_document_save(
        agreement_year=year,
        kind=kind,
        notes="Eerste opzet.",
        file=upload() if with_file else None,
        actor=secretariat,
    )


def move(document, status, secretariat):
    return services.yearly_document_transition(
        document=document, status=status, actor=secretariat
    )


def test_a_document_goes_from_draft_to_published(year, secretariat):
    document = draft(year, secretariat)
    assert document.status == "draft"
    document = move(document, "in_review", secretariat)
    document = move(document, "draft", secretariat)
    document = move(document, "in_review", secretariat)
    document = move(document, "adopted", secretariat)
    assert document.published_at is None
    document = move(document, "published", secretariat)
    document.refresh_from_db()
    assert document.status == "published"
    assert document.published_at is not None
    assert (
        AuditEntry.objects.filter(action="governance.yearly_document_status").count()
        == 5
    )


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["draft"], "adopted"),
        (["draft"], "published"),
        (["in_review"], "published"),
        (["in_review", "adopted"], "draft"),
        (["in_review", "adopted", "published"], "draft"),
        (["in_review", "adopted", "published"], "in_review"),
    ],
)
def test_a_step_out_of_order_is_refused_and_changes_nothing(
    year, secretariat, path, refused
):
    document = draft(year, secretariat)
    for status in path:
        if status != "draft":
            document = move(document, status, secretariat)
    before = list(YearlyDocument.objects.values())
    with pytest.raises(ValidationError) as error:
        move(document, refused, secretariat)
    assert "cannot become" in error.value.messages[0]
    assert list(YearlyDocument.objects.values()) == before


def test_the_kerngroep_reviews_a_file(year, secretariat):
    document = draft(year, secretariat, with_file=False)
    with pytest.raises(ValidationError) as error:
        move(document, "in_review", secretariat)
    assert "Upload the document first" in error.value.message_dict["file"][0]


def test_a_published_document_no_longer_changes(year, secretariat):
    document = draft(year, secretariat)
    for status in ("in_review", "adopted", "published"):
        document = move(document, status, secretariat)
    with pytest.raises(ValidationError):
        services.yearly_document_save(
            agreement_year=year,
            kind="progress_report",
            notes="Gewijzigd",
            file=upload(),
            actor=secretariat,
        )
    document.refresh_from_db()
    assert document.notes == "Eerste opzet."


def test_a_new_file_replaces_the_old_one(year, secretariat, private_files):
    document = draft(year, secretariat)
    old = document.file.name
    services.yearly_document_save(
        agreement_year=year,
        kind="progress_report",
        notes="Tweede versie.",
        file=upload("versie-2.pdf"),
        actor=secretariat,
    )
    document.refresh_from_db()
    assert document.original_name == "versie-2.pdf"
    assert document.file.name != old
    assert YearlyDocument.objects.count() == 1


def test_a_file_that_is_no_pdf_or_word_is_refused(year, secretariat):
    with pytest.raises(ValidationError) as error:
        services.yearly_document_save(
            agreement_year=year,
            kind="year_plan",
            file=upload("plan.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
            actor=secretariat,
        )
    assert "not a PDF or Word document" in error.value.message_dict["file"][0]
    assert not YearlyDocument.objects.exists()


@pytest.mark.parametrize("role", ["kerngroep", "chair", "company_admin"])
def test_only_the_secretariat_uploads_and_moves(year, secretariat, role):
    document = draft(year, secretariat)
    person = make_person(role)
    before = list(YearlyDocument.objects.values())
    with pytest.raises(PermissionDenied):
        draft(year, person, kind="year_plan")
    with pytest.raises(PermissionDenied):
        move(document, "in_review", person)
    assert list(YearlyDocument.objects.values()) == before


def test_the_year_page_shows_drafts_to_the_kerngroep_only(client, year, secretariat):
    report = draft(year, secretariat)
    plan = draft(year, secretariat, kind="year_plan")
    for status in ("in_review", "adopted", "published"):
        report = move(report, status, secretariat)
    url = reverse("governance:yearly_document_year", args=[1])

    client.force_login(make_person("company_member"))
    rows = {row.kind: row.document for row in client.get(url).context["rows"]}
    assert rows == {
        "progress_report": report,
        "government_information": None,
        "year_plan": None,
    }
    file_url = reverse("governance:yearly_document_file", args=[plan.pk])
    assert client.get(file_url).status_code == 404
    published = client.get(reverse("governance:yearly_document_file", args=[report.pk]))
    assert published.status_code == 200
    assert published["Content-Disposition"].startswith("attachment")

    client.force_login(make_person("kerngroep"))
    rows = {row.kind: row.document for row in client.get(url).context["rows"]}
    assert rows["year_plan"] == plan
    assert client.get(file_url).status_code == 200


def test_the_edit_page_moves_the_status_and_says_what_went_wrong(
    client, year, secretariat
):
    document = draft(year, secretariat, with_file=False)
    client.force_login(secretariat)
    status_url = reverse("governance:yearly_document_status", args=[document.pk])
    response = client.post(status_url, {"status": "in_review"}, follow=True)
    assert "Upload the document first" in response.content.decode()
    document.refresh_from_db()
    assert document.status == "draft"

    edit_url = reverse("governance:yearly_document_edit", args=[1, "progress_report"])
    response = client.post(edit_url, {"notes": "Met bestand.", "file": upload()})
    assert response.status_code == 302
    response = client.post(status_url, {"status": "in_review"}, follow=True)
    document.refresh_from_db()
    assert document.status == "in_review"
    assert "In review by the Kerngroep" in response.content.decode()


def test_an_unknown_kind_or_year_is_not_there(client, secretariat, year):
    client.force_login(secretariat)
    assert (
        client.get(
            reverse("governance:yearly_document_edit", args=[1, "annual_accounts"])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("governance:yearly_document_year", args=[9])).status_code
        == 404
    )


def test_the_year_page_takes_a_fixed_number_of_queries(
    client, year, secretariat, django_assert_max_num_queries
):
    for kind in ("progress_report", "government_information", "year_plan"):
        draft(year, secretariat, kind=kind)
    client.force_login(make_person("chair"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("governance:yearly_document_year", args=[1]))
    assert all(row.document for row in response.context["rows"])
