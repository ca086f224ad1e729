"""Writes for confidentiality agreements, modules and their participants, and the
yearly documents.

Each service checks who acts, validates, saves, writes an audit entry. Files are
recognised by their content (monitoring.evidence.check_upload) and kept in private
storage under a random name; a replaced file is removed once the change is committed.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.audit import audit_record
from convenant.models import AgreementYear
from convenant.selectors import agreement_current
from monitoring.evidence import CheckedUpload, check_upload

from .. import permissions
from ..models import Organisation
from ..models.confidentiality import (
    YEARLY_DOCUMENT_TRANSITIONS,
    ConfidentialityAgreement,
    ConfidentialityKind,
    Module,
    ModuleParticipation,
    YearlyDocument,
    YearlyDocumentStatus,
)

# The NDA text people sign in the platform; its wording lives in
# templates/governance/confidentiality/texts/nda_<version>.html. A new wording gets a
# new version and file, so that every signature names the text it was given.
CURRENT_NDA_VERSION = "2025-1"

PDF = "application/pdf"
WORD = frozenset(
    {
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)


def nda_template(version: str = CURRENT_NDA_VERSION) -> str:
    return f"governance/confidentiality/texts/nda_{version}.html"


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _checked(file: UploadedFile, field: str, allowed: set[str] | frozenset[str]):
    try:
        checked: CheckedUpload = check_upload(file)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    if checked.content_type not in allowed:
        kinds = _("a PDF") if allowed == {PDF} else _("a PDF or Word document")
        raise ValidationError(
            {
                field: _("“%(name)s” is not %(kinds)s, judged by its content.")
                % {"name": checked.original_name, "kinds": kinds}
            }
        )
    return checked


def _delete_on_commit(field_file, name: str) -> None:
    if name:
        storage = field_file.storage
        transaction.on_commit(lambda: storage.delete(name))


def agreement_term_end() -> dt.date | None:
    """The last day of the agreement's term: where an agreement without its own end
    date stops."""
    agreement = agreement_current()
    return agreement.ends_on if agreement is not None else None


# --- Confidentiality agreements ---------------------------------------------------------


def _require_holder(organisation: Organisation) -> None:
    if not permissions.can_hold_confidentiality(organisation):
        raise ValidationError(
            {
                "organisation": _(
                    "%(name)s is not an NGO, trade union or supporter; only they sign "
                    "confidentiality agreements."
                )
                % {"name": organisation.name}
            }
        )


@transaction.atomic
def confidentiality_record(
    *,
    organisation: Organisation,
    kind: str,
    text_version: str,
    signed_by_name: str,
    signed_on: dt.date,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    scan: UploadedFile | None = None,
    actor,
    request: HttpRequest | None = None,
) -> ConfidentialityAgreement:
    """The secretariat records an agreement signed on paper, optionally with the
    scanned signed copy (a PDF). It holds from `valid_from` (the signing date when not
    given) until `valid_until` (the end of the agreement's term when not given)."""
    _require(permissions.can_manage_confidentiality(actor))
    _require_holder(organisation)
    checked = _checked(scan, "scan", {PDF}) if scan is not None else None
    item = ConfidentialityAgreement(
        organisation=organisation,
        kind=kind,
        text_version=(text_version or "").strip(),
        signed_by_name=(signed_by_name or "").strip(),
        signed_on=signed_on,
        valid_from=valid_from or signed_on,
        valid_until=valid_until or agreement_term_end(),
        recorded_by=actor,
    )
    item.full_clean(exclude=["scan"])
    if checked is not None:
        item.scan.save("upload", scan, save=False)
        item.scan_name = checked.original_name
        stored = str(item.scan.name)
    else:
        stored = ""
    try:
        item.save()
        audit_record(
            actor=actor,
            action="governance.confidentiality_record",
            obj=item,
            organisation=organisation,
            request=request,
            details={
                "kind": kind,
                "version": item.text_version,
                "valid_from": item.valid_from.isoformat(),
                "valid_until": item.valid_until.isoformat()
                if item.valid_until
                else None,
                "scan": bool(stored),
            },
        )
    except Exception:
        if stored:
            item.scan.storage.delete(stored)
        raise
    return item


@transaction.atomic
def confidentiality_sign(
    *,
    organisation: Organisation,
    on_behalf: bool,
    actor,
    request: HttpRequest | None = None,
) -> ConfidentialityAgreement:
    """An administrator of an NGO, union or supporter signs the current NDA text in
    the platform for the organisation. It holds from today until the end of the
    agreement's term; the signature records who, when and which text."""
    _require(
        permissions.can_sign_confidentiality(actor)
        and actor.organisation_id == organisation.pk
    )
    if not on_behalf:
        raise ValidationError(
            {
                "on_behalf": _(
                    "Tick the box to confirm that you sign on behalf of %(name)s."
                )
                % {"name": organisation.name}
            }
        )
    today = timezone.localdate()
    already = (
        ConfidentialityAgreement.objects.select_for_update()
        .filter(
            organisation=organisation,
            kind=ConfidentialityKind.NDA,
            text_version=CURRENT_NDA_VERSION,
        )
        .order_by("-pk")
    )
    if any(item.is_valid(today) for item in already):
        raise ValidationError(
            _("%(name)s has signed this text already; the agreement is valid.")
            % {"name": organisation.name}
        )
    end = agreement_term_end()
    if end is not None and end < today:
        raise ValidationError(_("The agreement's term has ended; nothing to sign."))
    item = ConfidentialityAgreement(
        organisation=organisation,
        kind=ConfidentialityKind.NDA,
        text_version=CURRENT_NDA_VERSION,
        signed_by_name=actor.get_full_name() or actor.email,
        signed_by=actor,
        signed_on=today,
        valid_from=today,
        valid_until=end,
        recorded_by=actor,
    )
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="governance.confidentiality_sign",
        obj=item,
        organisation=organisation,
        request=request,
        details={"kind": item.kind, "version": item.text_version},
    )
    return item


