"""Every write to members, invitations and contributions. Each service validates, saves in
one transaction, writes an audit entry and fires tasks only after commit."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.audit import audit_record
from convenant.models import Agreement, AgreementYear

from .. import permissions
from ..models import (
    ALLOWED_STATUS_CHANGES,
    Contribution,
    ContributionStatus,
    FteBand,
    Invitation,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    OrganisationStatus,
    Participation,
    User,
)

LEFT_STATUSES = frozenset({OrganisationStatus.WITHDRAWN, OrganisationStatus.REMOVED})

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
    if organisation.status in LEFT_STATUSES:
        raise ValidationError(
            _("This organisation no longer takes part; nobody can be invited to it.")
        )
    now = timezone.now()
    earlier = Invitation.objects.select_for_update().filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    )
    if (
        not permissions.is_secretariat(actor)
        and earlier.filter(expires_at__gt=now)
        .exclude(organisation=organisation)
        .exists()
    ):
        raise ValidationError(
            {
                "email": _(
                    "This person has an open invitation from another organisation. "
                    "Ask the secretariat if it should be replaced."
                )
            }
        )
    replaced = [invitation.pk for invitation in earlier]
    _close_invitations(earlier, now)
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
        details={"email": email, "role": role, "replaces": replaced},
    )
    from ..tasks import send_invitation

    transaction.on_commit(lambda: send_invitation.delay(invitation.pk, token))
    return IssuedInvitation(invitation=invitation, token=token)


def _close_invitations(invitations, now) -> None:
    """Close earlier invitations: an expired one keeps reading "expired" (it is closed at
    the moment it expired), an open one reads "revoked"."""
    invitations.filter(expires_at__lte=now).update(revoked_at=F("expires_at"))
    invitations.filter(expires_at__gt=now).update(revoked_at=now)


def _usable(invitation: Invitation | None) -> bool:
    return (
        invitation is not None
        and invitation.is_open
        and invitation.organisation.status not in LEFT_STATUSES
    )


def invitation_get_open(token: str) -> Invitation | None:
    """The open invitation for a token, or None when it is unknown, used, revoked or
    expired, or its organisation no longer takes part."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=_hash_token(token))
        .first()
    )
    return invitation if _usable(invitation) else None


