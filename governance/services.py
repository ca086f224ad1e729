"""Every write to members, invitations and contributions. Each service validates, saves in
one transaction, writes an audit entry and fires tasks only after commit."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.audit import audit_record
from convenant.models import AgreementYear

from . import permissions
from .models import (
    ALLOWED_STATUS_CHANGES,
    Contribution,
    ContributionStatus,
    Invitation,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    OrganisationStatus,
    Participation,
    User,
)

ORGANISATION_FIELDS = (
    "name",
    "kind",
    "kvk_number",
    "country",
    "fte",
    "is_recycler",
    "in_metal_supply_chain",
    "csrd_category",
    "participation",
    "status",
    "signed_on",
)


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[str]]:
    return {
        key: [str(before[key]), str(after[key])]
        for key in after
        if before.get(key) != after[key]
    }


def _snapshot(organisation: Organisation) -> dict[str, Any]:
    return {field: getattr(organisation, field) for field in ORGANISATION_FIELDS}


@transaction.atomic
def organisation_create(*, actor: User, request=None, **fields: Any) -> Organisation:
    """Create an organisation. Only the secretariat may; raises ValidationError with
    per-field messages and saves nothing when the data break a rule."""
    if not permissions.can_manage_organisations(actor):
        raise PermissionDenied
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        action="organisation.create",
        obj=organisation,
        request=request,
        details={"fields": {k: str(v) for k, v in _snapshot(organisation).items()}},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, actor: User, request=None, **fields: Any
) -> Organisation:
    """Change an organisation's details. A status change must follow the allowed steps."""
    if not permissions.can_manage_organisations(actor):
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = _snapshot(organisation)
    new_status = fields.get("status", organisation.status)
    if new_status != organisation.status:
        _check_status_change(organisation.status, new_status)
    for key, value in fields.items():
        setattr(organisation, key, value)
    organisation.full_clean()
    organisation.save()
    changes = _changes(before, _snapshot(organisation))
    if changes:
        audit_record(
            actor=actor,
            action="organisation.update",
            obj=organisation,
            request=request,
            details={"changes": changes},
        )
    return organisation


def _check_status_change(current: str, new: str) -> None:
    if new not in ALLOWED_STATUS_CHANGES[current]:
        raise ValidationError(
            {
                "status": _("The status cannot go from “%(old)s” to “%(new)s”.")
                % {
                    "old": OrganisationStatus(current).label,
                    "new": OrganisationStatus(new).label,
                }
            }
        )


@transaction.atomic
def organisation_change_status(
    *,
    organisation: Organisation,
    status: str,
    actor: User,
    signed_on: dt.date | None = None,
    request=None,
) -> Organisation:
    """Move an organisation to a new status. Accession (applicant to active) records the
    signing date, today unless given."""
    fields: dict[str, Any] = {"status": status}
    if (
        status == OrganisationStatus.ACTIVE
        and organisation.status == OrganisationStatus.APPLICANT
    ):
        fields["signed_on"] = (
            signed_on or organisation.signed_on or timezone.localdate()
        )
    return organisation_update(
        organisation=organisation, actor=actor, request=request, **fields
    )


# --- Invitations -------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    actor: User,
    first_name: str = "",
    last_name: str = "",
    request=None,
) -> IssuedInvitation:
    """Invite one person to an organisation and mail them a link that works for 14 days.

    The secretariat invites anybody (an organisation's first admin included); an
    organisation's admin invites colleagues. An earlier open invitation for the same
    address is replaced."""
    if not permissions.can_invite_to(actor, organisation):
        raise PermissionDenied
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A person with this email address exists.")})
    if organisation.status in {
        OrganisationStatus.WITHDRAWN,
        OrganisationStatus.REMOVED,
    }:
        raise ValidationError(
            _("This organisation no longer takes part; nobody can be invited to it.")
        )
    now = timezone.now()
    Invitation.objects.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        token_hash=_hash_token(token),
        invited_by=actor,
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=actor,
        action="invitation.create",
        obj=invitation,
        organisation=organisation,
        request=request,
        details={"email": email, "role": role},
    )
    from .tasks import send_invitation

    transaction.on_commit(lambda: send_invitation.delay(invitation.pk, token))
    return IssuedInvitation(invitation=invitation, token=token)


