"""Accession (art. 41, 69-72) and the supporter's signatures (art. 40b, annex).

An organisation applies with a motivation letter; the secretariat checks the application
and announces it to the parties, who may raise questions or ask for the applicant to be
heard until a deadline; then the secretariat puts it to the Kerngroep. What the
Kerngroep's final outcome does is `_accession_decided`, registered with `on_decided`.
Supporters sign the current version of the supporter declaration and of the
confidentiality protocol.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from convenant.audit import audit_record
from convenant.selectors import agreement_current, agreement_year_on
from monitoring.evidence import CheckedUpload, check_upload, display_name

from .. import permissions
from ..models import (
    CURRENT_TEXT_VERSIONS,
    PARTY_KINDS,
    AccessionApplication,
    AccessionResponse,
    AccessionStatus,
    ConfidentialityAgreement,
    ConfidentialityKind,
    Contribution,
    Decision,
    FinalOutcome,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    OrganisationStatus,
    Participation,
    ResponseKind,
    Signature,
    SignedDocument,
    User,
)
from . import _fte_band_for, invitation_create, organisation_change_status
from .confidentiality import agreement_term_end
from .decisions import decision_open, on_decided

# A motivation letter is a PDF or a Word document, judged by its content.
LETTER_TYPES = frozenset(
    {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/msword",
    }
)
DEFAULT_RESPONSE_WEEKS = 4
SENT_MARKER_SECONDS = 7 * 24 * 60 * 60


# --- Applying ------------------------------------------------------------------------


def _check_letter(letter) -> CheckedUpload:
    if letter is None:
        raise ValidationError(
            {"letter": _("Add the motivation letter, as a PDF or Word document.")}
        )
    not_a_letter = _("“%(name)s” is not a PDF or Word document, judged by its content.")
    try:
        checked = check_upload(letter)
    except ValidationError as error:
        if error.code == "type":
            raise ValidationError(
                {"letter": not_a_letter % {"name": display_name(letter.name)}}
            ) from None
        raise ValidationError({"letter": error.messages}) from None
    if checked.content_type not in LETTER_TYPES:
        raise ValidationError(
            {"letter": not_a_letter % {"name": checked.original_name}}
        )
    return checked


def _check_not_known(*, name: str, kvk_number: str | None) -> None:
    """An organisation that takes part, or has applied already, cannot apply again."""
    known = Organisation.objects.none()
    if kvk_number:
        known = Organisation.objects.filter(kvk_number=kvk_number)
        existing = known.first()
        if existing is not None:
            if existing.status in {
                OrganisationStatus.ACTIVE,
                OrganisationStatus.WITHDRAWING,
            }:
                message = _(
                    "An organisation with KvK number %(kvk)s already takes part in the "
                    "agreement. Ask its administrator for an account instead."
                )
            elif existing.status == OrganisationStatus.APPLICANT:
                message = _(
                    "An application for KvK number %(kvk)s is already being handled. "
                    "The secretariat will contact you about it."
                )
            elif existing.signed_on is None:
                message = _(
                    "An earlier application for KvK number %(kvk)s was closed. "
                    "Contact the secretariat to apply again."
                )
            else:
                message = _(
                    "An organisation with KvK number %(kvk)s took part before. "
                    "Contact the secretariat to join again."
                )
            raise ValidationError({"kvk_number": message % {"kvk": kvk_number}})
    taking_part = Organisation.objects.filter(
        name__iexact=name.strip(),
        status__in=[OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING],
    ).exclude(participation=Participation.NONE)
    if taking_part.exists():
        raise ValidationError(
            {
                "name": _(
                    "“%(name)s” already takes part in the agreement. Ask its "
                    "administrator for an account instead."
                )
                % {"name": name.strip()}
            }
        )


@transaction.atomic
def accession_apply(
    *,
    name: str,
    kind: str,
    kvk_number: str | None,
    country: str,
    fte: int | None,
    in_metal_supply_chain: bool,
    participation: str,
    contact_name: str,
    contact_email: str,
    letter,
    endorsement_confirmed: bool,
    actor: User | None = None,
    request=None,
) -> AccessionApplication:
    """Record an application to accede (art. 70): the organisation is created with the
    status "applicant" and the participation it asks for, and the secretariat is told by
    mail. Anybody may apply, signed in or not. Raises ValidationError with per-field
    messages and saves nothing when the organisation is known already, its details break
    a rule (a company in metal supply chains cannot be a supporter, art. 40b), the letter
    is no PDF or Word document, or the endorsement is not confirmed."""
    errors: dict[str, list[str]] = {}
    if kind not in PARTY_KINDS:
        errors["kind"] = [
            _("Choose a company, NGO, trade union or branch organisation.")
        ]
    if participation not in (Participation.PARTY, Participation.SUPPORTER):
        errors["participation"] = [_("Choose party or supporter.")]
    if not endorsement_confirmed:
        errors["endorsement_confirmed"] = [
            _(
                "Confirm that the organisation endorses the OECD Guidelines and frees "
                "enough capacity for due diligence (art. 70)."
            )
        ]
    kvk_number = (kvk_number or "").strip() or None
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        kvk_number=kvk_number,
        country=country,
        fte=fte if kind == OrganisationKind.COMPANY else None,
        in_metal_supply_chain=in_metal_supply_chain,
        participation=participation,
        status=OrganisationStatus.APPLICANT,
    )
    for check in (
        # The KvK number's uniqueness is checked with a message that says what to do
        # (below); a race between two applications meets the constraint on save.
        lambda: organisation.full_clean(validate_constraints=False),
        lambda: _check_not_known(name=name, kvk_number=kvk_number),
    ):
        try:
            check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(
                    m for m in messages if m not in errors.get(field, [])
                )
    try:
        checked = _check_letter(letter)
    except ValidationError as error:
        errors.setdefault("letter", []).extend(error.message_dict["letter"])
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        # Two applications with one KvK number at the same moment: the second one
        # meets the unique constraint.
        raise ValidationError(
            {"kvk_number": _("Another organisation already has this KvK number.")}
        ) from None
    signed_in = actor if actor is not None and actor.is_authenticated else None
    application = AccessionApplication(
        organisation=organisation,
        participation=participation,
        letter_name=checked.original_name,
        letter_type=checked.content_type,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip().lower(),
        endorsement_confirmed=True,
        submitted_by=signed_in,
    )
    application.letter.save("letter", letter, save=False)
    application.full_clean()
    application.save()
    audit_record(
        actor=signed_in,
        action="accession.apply",
        obj=application,
        organisation=organisation,
        request=request,
        details={"participation": participation, "kind": kind},
    )
    from ..tasks import send_accession_received

    transaction.on_commit(lambda: send_accession_received.delay(application.pk))
    return application


# --- The secretariat -------------------------------------------------------------------


def _locked(application: AccessionApplication) -> AccessionApplication:
    return (
        AccessionApplication.objects.select_for_update()
        .select_related("organisation")
        .get(pk=application.pk)
    )


def _require_status(application: AccessionApplication, *allowed: str) -> None:
    if application.status not in allowed:
        raise ValidationError(
            _("This application is “%(status)s”; that is not possible now.")
            % {"status": application.get_status_display()}
        )


def default_response_deadline(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(weeks=DEFAULT_RESPONSE_WEEKS)


@transaction.atomic
def accession_announce(
    *,
    application: AccessionApplication,
    response_deadline: dt.date,
    actor: User,
    request=None,
) -> AccessionApplication:
    """Record that the secretariat checked a submitted application and announce it to
    every party (art. 71): their people may raise questions or ask for a hearing until
    `response_deadline` (inclusive), which lies in the future. The admins of every
    party that takes part get a mail."""
    if not permissions.can_review_accessions(actor):
        raise PermissionDenied
    application = _locked(application)
    _require_status(application, AccessionStatus.SUBMITTED)
    if response_deadline is None or response_deadline <= timezone.localdate():
        raise ValidationError(
            {"response_deadline": _("The deadline for responses lies in the future.")}
        )
    now = timezone.now()
    application.status = AccessionStatus.ANNOUNCED
    application.checked_by = actor
    application.checked_at = now
    application.announced_at = now
    application.response_deadline = response_deadline
    application.full_clean()
    application.save()
    audit_record(
        actor=actor,
        action="accession.announce",
        obj=application,
        organisation=application.organisation,
        request=request,
        details={"deadline": response_deadline.isoformat()},
    )
    from ..tasks import send_accession_announcement

    transaction.on_commit(lambda: send_accession_announcement.delay(application.pk))
    return application


@transaction.atomic
def accession_respond(
    *,
    application: AccessionApplication,
    kind: str,
    text: str,
    actor: User,
    request=None,
) -> AccessionResponse:
    """A party's question, or its request that the applicant is heard first (art. 71),
    until the deadline (inclusive). The secretariat gets a mail."""
    if not permissions.can_respond_to_accessions(actor):
        raise PermissionDenied
    application = _locked(application)
    if application.status != AccessionStatus.ANNOUNCED:
        raise ValidationError(_("This application no longer takes questions."))
    if not application.responses_open_on(timezone.localdate()):
        raise ValidationError(
            _("The period for questions and hearing requests ended on %(date)s.")
            % {"date": application.response_deadline.isoformat()}
        )
    if kind not in ResponseKind.values:
        raise ValidationError({"kind": _("Choose a question or a hearing request.")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your question or your reason.")})
    response = AccessionResponse(
        application=application,
        organisation=actor.organisation,
        kind=kind,
        text=text,
        created_by=actor,
    )
    response.full_clean()
    response.save()
    audit_record(
        actor=actor,
        action="accession.respond",
        obj=response,
        organisation=actor.organisation,
        request=request,
        details={"application": application.pk, "kind": kind},
    )
    from ..tasks import send_accession_response_notice

    transaction.on_commit(lambda: send_accession_response_notice.delay(response.pk))
    return response


@transaction.atomic
def accession_answer(
    *, response: AccessionResponse, answer: str, actor: User, request=None
) -> AccessionResponse:
    """The secretariat's answer to a party's question or hearing request, once; the
    party's person who asked gets a mail."""
    if not permissions.can_review_accessions(actor):
        raise PermissionDenied
    response = (
        AccessionResponse.objects.select_for_update()
        .select_related("application")
        .get(pk=response.pk)
    )
    if response.answered_at is not None:
        raise ValidationError(_("This has been answered already."))
    if response.application.status not in (
        AccessionStatus.ANNOUNCED,
        AccessionStatus.WITH_KERNGROEP,
    ):
        raise ValidationError(_("This application is closed."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    response.answer = answer
    response.answered_by = actor
    response.answered_at = timezone.now()
    response.full_clean()
    response.save()
    audit_record(
        actor=actor,
        action="accession.answer",
        obj=response,
        organisation=response.organisation,
        request=request,
        details={"application": response.application_id},
    )
    from ..tasks import send_accession_answer

    transaction.on_commit(lambda: send_accession_answer.delay(response.pk))
    return response


def _proposal(application: AccessionApplication) -> str:
    organisation = application.organisation
    return _(
        "%(name)s (%(kind)s, %(country)s) asks to accede to the agreement as a "
        "%(participation)s. The secretariat checked the motivation letter and announced "
        "the application to the parties on %(announced)s; they could respond until "
        "%(deadline)s (%(questions)d questions, %(hearings)d hearing requests). "
        "Proposal: admit %(name)s as a %(participation)s."
    ) % {
        "name": organisation.name,
        "kind": organisation.get_kind_display(),
        "country": organisation.country.name,
        "participation": application.get_participation_display().lower(),
        "announced": timezone.localtime(application.announced_at).date().isoformat(),
        "deadline": application.response_deadline.isoformat(),
        "questions": application.responses.filter(kind=ResponseKind.QUESTION).count(),
        "hearings": application.responses.filter(kind=ResponseKind.HEARING).count(),
    }


@transaction.atomic
def accession_put_to_kerngroep(
    *, application: AccessionApplication, actor: User, request=None
) -> Decision:
    """Open the Kerngroep's decision on an announced application once the period for
    questions and hearing requests has ended (art. 72)."""
    if not permissions.can_review_accessions(actor):
        raise PermissionDenied
    application = _locked(application)
    _require_status(application, AccessionStatus.ANNOUNCED)
    if application.responses_open_on(timezone.localdate()):
        raise ValidationError(
            _(
                "The parties may respond until %(date)s; put the application to the "
                "Kerngroep after that day."
            )
            % {"date": application.response_deadline.isoformat()}
        )
    decision = decision_open(
        subject=application,
        title=_("Accession of %(name)s as a %(participation)s")
        % {
            "name": application.organisation.name,
            "participation": application.get_participation_display().lower(),
        },
        proposal=_proposal(application),
        actor=actor,
        request=request,
    )
    application.status = AccessionStatus.WITH_KERNGROEP
    application.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="accession.to_kerngroep",
        obj=application,
        organisation=application.organisation,
        request=request,
        details={"decision": decision.pk},
    )
    return decision


@transaction.atomic
def accession_withdraw(
    *, application: AccessionApplication, actor: User, request=None
) -> AccessionApplication:
    """Close an application on the applicant's request, before it goes to the
    Kerngroep; the applicant organisation ends as withdrawn."""
    if not permissions.can_review_accessions(actor):
        raise PermissionDenied
    application = _locked(application)
    _require_status(application, AccessionStatus.SUBMITTED, AccessionStatus.ANNOUNCED)
    organisation_change_status(
        organisation=application.organisation,
        status=OrganisationStatus.WITHDRAWN,
        actor=actor,
        request=request,
    )
    application.status = AccessionStatus.WITHDRAWN
    application.closed_at = timezone.now()
    application.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=actor,
        action="accession.withdraw",
        obj=application,
        organisation=application.organisation,
        request=request,
    )
    return application


