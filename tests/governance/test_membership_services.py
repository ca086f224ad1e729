"""Accession (art. 69-72) and the supporter's signatures: the services and what the
Kerngroep's decision does. Every refusal also checks that nothing changed."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from convenant.models import AgreementYear, AuditEntry
from governance.models import (
    AccessionApplication,
    AccessionResponse,
    AccessionStatus,
    Contribution,
    Decision,
    DecisionStatus,
    FteBand,
    Invitation,
    Organisation,
    OrganisationStatus,
    Signature,
)
from governance.services import membership as services
from governance.services.decisions import (
    decision_finalise,
    decision_for,
    decision_open,
)
from tests.conftest import make_person
from tests.governance.factories import (
    LETTER_PDF,
    AccessionApplicationFactory,
    KerngroepSeatFactory,
    OrganisationFactory,
    SignatureFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def docx_bytes() -> bytes:
    """A minimal Word document: a zip with the parts a docx starts with."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def letter(content: bytes = LETTER_PDF, name: str = "motivatiebrief.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def apply_arguments(**overrides):
    arguments = {
        "name": "Zeeuwse Staalbouw B.V.",
        "kind": "company",
        "kvk_number": "87654321",
        "country": "NL",
        "fte": 85,
        "in_metal_supply_chain": True,
        "participation": "party",
        "contact_name": "Sanne de Vries",
        "contact_email": "Sanne@Zeeuwse-Staalbouw.test",
        "letter": letter(),
        "endorsement_confirmed": True,
    }
    return arguments | overrides


