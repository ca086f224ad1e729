"""The accession pages and the supporter's signature pages, as people use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from convenant.models import AuditEntry
from governance.models import (
    AccessionApplication,
    AccessionResponse,
    AccessionStatus,
    Organisation,
    Signature,
)
from tests.conftest import make_person
from tests.governance.factories import (
    LETTER_PDF,
    AccessionApplicationFactory,
    OrganisationFactory,
    SignatureFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def application_form(**overrides) -> dict:
    data = {
        "name": "Brabantse Gieterij B.V.",
        "kind": "company",
        "kvk_number": "98765432",
        "country": "NL",
        "fte": "40",
        "in_metal_supply_chain": "on",
        "participation": "party",
        "contact_name": "Joris Verbeek",
        "contact_email": "joris@brabantse-gieterij.test",
        "letter": SimpleUploadedFile(
            "motivatie.pdf", LETTER_PDF, content_type="application/pdf"
        ),
        "endorsement_confirmed": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def counts() -> tuple[int, int, int]:
    return (
        Organisation.objects.count(),
        AccessionApplication.objects.count(),
        AccessionResponse.objects.count(),
    )


# --- Applying ------------------------------------------------------------------------


def test_the_application_form_is_public_and_explains_the_steps(client):
    response = client.get(reverse("governance:accession_apply"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Apply to accede to the agreement" in page
    assert 'name="letter"' in page
    assert "OECD Guidelines" in page
    assert "<legend" in page


def test_an_anonymous_visitor_applies_and_reads_what_happens_next(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    make_person("secretariat")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("governance:accession_apply"), application_form()
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:accession_applied")
    application = AccessionApplication.objects.get()
    assert application.organisation.name == "Brabantse Gieterij B.V."
    assert len(mailoutbox) == 1
    page = client.get(response["Location"]).content.decode()
    assert "What happens next" in page
    assert "Kerngroep decides" in page


def test_a_refused_application_keeps_what_was_typed_and_says_what_is_wrong(client):
    OrganisationFactory(kvk_number="98765432")
    before = counts()
    response = client.post(
        reverse("governance:accession_apply"),
        application_form(endorsement_confirmed=None),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="Brabantse Gieterij B.V."' in page
    assert 'value="joris@brabantse-gieterij.test"' in page
    assert "Tick the box to confirm this." in page
    assert counts() == before

    response = client.post(reverse("governance:accession_apply"), application_form())
    assert response.status_code == 422
    assert "already takes part in the agreement" in response.content.decode()
    assert "choose the letter again" in response.content.decode()
    assert counts() == before


def test_a_supporter_company_in_metal_supply_chains_is_told_why_not(client):
    before = counts()
    response = client.post(
        reverse("governance:accession_apply"),
        application_form(participation="supporter"),
    )
    assert response.status_code == 422
    assert "cannot be a supporter" in response.content.decode()
    assert counts() == before


def test_too_many_applications_from_one_address_are_refused(client):
    url = reverse("governance:accession_apply")
    for _ in range(10):
        assert client.post(url, {"name": ""}).status_code == 422
    before = counts()
    response = client.post(url, application_form())
    assert response.status_code == 429
    assert "Too many applications" in response.content.decode()
    assert counts() == before


# --- Lists keep their number of queries -----------------------------------------------------


def make_applications(count: int) -> None:
    for index in range(count):
        application = AccessionApplicationFactory(announced=index % 2 == 0)
        if index % 2 == 0:
            AccessionResponse.objects.create(
                application=application,
                organisation=OrganisationFactory(
                    kind="ngo", fte=None, csrd_category=""
                ),
                kind="question",
                text="Vraag",
                created_by=make_person("ngo"),
            )


@pytest.mark.parametrize("role", ["secretariat", "ngo"])
@pytest.mark.parametrize("rows", [10, 100])
def test_the_list_of_applications_keeps_its_number_of_queries(
    client, role, rows, django_assert_max_num_queries
):
    make_applications(rows)
    client.force_login(make_person(role))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("governance:accession_list"))
    assert response.status_code == 200
    shown = response.content.decode().count("/accession/")
    assert shown >= (rows if role == "secretariat" else rows // 2)


@pytest.mark.parametrize("rows", [10, 100])
def test_the_signature_list_keeps_its_number_of_queries(
    client, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        signature = SignatureFactory()
        SignatureFactory(
            organisation=signature.organisation,
            signed_by=signature.signed_by,
            document="confidentiality_protocol",
        )
    client.force_login(make_person("secretariat"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("governance:signature_list"))
    assert response.status_code == 200
    assert response.content.decode().count("Version 2025-1:") == 2 * rows


# --- The secretariat and the parties ------------------------------------------------------


def test_the_secretariat_announces_with_a_default_of_four_weeks(client):
    application = AccessionApplicationFactory()
    client.force_login(make_person("secretariat"))
    url = reverse("governance:accession_detail", args=[application.pk])
    page = client.get(url).content.decode()
    default = (timezone.localdate() + dt.timedelta(weeks=4)).isoformat()
    assert f'value="{default}"' in page
    assert application.contact_email in page

    response = client.post(
        reverse("governance:accession_announce", args=[application.pk]),
        {"response_deadline": timezone.localdate().isoformat()},
    )
    assert response.status_code == 422
    assert "The deadline for responses lies in the future." in response.content.decode()
    application.refresh_from_db()
    assert application.status == AccessionStatus.SUBMITTED

    response = client.post(
        reverse("governance:accession_announce", args=[application.pk]),
        {"response_deadline": default},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == AccessionStatus.ANNOUNCED


def test_a_party_reads_the_letter_and_responds_until_the_deadline(client):
    application = AccessionApplicationFactory(announced=True)
    ngo = make_person("ngo")
    client.force_login(ngo)
    url = reverse("governance:accession_detail", args=[application.pk])
    page = client.get(url).content.decode()
    assert "Raise a question or ask for a hearing" in page
    assert application.contact_email not in page

    letter = client.get(reverse("governance:accession_letter", args=[application.pk]))
    assert letter.status_code == 200
    assert letter["Content-Disposition"].startswith("attachment")
    assert b"".join(letter.streaming_content) == LETTER_PDF
    entry = AuditEntry.objects.get(action="accession.letter_download")
    assert entry.actor == ngo

    response = client.post(
        reverse("governance:accession_respond", args=[application.pk]),
        {"kind": "hearing", "text": "Wij willen de aanvrager graag eerst horen."},
    )
    assert response.status_code == 302
    assert AccessionResponse.objects.get().organisation == ngo.organisation

    application.response_deadline = timezone.localdate() - dt.timedelta(days=1)
    application.save()
    page = client.get(url).content.decode()
    assert "Raise a question or ask for a hearing" not in page
    assert "The period for questions and hearing requests ended on" in page
    response = client.post(
        reverse("governance:accession_respond", args=[application.pk]),
        {"kind": "question", "text": "Nog een vraag"},
    )
    assert response.status_code == 422
    assert "ended on" in response.content.decode()
    assert AccessionResponse.objects.count() == 1


def test_a_party_sees_only_its_own_responses(client):
    application = AccessionApplicationFactory(announced=True)
    other = make_person("union")
    AccessionResponse.objects.create(
        application=application,
        organisation=other.organisation,
        kind="question",
        text="Vraag van een andere partij",
        created_by=other,
    )
    client.force_login(make_person("ngo"))
    page = client.get(
        reverse("governance:accession_detail", args=[application.pk])
    ).content.decode()
    assert "Vraag van een andere partij" not in page


def test_an_empty_answer_is_refused_beside_its_question(client):
    application = AccessionApplicationFactory(announced=True)
    ngo = make_person("ngo")
    question = AccessionResponse.objects.create(
        application=application,
        organisation=ngo.organisation,
        kind="question",
        text="Vraag",
        created_by=ngo,
    )
    client.force_login(make_person("secretariat"))
    response = client.post(
        reverse("governance:accession_answer", args=[question.pk]), {"answer": " "}
    )
    assert response.status_code == 422
    assert f'id="answer-{question.pk}_error"' in response.content.decode()
    question.refresh_from_db()
    assert question.answered_at is None


def test_putting_to_the_kerngroep_early_says_when_it_can(client):
    application = AccessionApplicationFactory(announced=True)
    client.force_login(make_person("secretariat"))
    response = client.post(
        reverse("governance:accession_to_kerngroep", args=[application.pk]),
        follow=True,
    )
    assert "after that day" in response.content.decode()
    application.refresh_from_db()
    assert application.status == AccessionStatus.ANNOUNCED


# --- Signatures --------------------------------------------------------------------------------


def supporter_admin():
    organisation = OrganisationFactory(
        name="Stichting Kennis Metaalketen",
        kind="ngo",
        fte=None,
        csrd_category="",
        participation="supporter",
    )
    return UserFactory(organisation=organisation, organisation_role="admin")


def test_a_supporter_admin_reads_and_signs_both_texts(client):
    admin = supporter_admin()
    client.force_login(admin)
    url = reverse("governance:supporter_texts")
    page = client.get(url).content.decode()
    assert "Steunbetuiging aan de Internationale MVO Sectorovereenkomst" in page
    assert "Vertrouwelijkheidsprotocol" in page
    assert "I sign on behalf of Stichting Kennis Metaalketen" in page

    response = client.post(
        reverse("governance:supporter_sign", args=["supporter_declaration"]), {}
    )
    assert response.status_code == 422
    assert "Tick the box to sign." in response.content.decode()
    assert not Signature.objects.exists()

    for document in ("supporter_declaration", "confidentiality_protocol"):
        response = client.post(
            reverse("governance:supporter_sign", args=[document]), {"confirm": "on"}
        )
        assert response.status_code == 302
    page = client.get(url).content.decode()
    assert page.count(f"by {admin}") == 2
    assert Signature.objects.filter(organisation=admin.organisation).count() == 2


def test_an_unknown_text_is_not_found(client):
    client.force_login(supporter_admin())
    response = client.post(
        reverse("governance:supporter_sign", args=["code_of_conduct"]),
        {"confirm": "on"},
    )
    assert response.status_code == 404


def test_a_party_admin_cannot_sign(client):
    client.force_login(make_person("ngo"))
    assert client.get(reverse("governance:supporter_texts")).status_code == 403
    response = client.post(
        reverse("governance:supporter_sign", args=["supporter_declaration"]),
        {"confirm": "on"},
    )
    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_the_secretariat_sees_the_signatures_of_one_organisation(client):
    signature = SignatureFactory()
    client.force_login(make_person("secretariat"))
    page = client.get(
        reverse("governance:organisation_signatures", args=[signature.organisation_id])
    ).content.decode()
    assert signature.signed_by.email in page
    assert "Not signed" in page  # the confidentiality protocol


def test_a_new_version_of_a_text_asks_to_sign_again(client, monkeypatch):
    from governance.models import CURRENT_TEXT_VERSIONS

    admin = supporter_admin()
    SignatureFactory(organisation=admin.organisation, signed_by=admin)
    monkeypatch.setitem(CURRENT_TEXT_VERSIONS, "supporter_declaration", "2025-2")
    # The new version's text: the same template stands in for it here.
    monkeypatch.setattr(
        "governance.selectors.membership.text_template",
        lambda document, version: f"governance/membership/texts/{document}_2025-1.html",
    )
    client.force_login(admin)
    page = client.get(reverse("governance:supporter_texts")).content.decode()
    assert (
        "Your organisation signed version 2025-1; this text has changed since." in page
    )
    assert 'id="confirm-supporter_declaration"' in page