@transaction.atomic
def invitation_accept(
    *, token: str, password: str, first_name: str, last_name: str, request=None
) -> User:
    """Create the invited person's account with the organisation and role of the
    invitation; their email address counts as verified, since the link reached it."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .filter(token_hash=_hash_token(token))
        .first()
    )
    if not _usable(invitation):
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
    # Closed at the moment they expired, so that they keep reading "expired".
    return expired.update(revoked_at=F("expires_at"))


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

# Who owes a contribution for a year. An applicant has not acceded yet; a withdrawing party
# keeps its obligations until the withdrawal takes effect on 1 January (art. 73-75);
# withdrawn and removed organisations no longer take part in the years that follow.
PAYING_STATUSES = (OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING)


def _fte_band_for(fte: int, bands: Sequence[FteBand]) -> FteBand | None:
    return next((band for band in bands if band.covers(fte)), None)


@transaction.atomic
def contributions_generate(
    *, agreement_year: AgreementYear, actor: User, request: HttpRequest | None = None
) -> int:
    """Create the missing contributions of an agreement year; returns how many.

    Party companies owe the amount of the FTE band their size falls in (art. 80);
    supporters, of any kind, owe the amount the Kerngroep set for supporters (art. 40b).
    NGOs, unions and branch organisations that are parties, and organisations that are no
    party (the SER, the government, the secretariat), owe nothing here. Only active and
    withdrawing organisations that signed before the year ended count.

    A contribution that exists already is never changed, so running this again creates
    only what is missing (nothing, the second time). When a party company has no FTE or
    no band fits it, raises ValidationError naming every such company and creates
    nothing."""
    if not permissions.can_view_finance(actor):
        raise PermissionDenied
    # Two presses of the button in quick succession: the second waits here and then finds
    # every contribution in place, instead of running into the one-per-year constraint.
    agreement_year = AgreementYear.objects.select_for_update().get(pk=agreement_year.pk)
    agreement = agreement_year.agreement
    bands = list(agreement.fte_bands.order_by("min_fte"))
    existing = Contribution.objects.filter(agreement_year=agreement_year).values(
        "organisation_id"
    )
    payers = (
        Organisation.objects.filter(
            status__in=PAYING_STATUSES, signed_on__lte=agreement_year.ends_on
        )
        .filter(
            Q(participation=Participation.SUPPORTER)
            | Q(participation=Participation.PARTY, kind=OrganisationKind.COMPANY)
        )
        .exclude(pk__in=existing)
        .order_by("name", "id")
    )
    new: list[Contribution] = []
    without_fte: list[str] = []
    without_band: list[str] = []
    for organisation in payers:
        if organisation.participation == Participation.SUPPORTER:
            amount = agreement.supporter_contribution
        elif organisation.fte is None:
            without_fte.append(organisation.name)
            continue
        else:
            band = _fte_band_for(organisation.fte, bands)
            if band is None:
                without_band.append(f"{organisation.name} ({organisation.fte} FTE)")
                continue
            amount = band.amount
        new.append(
            Contribution(
                organisation=organisation,
                agreement_year=agreement_year,
                fte=organisation.fte,
                amount=amount,
            )
        )
    problems: list[str] = []
    if without_fte:
        problems.append(
            _(
                "These companies have no FTE recorded: %(names)s. Fill in their size; "
                "no contribution was created."
            )
            % {"names": ", ".join(without_fte)}
        )
    if without_band:
        problems.append(
            _(
                "No FTE band fits these companies: %(names)s. Check their FTE or the "
                "bands; no contribution was created."
            )
            % {"names": ", ".join(without_band)}
        )
    if problems:
        raise ValidationError(problems)
    if not new:
        return 0
    Contribution.objects.bulk_create(new)
    audit_record(
        actor=actor,
        action="contribution.generate",
        obj=agreement_year,
        request=request,
        details={"year": agreement_year.number, "created": len(new)},
    )
    return len(new)


@transaction.atomic
def contribution_set_status(
    *,
    contribution: Contribution,
    status: str,
    actor: User,
    on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Contribution:
    """Record where a contribution stands.

    Due clears both dates. Invoiced records the invoice date (`on`, else the one recorded
    before, else today) and clears the payment date, so a payment can be undone. Paid
    records the payment date (`on`, else today) and keeps the invoice date; when no
    invoice was recorded the payment date stands in for it, because a paid contribution
    has always been invoiced. Dates cannot lie in the future and a payment cannot predate
    its invoice; then ValidationError is raised and nothing changes."""
    if not permissions.can_view_finance(actor):
        raise PermissionDenied
    if status not in ContributionStatus.values:
        raise ValidationError({"status": _("Choose due, invoiced or paid.")})
    today = timezone.localdate()
    if on is not None and on > today:
        raise ValidationError({"on": _("The date cannot lie in the future.")})
    contribution = (
        Contribution.objects.select_for_update()
        .select_related("organisation", "agreement_year")
        .get(pk=contribution.pk)
    )
    before = _contribution_state(contribution)
    if status == ContributionStatus.DUE:
        invoiced_on, paid_on = None, None
    elif status == ContributionStatus.INVOICED:
        invoiced_on, paid_on = on or contribution.invoiced_on or today, None
    else:
        paid_on = on or today
        invoiced_on = contribution.invoiced_on or paid_on
        if paid_on < invoiced_on:
            raise ValidationError(
                {
                    "on": _("The payment date lies before the invoice date (%(date)s).")
                    % {"date": invoiced_on.isoformat()}
                }
            )
    contribution.status = status
    contribution.invoiced_on = invoiced_on
    contribution.paid_on = paid_on
    contribution.full_clean()
    contribution.save(update_fields=["status", "invoiced_on", "paid_on"])
    after = _contribution_state(contribution)
    if after != before:
        audit_record(
            actor=actor,
            action="contribution.status",
            obj=contribution,
            organisation=contribution.organisation,
            request=request,
            details={"changes": _changes(before, after)},
        )
    return contribution


def _contribution_state(contribution: Contribution) -> dict[str, Any]:
    return {
        "status": contribution.status,
        "invoiced_on": contribution.invoiced_on,
        "paid_on": contribution.paid_on,
    }


@dataclass(frozen=True)
class FteBandData:
    """One contribution band as entered. `row` is the number the person sees beside it,
    used in messages; it defaults to the band's place in the list."""

    min_fte: int
    max_fte: int | None
    amount: Decimal
    row: int | None = None


def _band_error(
    message: str, *, row: int | None, field: str | None = None, **params: Any
) -> ValidationError:
    # The row and field travel in params, so a form can show the message beside the
    # value it is about; the message itself names the band for the summary at the top.
    return ValidationError(
        message, code="fte_band", params={"row": row, "field": field, **params}
    )