def state() -> dict:
    """Everything a refused action must leave as it was."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (
            Organisation,
            AccessionApplication,
            AccessionResponse,
            Decision,
            Invitation,
            Contribution,
            Signature,
        )
    }


def announced(**kwargs) -> AccessionApplication:
    return AccessionApplicationFactory(announced=True, **kwargs)


def past_deadline(application: AccessionApplication) -> AccessionApplication:
    application.response_deadline = timezone.localdate() - dt.timedelta(days=1)
    application.save(update_fields=["response_deadline"])
    return application


# --- Applying ------------------------------------------------------------------------


def test_an_anonymous_visitor_applies_and_the_secretariat_hears_of_it(
    mailoutbox, django_capture_on_commit_callbacks
):
    secretariat = make_person("secretariat")
    with django_capture_on_commit_callbacks(execute=True):
        application = services.accession_apply(
            **apply_arguments(), actor=AnonymousUser()
        )

    organisation = application.organisation
    assert organisation.status == OrganisationStatus.APPLICANT
    assert organisation.participation == "party"
    assert organisation.kvk_number == "87654321"
    assert organisation.signed_on is None
    assert application.status == AccessionStatus.SUBMITTED
    assert application.contact_email == "sanne@zeeuwse-staalbouw.test"
    assert application.letter_name == "motivatiebrief.pdf"
    assert application.letter_type == "application/pdf"
    assert application.submitted_by is None
    with application.letter.open("rb") as handle:
        assert handle.read() == LETTER_PDF
    assert [m.to for m in mailoutbox] == [[secretariat.email]]
    assert "Zeeuwse Staalbouw B.V." in mailoutbox[0].subject
    entry = AuditEntry.objects.get(action="accession.apply")
    assert entry.actor is None
    assert entry.organisation == organisation


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"endorsement_confirmed": False}, "endorsement_confirmed", "OECD Guidelines"),
        (
            {"participation": "supporter"},
            "participation",
            "cannot be a supporter",
        ),
        ({"letter": letter(b"just some text, no document")}, "letter", "PDF or Word"),
        (
            {"letter": letter(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "scan.pdf")},
            "letter",
            "PDF or Word",
        ),
        ({"letter": None}, "letter", "Add the motivation letter"),
        ({"fte": None}, "fte", "FTE"),
        ({"kind": "government"}, "kind", "Choose a company"),
        ({"kvk_number": "1234"}, "kvk_number", "8 digits"),
    ],
)
def test_a_faulty_application_says_what_is_wrong_and_saves_nothing(
    overrides, field, words, mailoutbox
):
    make_person("secretariat")
    before = state()
    with pytest.raises(ValidationError) as raised:
        services.accession_apply(**apply_arguments(**overrides), actor=AnonymousUser())
    assert any(words in message for message in raised.value.message_dict[field])
    assert state() == before
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (OrganisationStatus.ACTIVE, "already takes part"),
        (OrganisationStatus.APPLICANT, "already being handled"),
        (OrganisationStatus.WITHDRAWN, "took part before"),
        ("rejected", "earlier application"),
    ],
)
def test_a_known_kvk_number_is_refused_with_a_clear_message(status, words):
    never_signed = status in (OrganisationStatus.APPLICANT, "rejected")
    OrganisationFactory(
        kvk_number="87654321",
        status=OrganisationStatus.WITHDRAWN if status == "rejected" else status,
        signed_on=None if never_signed else dt.date(2025, 10, 16),
    )
    before = state()
    with pytest.raises(ValidationError) as raised:
        services.accession_apply(**apply_arguments(), actor=AnonymousUser())
    messages = raised.value.message_dict["kvk_number"]
    assert len(messages) == 1
    assert words in messages[0]
    assert state() == before


def test_an_organisation_that_is_a_party_already_cannot_apply_under_its_name():
    OrganisationFactory(name="Zeeuwse Staalbouw B.V.", kvk_number="11112222")
    before = state()
    with pytest.raises(ValidationError) as raised:
        services.accession_apply(
            **apply_arguments(name="zeeuwse staalbouw b.v."), actor=AnonymousUser()
        )
    assert "already takes part" in raised.value.message_dict["name"][0]
    assert state() == before


def test_a_supporter_outside_metal_supply_chains_may_apply_without_fte():
    application = services.accession_apply(
        **apply_arguments(
            name="Stichting Kennis Metaalketen",
            kind="ngo",
            kvk_number="",
            fte=50,
            in_metal_supply_chain=False,
            participation="supporter",
            letter=letter(docx_bytes(), "brief.docx"),
        ),
        actor=AnonymousUser(),
    )
    assert application.participation == "supporter"
    assert application.organisation.fte is None
    assert application.organisation.kvk_number is None
    assert application.letter_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


# --- Announcing -------------------------------------------------------------------------


def test_the_secretariat_announces_and_every_party_admin_hears_of_it(
    mailoutbox, django_capture_on_commit_callbacks
):
    secretariat = make_person("secretariat")
    ngo_admin = make_person("ngo")
    company_admin = make_person("company_admin")
    make_person("company_member")
    make_person("government")
    supporter = OrganisationFactory(
        kind="ngo", fte=None, csrd_category="", participation="supporter"
    )
    UserFactory(organisation=supporter, organisation_role="admin")
    application = AccessionApplicationFactory()
    deadline = timezone.localdate() + dt.timedelta(weeks=4)

    with django_capture_on_commit_callbacks(execute=True):
        services.accession_announce(
            application=application, response_deadline=deadline, actor=secretariat
        )

    application.refresh_from_db()
    assert application.status == AccessionStatus.ANNOUNCED
    assert application.response_deadline == deadline
    assert application.checked_by == secretariat
    assert application.announced_at is not None
    assert sorted(email for m in mailoutbox for email in m.to) == sorted(
        [ngo_admin.email, company_admin.email]
    )


def test_an_announcement_mail_goes_out_once_when_the_task_runs_twice(mailoutbox):
    make_person("ngo")
    application = announced()
    assert services.accession_announcement_mail(application_id=application.pk) == 1
    assert services.accession_announcement_mail(application_id=application.pk) == 0
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("days", [0, -3])
def test_the_deadline_lies_in_the_future(days):
    secretariat = make_person("secretariat")
    application = AccessionApplicationFactory()
    before = state()
    with pytest.raises(ValidationError) as raised:
        services.accession_announce(
            application=application,
            response_deadline=timezone.localdate() + dt.timedelta(days=days),
            actor=secretariat,
        )
    assert "future" in raised.value.message_dict["response_deadline"][0]
    assert state() == before


@pytest.mark.parametrize("role", ["ngo", "company_admin", "kerngroep", "chair"])
def test_only_the_secretariat_announces(role):
    application = AccessionApplicationFactory()
    actor = make_person(role)
    before = state()
    with pytest.raises(PermissionDenied):
        services.accession_announce(
            application=application,
            response_deadline=timezone.localdate() + dt.timedelta(days=10),
            actor=actor,
        )
    assert state() == before


def test_an_application_is_announced_once():
    application = announced()
    secretariat = make_person("secretariat")
    before = state()
    with pytest.raises(ValidationError):
        services.accession_announce(
            application=application,
            response_deadline=timezone.localdate() + dt.timedelta(days=10),
            actor=secretariat,
        )
    assert state() == before


# --- Responding and answering --------------------------------------------------------------


def test_a_party_asks_a_question_and_the_secretariat_answers(
    mailoutbox, django_capture_on_commit_callbacks
):
    secretariat = make_person("secretariat")
    ngo = make_person("ngo")
    application = announced()

    with django_capture_on_commit_callbacks(execute=True):
        response = services.accession_respond(
            application=application,
            kind="question",
            text="  Hoe betrekt u uw leveranciers in Zuid-Amerika?  ",
            actor=ngo,
        )
    assert response.organisation == ngo.organisation
    assert response.text == "Hoe betrekt u uw leveranciers in Zuid-Amerika?"
    assert [m.to for m in mailoutbox] == [[secretariat.email]]

    with django_capture_on_commit_callbacks(execute=True):
        services.accession_answer(
            response=response,
            answer="Via hun brancheorganisatie; zie de bijlage.",
            actor=secretariat,
        )
    response.refresh_from_db()
    assert response.answered_by == secretariat
    assert response.answered_at is not None
    assert mailoutbox[-1].to == [ngo.email]
    assert "Via hun brancheorganisatie" in mailoutbox[-1].body

    before = state()
    with pytest.raises(ValidationError):
        services.accession_answer(
            response=response, answer="Nog eens", actor=secretariat
        )
    assert state() == before


def test_the_deadline_day_itself_is_open_and_the_day_after_is_closed():
    ngo = make_person("ngo")
    application = announced()
    application.response_deadline = timezone.localdate()
    application.save()
    services.accession_respond(
        application=application, kind="hearing", text="Graag horen", actor=ngo
    )
    past_deadline(application)
    before = state()
    with pytest.raises(ValidationError) as raised:
        services.accession_respond(
            application=application, kind="question", text="Te laat", actor=ngo
        )
    assert "ended" in raised.value.messages[0]
    assert state() == before


@pytest.mark.parametrize("role", ["secretariat", "government", "chair"])
def test_only_parties_respond(role):
    application = announced()
    actor = make_person(role)
    before = state()
    with pytest.raises(PermissionDenied):
        services.accession_respond(
            application=application, kind="question", text="Vraag", actor=actor
        )
    assert state() == before


def test_a_supporter_does_not_respond():
    supporter = OrganisationFactory(
        kind="ngo", fte=None, csrd_category="", participation="supporter"
    )
    person = UserFactory(organisation=supporter, organisation_role="admin")
    application = announced()
    before = state()
    with pytest.raises(PermissionDenied):
        services.accession_respond(
            application=application, kind="question", text="Vraag", actor=person
        )
    assert state() == before


@pytest.mark.parametrize(
    ("setup", "kind", "text"),
    [
        ("submitted", "question", "Vraag"),
        ("announced", "question", "   "),
        ("announced", "complaint", "Vraag"),
    ],
)
def test_a_response_needs_an_announced_application_a_kind_and_a_text(setup, kind, text):
    ngo = make_person("ngo")
    application = announced() if setup == "announced" else AccessionApplicationFactory()
    before = state()
    with pytest.raises(ValidationError):
        services.accession_respond(
            application=application, kind=kind, text=text, actor=ngo
        )
    assert state() == before


# --- To the Kerngroep, and withdrawing ---------------------------------------------------------


def test_the_application_goes_to_the_kerngroep_only_after_the_deadline():
    secretariat = make_person("secretariat")
    application = announced()
    before = state()
    with pytest.raises(ValidationError) as raised:
        services.accession_put_to_kerngroep(application=application, actor=secretariat)
    assert "after that day" in raised.value.messages[0]
    assert state() == before

    past_deadline(application)
    decision = services.accession_put_to_kerngroep(
        application=application, actor=secretariat
    )
    application.refresh_from_db()
    assert application.status == AccessionStatus.WITH_KERNGROEP
    assert decision_for(application) == decision
    assert decision.status == DecisionStatus.OPEN
    assert application.organisation.name in decision.title
    assert application.organisation.name in decision.proposal


def test_withdrawing_ends_the_application_and_the_applicant():
    secretariat = make_person("secretariat")
    application = announced()
    services.accession_withdraw(application=application, actor=secretariat)
    application.refresh_from_db()
    assert application.status == AccessionStatus.WITHDRAWN
    assert application.closed_at is not None
    assert application.organisation.status == OrganisationStatus.WITHDRAWN


def test_an_application_with_the_kerngroep_cannot_be_withdrawn():
    secretariat = make_person("secretariat")
    application = past_deadline(announced())
    services.accession_put_to_kerngroep(application=application, actor=secretariat)
    before = state()
    with pytest.raises(ValidationError):
        services.accession_withdraw(application=application, actor=secretariat)
    assert state() == before


# --- The Kerngroep's decision ---------------------------------------------------------------------


def with_the_kerngroep(**kwargs):
    secretariat = make_person("secretariat")
    application = past_deadline(announced(**kwargs))
    decision = services.accession_put_to_kerngroep(
        application=application, actor=secretariat
    )
    return application, decision, secretariat


def test_approval_makes_the_company_a_party_invites_its_contact_and_starts_its_contribution(
    mailoutbox, django_capture_on_commit_callbacks
):
    application, decision, secretariat = with_the_kerngroep()
    decided_on = timezone.localdate() - dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        decision_finalise(
            decision=decision,
            outcome="adopted",
            actor=secretariat,
            decided_on=decided_on,
        )

    application.refresh_from_db()
    organisation = application.organisation
    organisation.refresh_from_db()
    assert application.status == AccessionStatus.APPROVED
    assert application.signed_on == decided_on
    assert organisation.status == OrganisationStatus.ACTIVE
    assert organisation.signed_on == decided_on
    assert organisation.participation == "party"
    invitation = Invitation.objects.get(organisation=organisation)
    assert invitation.email == application.contact_email
    assert invitation.role == "admin"
    assert (invitation.first_name, invitation.last_name) == ("Sanne", "de Vries")
    assert [m.to for m in mailoutbox] == [[application.contact_email]]
    year = AgreementYear.objects.get(starts_on__lte=decided_on, ends_on__gte=decided_on)
    contribution = Contribution.objects.get(organisation=organisation)
    assert contribution.agreement_year == year
    band = next(
        b for b in FteBand.objects.filter(agreement=year.agreement) if b.covers(120)
    )
    assert contribution.amount == band.amount


def test_approval_of_a_supporter_charges_the_supporter_contribution():
    organisation = OrganisationFactory(
        name="Stichting Kennis Metaalketen",
        kind="ngo",
        fte=None,
        csrd_category="",
        participation="supporter",
        status=OrganisationStatus.APPLICANT,
        signed_on=None,
    )
    _application, decision, _secretariat = with_the_kerngroep(organisation=organisation)
    # A Kerngroep member settles the vote; the secretariat carries the decision out.
    member = KerngroepSeatFactory().regular_representative
    decision_finalise(decision=decision, outcome="adopted", actor=member)

    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.ACTIVE
    assert organisation.participation == "supporter"
    contribution = Contribution.objects.get(organisation=organisation)
    assert contribution.amount == Decimal("1000.00")
    assert Invitation.objects.get(organisation=organisation).invited_by == (
        decision.created_by
    )
    assert AuditEntry.objects.get(action="accession.decided").actor == member


def test_approval_invites_nobody_when_the_contact_has_an_account_already():
    application, decision, secretariat = with_the_kerngroep()
    UserFactory(email=application.contact_email)
    decision_finalise(decision=decision, outcome="adopted", actor=secretariat)
    application.refresh_from_db()
    assert application.status == AccessionStatus.APPROVED
    assert not Invitation.objects.filter(organisation=application.organisation).exists()


def test_a_decision_on_an_application_that_is_not_with_the_kerngroep_is_refused():
    secretariat = make_person("secretariat")
    application = AccessionApplicationFactory()
    decision = decision_open(
        subject=application, title="Toetreding", proposal="Toelaten", actor=secretariat
    )
    before = state()
    with pytest.raises(ValidationError):
        decision_finalise(decision=decision, outcome="adopted", actor=secretariat)
    assert state() == before


def test_rejection_ends_the_application_and_tells_the_contact(
    mailoutbox, django_capture_on_commit_callbacks
):
    application, decision, secretariat = with_the_kerngroep()
    with django_capture_on_commit_callbacks(execute=True):
        decision_finalise(decision=decision, outcome="rejected", actor=secretariat)

    application.refresh_from_db()
    assert application.status == AccessionStatus.REJECTED
    assert application.organisation.status == OrganisationStatus.WITHDRAWN
    assert application.signed_on is None
    assert not Invitation.objects.exists()
    assert not Contribution.objects.filter(
        organisation=application.organisation
    ).exists()
    assert [m.to for m in mailoutbox] == [[application.contact_email]]
    assert "not approved" in mailoutbox[0].body


# --- Signatures -----------------------------------------------------------------------------------


def supporter_admin(role: str = "admin"):
    organisation = OrganisationFactory(
        name="Stichting Kennis Metaalketen",
        kind="ngo",
        fte=None,
        csrd_category="",
        participation="supporter",
    )
    return UserFactory(organisation=organisation, organisation_role=role)


def test_a_supporter_admin_signs_each_text_once():
    admin = supporter_admin()
    signature = services.signature_sign(
        organisation=admin.organisation, document="supporter_declaration", actor=admin
    )
    assert (signature.version, signature.signed_by) == ("2025-1", admin)
    assert AuditEntry.objects.filter(action="signature.sign").count() == 1
    before = state()
    with pytest.raises(ValidationError):
        services.signature_sign(
            organisation=admin.organisation,
            document="supporter_declaration",
            actor=admin,
        )
    assert state() == before


def test_signing_the_protocol_makes_it_a_valid_confidentiality_agreement():
    from governance.permissions import confidentiality_valid

    admin = supporter_admin()
    organisation = admin.organisation
    assert not confidentiality_valid(organisation, kind="protocol")

    services.signature_sign(
        organisation=organisation, document="confidentiality_protocol", actor=admin
    )

    agreement = organisation.confidentiality_agreements.get()
    assert (agreement.kind, agreement.text_version, agreement.signed_by) == (
        "protocol",
        "2025-1",
        admin,
    )
    assert confidentiality_valid(organisation, kind="protocol")


def test_a_new_version_of_a_text_is_signed_again(monkeypatch):
    admin = supporter_admin()
    SignatureFactory(organisation=admin.organisation, signed_by=admin)
    monkeypatch.setitem(
        services.CURRENT_TEXT_VERSIONS, "supporter_declaration", "2026-1"
    )
    signature = services.signature_sign(
        organisation=admin.organisation, document="supporter_declaration", actor=admin
    )
    assert signature.version == "2026-1"
    assert Signature.objects.filter(organisation=admin.organisation).count() == 2


@pytest.mark.parametrize("who", ["member", "party_admin", "secretariat"])
def test_only_a_supporter_admin_signs(who):
    if who == "member":
        actor = supporter_admin(role="member")
        organisation = actor.organisation
    elif who == "party_admin":
        actor = make_person("ngo")
        organisation = actor.organisation
    else:
        actor = make_person("secretariat")
        organisation = supporter_admin().organisation
    before = state()
    with pytest.raises(PermissionDenied):
        services.signature_sign(
            organisation=organisation, document="supporter_declaration", actor=actor
        )
    assert state() == before