# --- The Kerngroep's decision ------------------------------------------------------------


def _start_contribution(organisation: Organisation, signed_on: dt.date) -> str:
    """The contribution of the agreement year the organisation signed in, when it pays
    one; returns what happened, for the audit entry."""
    if not organisation.pays_contribution:
        return "none owed"
    agreement = agreement_current()
    year = agreement_year_on(agreement=agreement, day=signed_on) if agreement else None
    if year is None:
        return "no agreement year"
    if Contribution.objects.filter(
        organisation=organisation, agreement_year=year
    ).exists():
        return "exists"
    if organisation.participation == Participation.SUPPORTER:
        amount = agreement.supporter_contribution
    else:
        band = _fte_band_for(
            organisation.fte or 0, list(agreement.fte_bands.order_by("min_fte"))
        )
        if band is None:
            # The bands are the secretariat's to fix; the accession itself stands.
            return "no FTE band"
        amount = band.amount
    contribution = Contribution(
        organisation=organisation,
        agreement_year=year,
        fte=organisation.fte,
        amount=amount,
    )
    contribution.full_clean()
    contribution.save()
    return f"year {year.number}: {amount}"


@on_decided(AccessionApplication)
def _accession_decided(decision: Decision, *, actor: User) -> None:
    """Adopted: the organisation accedes on the decision's date with the participation
    it asked for, its contact person is invited as its first admin and its contribution
    for that agreement year starts. Rejected: the application and the organisation end,
    and the contact person is told by mail."""
    application = (
        AccessionApplication.objects.select_for_update()
        .select_related("organisation")
        .get(pk=decision.subject_id)
    )
    if application.status != AccessionStatus.WITH_KERNGROEP:
        raise ValidationError(
            _("This application is not with the Kerngroep; it is “%(status)s”.")
            % {"status": application.get_status_display()}
        )
    # The secretariat carries out the Kerngroep's decisions. The person who settles the
    # vote may be a Kerngroep member, who may not change organisations or invite
    # people; the follow-up is then done in the name of the secretariat member who put
    # the application to the Kerngroep.
    executor = actor if permissions.is_secretariat(actor) else decision.created_by
    organisation = application.organisation
    application.closed_at = timezone.now()
    if decision.outcome == FinalOutcome.ADOPTED:
        signed_on = decision.decided_on
        organisation = organisation_change_status(
            organisation=organisation,
            status=OrganisationStatus.ACTIVE,
            signed_on=signed_on,
            actor=executor,
        )
        application.status = AccessionStatus.APPROVED
        application.signed_on = organisation.signed_on
        invited = "existing account"
        if not User.objects.filter(email__iexact=application.contact_email).exists():
            first, _space, last = application.contact_name.partition(" ")
            invitation_create(
                organisation=organisation,
                email=application.contact_email,
                role=OrganisationRole.ADMIN,
                first_name=first,
                last_name=last,
                actor=executor,
            )
            invited = application.contact_email
        contribution = _start_contribution(organisation, organisation.signed_on)
        details = {
            "outcome": "approved",
            "signed_on": organisation.signed_on.isoformat(),
            "invited": invited,
            "contribution": contribution,
        }
    else:
        organisation_change_status(
            organisation=organisation,
            status=OrganisationStatus.WITHDRAWN,
            actor=executor,
        )
        application.status = AccessionStatus.REJECTED
        details = {"outcome": "rejected"}
        from ..tasks import send_accession_rejected

        transaction.on_commit(lambda: send_accession_rejected.delay(application.pk))
    application.full_clean()
    application.save()
    audit_record(
        actor=actor,
        action="accession.decided",
        obj=application,
        organisation=organisation,
        details={"decision": decision.pk, **details},
    )