@transaction.atomic
def confidentiality_revoke(
    *,
    agreement: ConfidentialityAgreement,
    reason: str,
    actor,
    request: HttpRequest | None = None,
) -> ConfidentialityAgreement:
    """The secretariat revokes an agreement, with a reason. It stops holding at once:
    every access that depends on it ends with this request."""
    _require(permissions.can_manage_confidentiality(actor))
    item = ConfidentialityAgreement.objects.select_for_update().get(pk=agreement.pk)
    if item.revoked_at is not None:
        raise ValidationError(_("This agreement was revoked already."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"revocation_reason": _("Say why the agreement is revoked.")}
        )
    item.revoked_at = timezone.now()
    item.revoked_by = actor
    item.revocation_reason = reason
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="governance.confidentiality_revoke",
        obj=item,
        organisation=item.organisation,
        request=request,
        details={"reason": reason},
    )
    return item


# --- Modules (art. 29-30) ---------------------------------------------------------------


MODULE_FIELDS = ("code", "kind", "name", "description", "starts_on", "ends_on")


@transaction.atomic
def module_save(
    *,
    module: Module | None = None,
    code: str,
    kind: str,
    name: str,
    description: str = "",
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    actor,
    request: HttpRequest | None = None,
) -> Module:
    """Create a module, or change one. Its code is unique (K3, P2, ...)."""
    _require(permissions.can_manage_modules(actor))
    created = module is None
    item = (
        Module()
        if module is None
        else Module.objects.select_for_update().get(pk=module.pk)
    )
    item.code = (code or "").strip().upper()
    item.kind = kind
    item.name = (name or "").strip()
    item.description = (description or "").strip()
    item.starts_on = starts_on
    item.ends_on = ends_on
    item.updated_by = actor
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="governance.module_create" if created else "governance.module_update",
        obj=item,
        request=request,
        details={"code": item.code},
    )
    return item


@transaction.atomic
def module_participant_add(
    *,
    module: Module,
    organisation: Organisation,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    actor,
    request: HttpRequest | None = None,
) -> ModuleParticipation:
    """An organisation takes part in a module from `starts_on` (until `ends_on`). Its
    periods in one module do not overlap."""
    _require(permissions.can_manage_modules(actor))
    item = ModuleParticipation(
        module=module,
        organisation=organisation,
        starts_on=starts_on,
        ends_on=ends_on,
        added_by=actor,
    )
    item.full_clean()
    if module.ends_on and starts_on > module.ends_on:
        raise ValidationError(
            {
                "starts_on": _("The module ends on %(date)s.")
                % {"date": module.ends_on.isoformat()}
            }
        )
    overlapping = ModuleParticipation.objects.select_for_update().filter(
        module=module, organisation=organisation
    )
    for other in overlapping:
        if _overlap(other.starts_on, other.ends_on, starts_on, ends_on):
            raise ValidationError(
                {
                    "organisation": _(
                        "%(name)s takes part in this module already in that period."
                    )
                    % {"name": organisation.name}
                }
            )
    item.save()
    audit_record(
        actor=actor,
        action="governance.module_participant_add",
        obj=item,
        organisation=organisation,
        request=request,
        details={"module": module.code, "from": starts_on.isoformat()},
    )
    return item