def invitation_get_open(token: str) -> Invitation | None:
    """The open invitation for a token, or None when it is unknown, used, revoked or
    expired."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=_hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_open:
        return None
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, password: str, first_name: str, last_name: str, request=None
) -> User:
    """Create the invited person's account with the organisation and role of the
    invitation; their email address counts as verified, since the link reached it."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=_hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_open:
        raise ValidationError(_("This invitation is no longer valid."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("A person with this email address exists."))
    user = User(
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
        organisation=invitation.organisation,
        organisation_role=invitation.role,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    audit_record(
        actor=user,
        action="invitation.accept",
        obj=invitation,
        organisation=invitation.organisation,
        request=request,
    )
    return user


@transaction.atomic
def invitation_revoke(
    *, invitation: Invitation, actor: User, request=None
) -> Invitation:
    if not permissions.can_manage_members(actor, invitation.organisation):
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("This invitation is no longer open."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="invitation.revoke",
        obj=invitation,
        organisation=invitation.organisation,
        request=request,
    )
    return invitation


def invitations_expire() -> int:
    """Close invitations whose link has expired; returns how many. Safe to run twice."""
    expired = Invitation.objects.filter(
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__lte=timezone.now(),
    )
    return expired.update(revoked_at=timezone.now())


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: User, request=None) -> User:
    """Switch a colleague's account off or on again. Nobody switches off themselves, and
    an organisation keeps at least one active admin."""
    if user.organisation is None or not permissions.can_manage_members(
        actor, user.organisation
    ):
        raise PermissionDenied
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot switch off your own account."))
    if (
        not active
        and user.is_organisation_admin
        and not User.objects.filter(
            organisation=user.organisation,
            organisation_role=OrganisationRole.ADMIN,
            is_active=True,
        )
        .exclude(pk=user.pk)
        .exists()
    ):
        raise ValidationError(_("An organisation keeps at least one active admin."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        obj=user,
        organisation=user.organisation,
        request=request,
    )
    return user


# --- Contributions -------------------------------------------------------------------------


@transaction.atomic
def contributions_generate(
    *, agreement_year: AgreementYear, actor: User, request=None
) -> int:
    """Create the contribution of every active party company and every active supporter for
    an agreement year, from the FTE bands; returns how many were created. Contributions that
    exist already are left as they are, so running it twice does no harm."""
    if not permissions.can_view_finance(actor):
        raise PermissionDenied
    agreement = agreement_year.agreement
    bands = list(agreement.fte_bands.all())
    existing = set(
        Contribution.objects.filter(agreement_year=agreement_year).values_list(
            "organisation_id", flat=True
        )
    )
    payers = Organisation.objects.filter(
        status__in=[OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING]
    ).exclude(pk__in=existing)
    new: list[Contribution] = []
    missing_fte: list[str] = []
    for organisation in payers:
        if organisation.participation == Participation.SUPPORTER:
            amount = agreement.supporter_contribution
        elif (
            organisation.participation == Participation.PARTY
            and organisation.kind == OrganisationKind.COMPANY
        ):
            band = next(
                (
                    b
                    for b in bands
                    if organisation.fte is not None and b.covers(organisation.fte)
                ),
                None,
            )
            if band is None:
                missing_fte.append(organisation.name)
                continue
            amount = band.amount
        else:
            continue
        new.append(
            Contribution(
                organisation=organisation,
                agreement_year=agreement_year,
                fte=organisation.fte,
                amount=amount,
            )
        )
    if missing_fte:
        raise ValidationError(
            _(
                "No FTE band fits these companies; check their FTE or the bands: %(names)s"
            )
            % {"names": ", ".join(sorted(missing_fte))}
        )
    Contribution.objects.bulk_create(new)
    audit_record(
        actor=actor,
        action="contribution.generate",
        obj=agreement_year,
        request=request,
        details={"created": len(new)},
    )
    return len(new)


@transaction.atomic
def contribution_set_status(
    *,
    contribution: Contribution,
    status: str,
    actor: User,
    on: dt.date | None = None,
    request=None,
) -> Contribution:
    """Record that a contribution was invoiced or paid (or undo that)."""
    if not permissions.can_view_finance(actor):
        raise PermissionDenied
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    on = on or timezone.localdate()
    contribution.status = status
    if status == ContributionStatus.DUE:
        contribution.invoiced_on = None
        contribution.paid_on = None
    elif status == ContributionStatus.INVOICED:
        contribution.invoiced_on = contribution.invoiced_on or on
        contribution.paid_on = None
    else:
        contribution.invoiced_on = contribution.invoiced_on or on
        contribution.paid_on = on
    contribution.full_clean()
    contribution.save()
    audit_record(
        actor=actor,
        action="contribution.status",
        obj=contribution,
        organisation=contribution.organisation,
        request=request,
        details={"status": status},
    )
    return contribution
