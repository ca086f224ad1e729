"""Who may do what. Every view asks here; nothing else decides access.

Roles follow from a person's organisation and from the Kerngroep seats and chair terms
in force today. A person can hold more than one role (an NGO employee who represents the
NGOs in the Kerngroep is both an NGO/union user and a Kerngroep member).
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import (
    ChairTerm,
    KerngroepSeat,
    Organisation,
    OrganisationKind,
    User,
)


class Role(StrEnum):
    SECRETARIAT = "secretariat"
    COMPANY = "company"
    NGO_UNION = "ngo_union"
    BRANCH = "branch"
    KERNGROEP = "kerngroep"
    CHAIR = "chair"
    GOVERNMENT = "government"


ROLE_OF_KIND = {
    OrganisationKind.SECRETARIAT: Role.SECRETARIAT,
    OrganisationKind.COMPANY: Role.COMPANY,
    OrganisationKind.NGO: Role.NGO_UNION,
    OrganisationKind.UNION: Role.NGO_UNION,
    OrganisationKind.BRANCH: Role.BRANCH,
    OrganisationKind.GOVERNMENT: Role.GOVERNMENT,
}

# Roles whose accounts need two-factor authentication whenever DEBUG is off.
ROLES_REQUIRING_MFA = frozenset({Role.SECRETARIAT, Role.KERNGROEP, Role.NGO_UNION})

_CACHE_ATTR = "_convenant_roles"


def current_seats() -> QuerySet[KerngroepSeat]:
    today = timezone.localdate()
    return KerngroepSeat.objects.filter(starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )


def user_roles(user) -> frozenset[Role]:
    """The roles a person holds today; computed once per request object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    roles: set[Role] = set()
    organisation = user.organisation
    if organisation is not None:
        role = ROLE_OF_KIND.get(organisation.kind)
        if role is not None:
            roles.add(role)
    if (
        current_seats()
        .filter(Q(regular_representative=user) | Q(deputy_representative=user))
        .exists()
    ):
        roles.add(Role.KERNGROEP)
    today = timezone.localdate()
    if (
        ChairTerm.objects.filter(person=user, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .exists()
    ):
        roles.add(Role.CHAIR)
    result = frozenset(roles)
    setattr(user, _CACHE_ATTR, result)
    return result


def has_role(user, role: Role) -> bool:
    return role in user_roles(user)


def is_secretariat(user) -> bool:
    return has_role(user, Role.SECRETARIAT)


def requires_mfa(user) -> bool:
    return bool(user_roles(user) & ROLES_REQUIRING_MFA)


# --- Organisations -----------------------------------------------------------------------


def organisation_visible_to(user) -> QuerySet[Organisation]:
    """The organisations whose details this person may open: all for the secretariat,
    their own for everybody else."""
    if is_secretariat(user):
        return Organisation.objects.all()
    if user.is_authenticated and user.organisation_id:
        return Organisation.objects.filter(pk=user.organisation_id)
    return Organisation.objects.none()


def can_manage_organisations(user) -> bool:
    """Create, edit, change the status of, import and export organisations."""
    return is_secretariat(user)


def can_invite_to(user, organisation: Organisation) -> bool:
    """The secretariat invites anybody; an organisation's admin invites colleagues."""
    if is_secretariat(user):
        return True
    return bool(
        user.is_authenticated
        and user.is_active
        and user.organisation_id == organisation.pk
        and user.is_organisation_admin
    )


def can_manage_members(user, organisation: Organisation) -> bool:
    """Deactivate colleagues and revoke invitations: the same people who invite."""
    return can_invite_to(user, organisation)


def can_view_contributions(user, organisation: Organisation) -> bool:
    if is_secretariat(user):
        return True
    return bool(
        user.is_authenticated
        and user.organisation_id == organisation.pk
        and user.is_organisation_admin
    )


# --- Agreement-wide --------------------------------------------------------------------


def can_view_finance(user) -> bool:
    return is_secretariat(user)


def can_manage_calendar(user) -> bool:
    return is_secretariat(user)


def can_view_audit_log(user) -> bool:
    return is_secretariat(user)


def user_visible_to(user) -> QuerySet[User]:
    if is_secretariat(user):
        return User.objects.all()
    if user.is_authenticated and user.organisation_id:
        return User.objects.filter(organisation_id=user.organisation_id)
    return User.objects.none()


# --- Kerngroep seats, the chair and meetings (agenda, documents, guests, minutes) ---
# (area: meetings)


# --- Decisions, Kerngroep votes and the Sector Module Assembly ----------------
# (area: decisions)


# --- Accession and the supporter's signatures ---------------------------------
# (area: membership)


# --- Confidentiality agreements and modules -----------------------------------
# (area: confidentiality)


# --- Withdrawal, removal and its public notice, complaints, yearly documents ---
# (area: conduct)


# --- Meeting packs ------------------------------------------------------------
# (area: packs)

_FULL_PACK_ROLES = frozenset({Role.SECRETARIAT, Role.KERNGROEP, Role.CHAIR})


def can_get_full_pack(user) -> bool:
    """The meeting pack (art. 52): the Kerngroep, its chair and the secretariat."""
    return bool(user_roles(user) & _FULL_PACK_ROLES)


def can_get_outline_pack(user) -> bool:
    """The outline agenda and minutes (art. 48): every person of an active party or
    supporter, the government, and whoever may have the full pack."""
    from .models import OrganisationStatus, Participation

    roles = user_roles(user)
    if roles & (_FULL_PACK_ROLES | {Role.GOVERNMENT}):
        return True
    organisation = user.organisation if roles else None
    return bool(
        organisation is not None
        and organisation.participation in {Participation.PARTY, Participation.SUPPORTER}
        and organisation.status
        in {OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING}
    )


def can_get_pack(user, kind: str) -> bool:
    from .models import PackKind

    if kind == PackKind.FULL:
        return can_get_full_pack(user)
    if kind == PackKind.OUTLINE:
        return can_get_outline_pack(user)
    return False