def _overlap(a_from, a_until, b_from, b_until) -> bool:
    far = dt.date.max
    return a_from <= (b_until or far) and b_from <= (a_until or far)


@transaction.atomic
def module_participation_end(
    *,
    participation: ModuleParticipation,
    ends_on: dt.date,
    actor,
    request: HttpRequest | None = None,
) -> ModuleParticipation:
    """The organisation's participation ends on `ends_on` (that day included)."""
    _require(permissions.can_manage_modules(actor))
    item = ModuleParticipation.objects.select_for_update().get(pk=participation.pk)
    if ends_on is None:
        raise ValidationError({"ends_on": _("Give the last day of taking part.")})
    if item.ends_on is not None and item.ends_on < timezone.localdate():
        raise ValidationError(_("This participation has ended already."))
    if ends_on < item.starts_on:
        raise ValidationError(
            {
                "ends_on": _("The participation started on %(date)s.")
                % {"date": item.starts_on.isoformat()}
            }
        )
    item.ends_on = ends_on
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="governance.module_participation_end",
        obj=item,
        organisation=item.organisation,
        request=request,
        details={"module": item.module.code, "until": ends_on.isoformat()},
    )
    return item


# --- Yearly documents (art. 50, 63-64) ---------------------------------------------------


@transaction.atomic
def yearly_document_save(
    *,
    agreement_year: AgreementYear,
    kind: str,
    notes: str = "",
    file: UploadedFile | None = None,
    actor,
    request: HttpRequest | None = None,
) -> YearlyDocument:
    """Create or change the year's document of `kind`: a new file (PDF or Word,
    recognised by its content) replaces the old one, and the notes are kept. A
    published document no longer changes."""
    _require(permissions.can_manage_yearly_documents(actor))
    item = (
        YearlyDocument.objects.select_for_update()
        .filter(agreement_year=agreement_year, kind=kind)
        .first()
    )
    created = item is None
    if item is None:
        item = YearlyDocument(agreement_year=agreement_year, kind=kind)
    if item.is_published:
        raise ValidationError(_("A published document no longer changes."))
    checked = _checked(file, "file", {PDF} | WORD) if file is not None else None
    old_file = str(item.file.name or "")
    item.notes = (notes or "").strip()
    item.updated_by = actor
    item.updated_at = timezone.now()
    item.full_clean(exclude=["file"])
    stored = ""
    if checked is not None:
        item.file.save("upload", file, save=False)
        item.original_name = checked.original_name
        item.content_type = checked.content_type
        stored = str(item.file.name)
    try:
        item.save()
        audit_record(
            actor=actor,
            action="governance.yearly_document_save",
            obj=item,
            request=request,
            details={
                "year": agreement_year.number,
                "kind": kind,
                "created": created,
                "file": checked.original_name if checked else None,
            },
        )
    except Exception:
        if stored:
            item.file.storage.delete(stored)
        raise
    if checked is not None:
        _delete_on_commit(item.file, old_file)
    return item


@transaction.atomic
def yearly_document_transition(
    *,
    document: YearlyDocument,
    status: str,
    actor,
    request: HttpRequest | None = None,
) -> YearlyDocument:
    """Move the document on: draft -> in review by the Kerngroep -> adopted ->
    published; from review back to draft. Only a document with a file goes to review,
    and publishing makes it visible to every signed-in person."""
    _require(permissions.can_manage_yearly_documents(actor))
    item = YearlyDocument.objects.select_for_update().get(pk=document.pk)
    if status not in YEARLY_DOCUMENT_TRANSITIONS.get(item.status, frozenset()):
        raise ValidationError(
            _("A document that is “%(current)s” cannot become “%(status)s”.")
            % {
                "current": item.get_status_display(),
                "status": YearlyDocumentStatus(status).label
                if status in YearlyDocumentStatus.values
                else status,
            }
        )
    if status != YearlyDocumentStatus.DRAFT and not item.file:
        raise ValidationError(
            {"file": _("Upload the document first; the Kerngroep reviews a file.")}
        )
    previous = item.status
    item.status = status
    item.updated_by = actor
    item.updated_at = timezone.now()
    if status == YearlyDocumentStatus.PUBLISHED:
        item.published_at = item.updated_at
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="governance.yearly_document_status",
        obj=item,
        request=request,
        details={"from": previous, "to": status},
    )
    return item