# --- The supporter's signatures ------------------------------------------------------------


@transaction.atomic
def signature_sign(
    *, organisation: Organisation, document: str, actor: User, request=None
) -> Signature:
    """Sign the current version of a text on behalf of a supporter organisation. Only
    its admin may, while it takes part as a supporter; a version is signed once."""
    if not (
        permissions.can_sign_supporter_texts(actor)
        and actor.organisation_id == organisation.pk
    ):
        raise PermissionDenied
    if document not in SignedDocument.values:
        raise ValidationError(_("There is no such text to sign."))
    version = CURRENT_TEXT_VERSIONS[document]
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if Signature.objects.filter(
        organisation=organisation, document=document, version=version
    ).exists():
        raise ValidationError(
            _("%(organisation)s has signed version %(version)s of this text already.")
            % {"organisation": organisation.name, "version": version}
        )
    signature = Signature(
        organisation=organisation,
        document=document,
        version=version,
        signed_by=actor,
    )
    signature.full_clean()
    signature.save()
    if document == SignedDocument.CONFIDENTIALITY_PROTOCOL:
        # The protocol is the supporter's confidentiality agreement: access that
        # depends on one asks the agreements, so the signature is recorded there too.
        agreement = ConfidentialityAgreement(
            organisation=organisation,
            kind=ConfidentialityKind.PROTOCOL,
            text_version=version,
            signed_by_name=actor.get_full_name() or actor.email,
            signed_by=actor,
            signed_on=timezone.localdate(),
            valid_from=timezone.localdate(),
            valid_until=agreement_term_end(),
            recorded_by=actor,
        )
        agreement.full_clean()
        agreement.save()
    audit_record(
        actor=actor,
        action="signature.sign",
        obj=signature,
        organisation=organisation,
        request=request,
        details={"document": document, "version": version},
    )
    return signature