def _fte_band_problems(bands: Sequence[FteBandData]) -> list[ValidationError]:
    """Everything wrong with a set of bands, in the order a person reads them."""
    if not bands:
        return [
            _band_error(
                _("Give at least one band, starting at 0 FTE."), row=None, field=None
            )
        ]
    problems: list[ValidationError] = []
    rows = [band.row or index for index, band in enumerate(bands, start=1)]
    for index, (band, row) in enumerate(zip(bands, rows, strict=True)):
        if band.min_fte < 0:
            problems.append(
                _band_error(
                    _("Band %(row)s: the lower bound cannot be negative."),
                    row=row,
                    field="min_fte",
                )
            )
        if band.max_fte is not None and band.max_fte < band.min_fte:
            problems.append(
                _band_error(
                    _(
                        "Band %(row)s: the upper bound (%(max)s FTE) lies below the "
                        "lower bound (%(min)s FTE)."
                    ),
                    row=row,
                    field="max_fte",
                    min=band.min_fte,
                    max=band.max_fte,
                )
            )
        if band.amount < 0:
            problems.append(
                _band_error(
                    _("Band %(row)s: the amount cannot be negative."),
                    row=row,
                    field="amount",
                )
            )
        if index == 0:
            if band.min_fte != 0:
                problems.append(
                    _band_error(
                        _(
                            "Band %(row)s: the first band starts at 0 FTE, not at "
                            "%(min)s, so that the smallest companies have a band too."
                        ),
                        row=row,
                        field="min_fte",
                        min=band.min_fte,
                    )
                )
            continue
        previous, previous_row = bands[index - 1], rows[index - 1]
        if previous.max_fte is None:
            problems.append(
                _band_error(
                    _(
                        "Band %(row)s has no upper bound, but only the last band may be "
                        "open-ended. Give it an upper bound."
                    ),
                    row=previous_row,
                    field="max_fte",
                )
            )
            continue
        expected = previous.max_fte + 1
        params = {
            "min": band.min_fte,
            "previous": previous_row,
            "previous_max": previous.max_fte,
            "expected": expected,
        }
        if band.min_fte < previous.min_fte:
            problems.append(
                _band_error(
                    _(
                        "Band %(row)s starts at %(min)s FTE, below band %(previous)s. "
                        "List the bands from small to large."
                    ),
                    row=row,
                    field="min_fte",
                    **params,
                )
            )
        elif band.min_fte < expected:
            problems.append(
                _band_error(
                    _(
                        "Band %(row)s starts at %(min)s FTE, which band %(previous)s "
                        "already covers (up to %(previous_max)s FTE). Let it start at "
                        "%(expected)s FTE."
                    ),
                    row=row,
                    field="min_fte",
                    **params,
                )
            )
        elif band.min_fte > expected:
            problems.append(
                _band_error(
                    _(
                        "Band %(row)s starts at %(min)s FTE, which leaves %(expected)s "
                        "to %(gap_end)s FTE without a band. Let it start at "
                        "%(expected)s FTE."
                    ),
                    row=row,
                    field="min_fte",
                    gap_end=band.min_fte - 1,
                    **params,
                )
            )
    return problems


def _band_key(min_fte: int, max_fte: int | None, amount: Decimal) -> list[str]:
    return [str(min_fte), "" if max_fte is None else str(max_fte), f"{amount:.2f}"]


@transaction.atomic
def fte_bands_replace(
    *,
    agreement: Agreement,
    bands: Sequence[FteBandData],
    actor: User,
    request: HttpRequest | None = None,
) -> list[FteBand]:
    """Replace the agreement's contribution bands with `bands`, as a whole.

    The set must start at 0 FTE and run from small to large without gaps or overlaps
    (each band starts one above the previous upper bound); only the last band may be
    open-ended; amounts are 0 or more. Otherwise raises ValidationError with one message
    per problem, each naming its band (params carry `row` and `field`), and nothing
    changes. Contributions created before keep their amounts: they record what was owed
    when they were made. Returns the bands now in force."""
    if not permissions.can_view_finance(actor):
        raise PermissionDenied
    problems = _fte_band_problems(bands)
    candidates = [
        FteBand(
            agreement=agreement,
            min_fte=band.min_fte,
            max_fte=band.max_fte,
            amount=band.amount,
        )
        for band in bands
    ]
    if not problems:
        # The ordering rules hold; what remains is what the model itself refuses, such
        # as an amount with too many digits.
        for index, (band, candidate) in enumerate(
            zip(bands, candidates, strict=True), start=1
        ):
            try:
                candidate.full_clean(
                    exclude=["agreement"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        problems.append(
                            _band_error(
                                _("Band %(row)s: %(problem)s"),
                                row=band.row or index,
                                field=field if field != NON_FIELD_ERRORS else None,
                                problem=message,
                            )
                        )
    if problems:
        raise ValidationError(problems)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    current = list(agreement.fte_bands.order_by("min_fte"))
    before = [_band_key(b.min_fte, b.max_fte, b.amount) for b in current]
    after = [_band_key(b.min_fte, b.max_fte, b.amount) for b in bands]
    if before == after:
        return current
    agreement.fte_bands.all().delete()
    created = FteBand.objects.bulk_create(candidates)
    audit_record(
        actor=actor,
        action="fte_bands.replace",
        obj=agreement,
        request=request,
        details={"before": before, "after": after},
    )
    return created
