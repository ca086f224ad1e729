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


_PARTY_STATUSES = ("active", "withdrawing")
# The kinds of organisation that can be a party: one constituency each (art. 46).
_PARTY_KINDS = frozenset(
    {
        OrganisationKind.COMPANY,
        OrganisationKind.UNION,
        OrganisationKind.NGO,
        OrganisationKind.BRANCH,
    }
)


def _party_organisation(user) -> Organisation | None:
    """The person's organisation when it is a party (not a supporter) taking part
    today, else None."""
    if not (user.is_authenticated and user.is_active):
        return None
    organisation = user.organisation
    if (
        organisation is None
        or organisation.kind not in _PARTY_KINDS
        or organisation.participation != "party"
        or organisation.status not in _PARTY_STATUSES
    ):
        return None
    return organisation


def can_give_notice(user, organisation: Organisation) -> bool:
    """Notice of withdrawal for an active party: by its own admin, or by the
    secretariat on its behalf (a letter received)."""
    if organisation.kind not in _PARTY_KINDS or organisation.participation != "party":
        return False
    if is_secretariat(user):
        return True
    own = _party_organisation(user)
    return bool(own and own.pk == organisation.pk and user.is_organisation_admin)


def can_see_withdrawals(user) -> bool:
    """The overview of every notice: the secretariat, the Kerngroep and the chair."""
    roles = user_roles(user)
    return bool(roles & {Role.SECRETARIAT, Role.KERNGROEP, Role.CHAIR})


def withdrawal_visible_to(user):
    """Every notice for the secretariat, the Kerngroep and the chair; the people of an
    organisation see its own."""
    from .models import WithdrawalNotice

    qs = WithdrawalNotice.objects.select_related("organisation", "given_by")
    if can_see_withdrawals(user):
        return qs
    if user.is_authenticated and user.is_active and user.organisation_id:
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()


def can_manage_removals(user) -> bool:
    return is_secretariat(user)


def removal_visible_to(user):
    """Removal cases: all for the secretariat, the Kerngroep and the chair; the party
    concerned sees its own."""
    from .models import Removal

    qs = Removal.objects.select_related("organisation", "news_item")
    if can_see_withdrawals(user):
        return qs
    if user.is_authenticated and user.organisation_id:
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()


def can_file_complaint(user) -> bool:
    """Anybody of a party organisation that takes part today; not the secretariat, the
    government or the SER, which are no parties."""
    return _party_organisation(user) is not None


def can_handle_complaints(user) -> bool:
    return is_secretariat(user)


def _sees_all_complaints(user) -> bool:
    return bool(user_roles(user) & {Role.SECRETARIAT, Role.KERNGROEP, Role.CHAIR})


def complaint_visible_to(user):
    """In full for the secretariat, the Kerngroep and the chair; a complainant sees the
    complaints its organisation filed, the company concerned those about itself, and an
    organisation that sits on a complaint's panel in a recused seat's place sees that
    complaint."""
    from .models import Complaint

    qs = Complaint.objects.select_related("complainant", "respondent", "filed_by")
    if _sees_all_complaints(user):
        return qs
    if not (user.is_authenticated and user.is_active and user.organisation_id):
        return qs.none()
    org = user.organisation_id
    return qs.filter(
        Q(complainant_id=org)
        | Q(respondent_id=org)
        | Q(panel__unions=org)
        | Q(panel__ngos=org)
        | Q(panel__branch=org)
        | Q(panel__companies=org)
    )


def complaint_shows_complainant(user, complaint) -> bool:
    """Who filed is hidden from the company concerned unless the complainant agreed."""
    if is_secretariat(user) or has_role(user, Role.CHAIR):
        return True
    if complaint.share_identity:
        return True
    org = user.organisation_id if user.is_authenticated else None
    if org == complaint.complainant_id:
        return True
    return org != complaint.respondent_id and _sees_all_complaints(user)


def can_see_news(user) -> bool:
    """The parties' news page: people of party and supporter organisations that take
    part, the Kerngroep, the chair, the secretariat and the government."""
    roles = user_roles(user)
    if roles & {Role.SECRETARIAT, Role.KERNGROEP, Role.CHAIR, Role.GOVERNMENT}:
        return True
    organisation = user.organisation if user.is_authenticated else None
    return bool(
        roles
        and organisation is not None
        and organisation.participation in {"party", "supporter"}
        and organisation.status in _PARTY_STATUSES
    )


def can_publish_news(user) -> bool:
    return is_secretariat(user)


# --- Meeting packs ------------------------------------------------------------
# (area: packs)