# --- Mail ----------------------------------------------------------------------------------


def _link(name: str, **kwargs: Any) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)


def _send_once(key: str, recipients: list[str], template: str, context: dict) -> int:
    """Send one mail per recipient from `template`_subject/_body.txt, once per `key`:
    a task delivered twice sends nothing the second time."""
    recipients = sorted(set(recipients))
    if not recipients or not cache.add(key, 1, SENT_MARKER_SECONDS):
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(
            f"governance/email/{template}_subject.txt", context
        ).strip()
        body = render_to_string(f"governance/email/{template}_body.txt", context)
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        for email in recipients
    ]
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        cache.delete(key)  # not sent: a retry may try again
        raise


def _application(application_id: int) -> AccessionApplication:
    return AccessionApplication.objects.select_related("organisation").get(
        pk=application_id
    )


def _secretariat_emails() -> list[str]:
    return list(
        User.objects.filter(
            is_active=True, organisation__kind=OrganisationKind.SECRETARIAT
        ).values_list("email", flat=True)
    )


def accession_received_mail(*, application_id: int) -> int:
    """Tell the secretariat that an application came in."""
    application = _application(application_id)
    return _send_once(
        f"governance:accession-received:{application.pk}",
        _secretariat_emails(),
        "accession_received",
        {
            "application": application,
            "link": _link("governance:accession_detail", pk=application.pk),
        },
    )


