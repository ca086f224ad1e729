"""Evidence documents: checked by content, stored privately under a random name, served
as an attachment only to whom may see them, and removed while the answer may change."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from convenant.models import AuditEntry
from monitoring import evidence as checks
from monitoring.models import Answer, AssessmentStatus, Evidence
from tests.conftest import make_person
from tests.monitoring.company_factories import (
    company_person,
    exe_bytes,
    pdf_bytes,
    png_bytes,
    profiled_assessment,
    stored_evidence,
    upload,
    use_fast_hashing,
    use_private_storage,
)

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def storage(settings, tmp_path, monkeypatch):
    use_fast_hashing(settings)
    return use_private_storage(monkeypatch, tmp_path / "private")


@pytest.fixture
def assessment():
    return profiled_assessment()


@pytest.fixture
def person(assessment):
    return company_person(assessment)


@pytest.fixture
def company_client(client, person):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(person)
    return client


def upload_to(client, assessment, code: str, file, *, prefix: str = "q0", htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse(
            "monitoring:evidence_upload", kwargs={"pk": assessment.pk, "code": code}
        ),
        {f"{prefix}-file": file},
        **headers,
    )


def stored_files(storage) -> list[Path]:
    root = Path(storage.location)
    return sorted(path for path in root.rglob("*") if path.is_file())


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


# --- The checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("beleid.pdf", pdf_bytes(), "application/pdf"),
        ("foto.png", png_bytes(), "image/png"),
        (
            "verslag.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        # The name does not decide: a PDF called .png is a PDF.
        ("scan.png", pdf_bytes(), "application/pdf"),
    ],
)
def test_allowed_documents_are_recognised_by_their_content(name, content, content_type):
    checked = checks.check_upload(upload(name, content))

    assert checked == checks.CheckedUpload(
        content_type=content_type, size=len(content), original_name=name
    )


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (exe_bytes(), "type"),
        (b"Just some text, no document.", "type"),
        (b"", "empty"),
        (pdf_bytes(size=10 * MB + 1), "too_large"),
    ],
)
def test_other_files_are_refused(content, code):
    with pytest.raises(ValidationError) as refused:
        checks.check_upload(upload("rapport.pdf", content))

    assert refused.value.code == code


def test_a_file_of_exactly_10_mb_is_allowed():
    checked = checks.check_upload(upload("groot.pdf", pdf_bytes(size=10 * MB)))

    assert checked.size == 10 * MB


def test_the_twenty_first_document_of_an_answer_is_refused():
    with pytest.raises(ValidationError) as refused:
        checks.check_upload(upload("nog-een.pdf", pdf_bytes()), files_already=20)

    assert refused.value.code == "too_many"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("C:\\fakepath\\beleid.pdf", "beleid.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("ver\x00slag\n.pdf", "verslag.pdf"),
        ("", "document"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_the_name_is_kept_as_a_label_only(given, kept):
    assert checks.display_name(given) == kept


# --- Uploading ----------------------------------------------------------------------------


def test_a_pdf_is_stored_privately_under_a_random_name(
    company_client, assessment, person, storage
):
    response = upload_to(
        company_client, assessment, "1.1", upload("Beleid 2026.pdf", pdf_bytes())
    )

    assert response.status_code == 200
    assert response["X-Convenant-Fragment"] == "1"
    evidence = Evidence.objects.get()
    assert evidence.original_name == "Beleid 2026.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(pdf_bytes())
    assert evidence.uploaded_by == person
    assert evidence.answer.assessment == assessment
    assert evidence.answer.question_code == "1.1"
    assert evidence.answer.value is None  # an empty answer holds it until answered
    directory, stored_name = evidence.file.name.rsplit("/", 1)
    assert directory == f"evidence/{assessment.pk}"
    assert len(stored_name) == 32
    assert int(stored_name, 16) >= 0
    assert "Beleid" not in evidence.file.name
    assert stored_files(storage) == [Path(storage.location) / evidence.file.name]
    assert (Path(storage.location) / evidence.file.name).read_bytes() == pdf_bytes()
    html = response.content.decode()
    assert html.strip().startswith('<div class="evidence" id="q0-evidence">')
    assert "Beleid 2026.pdf" in html
    entry = AuditEntry.objects.get(action="evidence.upload")
    assert entry.actor == person
    assert entry.organisation == assessment.organisation
    assert entry.details == {
        "question": "1.1",
        "name": "Beleid 2026.pdf",
        "size": len(pdf_bytes()),
        "content_type": "application/pdf",
    }


def test_without_javascript_an_upload_returns_to_the_question(
    company_client, assessment
):
    response = upload_to(
        company_client,
        assessment,
        "1.2",
        upload("a.png", png_bytes()),
        prefix="q1",
        htmx=False,
    )

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("monitoring:assessment_step", kwargs={"pk": assessment.pk, "step": "1"})
        + "#q1"
    )
    assert Evidence.objects.get().content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rapport.pdf", exe_bytes(), "“rapport.pdf” is not a PDF, Office document"),
        ("groot.pdf", pdf_bytes(size=11 * MB), "“groot.pdf” is 11.0 MB"),
    ],
)
def test_a_refused_upload_stores_nothing(
    company_client, assessment, storage, name, content, message
):
    response = upload_to(company_client, assessment, "1.1", upload(name, content))

    assert response.status_code == 422
    assert message in response.content.decode()
    assert Evidence.objects.count() == 0
    assert stored_files(storage) == []
    assert not AuditEntry.objects.filter(action="evidence.upload").exists()


def test_an_answer_holds_at_most_twenty_documents(company_client, assessment, storage):
    for number in range(20):
        stored_evidence(assessment, name=f"{number}.pdf")

    response = upload_to(
        company_client, assessment, "1.1", upload("21.pdf", pdf_bytes())
    )

    assert response.status_code == 422
    assert "at most 20 documents" in response.content.decode()
    assert Evidence.objects.count() == 20
    assert len(stored_files(storage)) == 20


def test_a_question_without_documents_takes_none(company_client, assessment, storage):
    response = upload_to(
        company_client, assessment, "1.3", upload("a.pdf", pdf_bytes()), prefix="q2"
    )

    assert response.status_code == 422
    assert "Question 1.3 asks for no documents." in response.content.decode()
    assert stored_files(storage) == []


def test_after_submission_no_document_can_be_added(client, storage):
    assessment = profiled_assessment(status=AssessmentStatus.FINAL)
    client.force_login(company_person(assessment))

    response = upload_to(client, assessment, "1.1", upload("a.pdf", pdf_bytes()))

    assert response.status_code == 403
    assert Evidence.objects.count() == 0
    assert Answer.objects.count() == 0
    assert stored_files(storage) == []


# --- Downloading --------------------------------------------------------------------------


def download(client, evidence):
    return client.get(
        reverse("monitoring:evidence_download", kwargs={"pk": evidence.pk})
    )


def test_the_company_downloads_its_document_as_an_attachment(
    company_client, assessment
):
    evidence = stored_evidence(assessment, name="Beleid “2026”.pdf")

    response = download(company_client, evidence)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Beleid%20%E2%80%9C2026%E2%80%9D.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert not AuditEntry.objects.filter(action="evidence.download").exists()


def test_another_company_gets_404(client, assessment):
    evidence = stored_evidence(assessment)
    client.force_login(make_person("company_admin"))

    assert download(client, evidence).status_code == 404
    assert not AuditEntry.objects.filter(action="evidence.download").exists()


@pytest.mark.parametrize("role", ["ngo", "union", "branch", "kerngroep", "government"])
def test_other_roles_get_403(client, assessment, role):
    evidence = stored_evidence(assessment)
    client.force_login(make_person(role))

    assert download(client, evidence).status_code == 403


def test_the_secretariats_download_is_audited(client, assessment):
    evidence = stored_evidence(assessment, name="beleid.pdf")
    secretariat = make_person("secretariat")
    client.force_login(secretariat)

    response = download(client, evidence)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    entry = AuditEntry.objects.get(action="evidence.download")
    assert entry.actor == secretariat
    assert entry.organisation == assessment.organisation
    assert entry.object_id == str(evidence.pk)
    assert entry.details == {"question": "1.1", "name": "beleid.pdf"}


# --- Removing -----------------------------------------------------------------------------


def delete(client, evidence, *, htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("monitoring:evidence_delete", kwargs={"pk": evidence.pk}), **headers
    )


def test_a_document_is_removed_with_its_file(
    company_client, assessment, person, storage, django_capture_on_commit_callbacks
):
    evidence = stored_evidence(assessment, name="weg.pdf")
    path = Path(storage.location) / evidence.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = delete(company_client, evidence)

    assert response.status_code == 200
    assert "weg.pdf" not in response.content.decode()
    assert Evidence.objects.count() == 0
    assert not path.exists()
    entry = AuditEntry.objects.get(action="evidence.delete")
    assert entry.actor == person
    assert entry.details == {
        "question": "1.1",
        "name": "weg.pdf",
        "size": len(pdf_bytes()),
    }


def test_the_step_save_button_removes_a_document(company_client, assessment, storage):
    evidence = stored_evidence(assessment)

    response = company_client.post(
        reverse(
            "monitoring:assessment_step", kwargs={"pk": assessment.pk, "step": "1"}
        ),
        {"remove": str(evidence.pk)},
    )

    assert response.status_code == 302
    assert Evidence.objects.count() == 0


def test_after_submission_a_document_stays(client, storage):
    assessment = profiled_assessment(status=AssessmentStatus.SUBMITTED)
    evidence = stored_evidence(assessment)
    client.force_login(company_person(assessment))

    response = delete(client, evidence)

    assert response.status_code == 403
    assert Evidence.objects.get() == evidence
    assert (Path(storage.location) / evidence.file.name).exists()
    assert not AuditEntry.objects.filter(action="evidence.delete").exists()


def test_the_secretariat_cannot_remove_a_document(client, assessment, storage):
    evidence = stored_evidence(assessment)
    client.force_login(make_person("secretariat"))

    response = delete(client, evidence, htmx=False)

    assert response.status_code == 403
    assert Evidence.objects.get() == evidence


def test_the_step_lists_documents_with_download_and_remove(company_client, assessment):
    evidence = stored_evidence(assessment, name="beleid.pdf")

    html = company_client.get(
        reverse("monitoring:assessment_step", kwargs={"pk": assessment.pk, "step": "1"})
    ).content.decode()

    download_url = reverse("monitoring:evidence_download", kwargs={"pk": evidence.pk})
    delete_url = reverse("monitoring:evidence_delete", kwargs={"pk": evidence.pk})
    assert f'<a href="{download_url}" download>beleid.pdf</a>' in html
    assert f'hx-post="{delete_url}"' in html
    assert 'hx-confirm="Remove “beleid.pdf”?"' in html