def accession_announcement_mail(*, application_id: int) -> int:
    """Tell the admins of every party that takes part about an announced application."""
    application = _application(application_id)
    recipients = list(
        User.objects.filter(
            is_active=True,
            organisation_role=OrganisationRole.ADMIN,
            organisation__participation=Participation.PARTY,
            organisation__status__in=[
                OrganisationStatus.ACTIVE,
                OrganisationStatus.WITHDRAWING,
            ],
        )
        .exclude(organisation=application.organisation)
        .values_list("email", flat=True)
    )
    return _send_once(
        f"governance:accession-announced:{application.pk}",
        recipients,
        "accession_announced",
        {
            "application": application,
            "link": _link("governance:accession_detail", pk=application.pk),
        },
    )


def accession_response_notice_mail(*, response_id: int) -> int:
    """Tell the secretariat that a party asked a question or a hearing."""
    response = AccessionResponse.objects.select_related(
        "application__organisation", "organisation"
    ).get(pk=response_id)
    return _send_once(
        f"governance:accession-response:{response.pk}",
        _secretariat_emails(),
        "accession_response",
        {
            "response": response,
            "application": response.application,
            "link": _link("governance:accession_detail", pk=response.application_id),
        },
    )


def accession_answer_mail(*, response_id: int) -> int:
    """Tell the person who asked that the secretariat answered."""
    response = AccessionResponse.objects.select_related(
        "application__organisation", "created_by"
    ).get(pk=response_id)
    recipients = [response.created_by.email] if response.created_by.is_active else []
    return _send_once(
        f"governance:accession-answer:{response.pk}",
        recipients,
        "accession_answer",
        {
            "response": response,
            "application": response.application,
            "link": _link("governance:accession_detail", pk=response.application_id),
        },
    )


def accession_rejected_mail(*, application_id: int) -> int:
    """Tell the applicant's contact person that the Kerngroep did not approve."""
    application = _application(application_id)
    if application.status != AccessionStatus.REJECTED:
        return 0
    return _send_once(
        f"governance:accession-rejected:{application.pk}",
        [application.contact_email],
        "accession_rejected",
        {"application": application},
    )


__all__ = [
    "DEFAULT_RESPONSE_WEEKS",
    "accession_announce",
    "accession_answer",
    "accession_apply",
    "accession_put_to_kerngroep",
    "accession_respond",
    "accession_withdraw",
    "default_response_deadline",
    "signature_sign",
]
