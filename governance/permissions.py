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
    Meeting,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Participation,
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

# Kerngroep meetings are closed (art. 48): the Kerngroep, its chair and the secretariat
# see everything; every party and supporter, and the government as co-funder, see the
# agenda and minutes in outline.


def can_view_meetings_full(user) -> bool:
    """Every agenda item with its description and documents, the guests and the full
    minutes."""
    return bool(user_roles(user) & {Role.SECRETARIAT, Role.KERNGROEP, Role.CHAIR})


def can_view_meetings(user) -> bool:
    """The meetings in full, or in outline for the people of an active party or
    supporter and of the government."""
    if can_view_meetings_full(user):
        return True
    if has_role(user, Role.GOVERNMENT):
        return True
    organisation = getattr(user, "organisation", None)
    return bool(
        user.is_authenticated
        and organisation is not None
        and organisation.participation in {Participation.PARTY, Participation.SUPPORTER}
        and organisation.status
        in {OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING}
    )


def meeting_visible_to(user) -> QuerySet[Meeting]:
    if can_view_meetings(user):
        return Meeting.objects.all()
    return Meeting.objects.none()


def can_manage_meetings(user) -> bool:
    """Plan meetings, keep their agenda and documents, write and lock the minutes."""
    return is_secretariat(user)


def can_propose_guest(user) -> bool:
    return is_secretariat(user) or has_role(user, Role.KERNGROEP)


def can_admit_guest(user) -> bool:
    """Only the chair admits external guests (art. 48)."""
    return has_role(user, Role.CHAIR)


def can_view_seats(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_manage_seats(user) -> bool:
    """Assign Kerngroep seats, change representatives and record the chair's terms."""
    return is_secretariat(user)


# --- Decisions, Kerngroep votes and the Sector Module Assembly ----------------
# (area: decisions)

from .models import (  # noqa: E402 - kept with the area's own rules
    PARTY_KINDS,
    AssemblyVote,
    Decision,
    DecisionStatus,
)

# The Kerngroep's own circle follows every decision from its opening, votes included;
# everybody else in the agreement sees what was decided, never who voted what.
_DECISION_INSIDERS = frozenset({Role.SECRETARIAT, Role.KERNGROEP, Role.CHAIR})
_TAKING_PART = frozenset({OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING})


def can_follow_decisions(user) -> bool:
    """The full history of decisions: proposals, each seat's votes, the assembly's
    tally while it votes."""
    return bool(user_roles(user) & _DECISION_INSIDERS)


def _takes_part(user) -> bool:
    organisation = user.organisation if user.is_authenticated else None
    return bool(
        organisation is not None
        and user.is_active
        and organisation.participation in {Participation.PARTY, Participation.SUPPORTER}
        and organisation.status in _TAKING_PART
    )


def can_see_decision_outcomes(user) -> bool:
    """Decided outcomes with their explanation: every party and supporter, the
    government, and the Kerngroep's circle."""
    if not user.is_authenticated:
        return False
    return (
        can_follow_decisions(user)
        or has_role(user, Role.GOVERNMENT)
        or _takes_part(user)
    )


def can_record_decisions(user) -> bool:
    """Open decisions, record the votes cast in a meeting, close votes."""
    return is_secretariat(user)


def can_vote_in_kerngroep(user) -> bool:
    """A seat's regular or deputy representative; the chair has no vote (art. 51)."""
    roles = user_roles(user)
    return Role.KERNGROEP in roles and Role.CHAIR not in roles


def is_assembly_member(user) -> bool:
    """A person of an active party organisation: the Sector Module Assembly is every
    party (art. 42); supporters, the government and the secretariat are not in it."""
    organisation = user.organisation if user.is_authenticated else None
    return bool(
        organisation is not None
        and user.is_active
        and organisation.participation == Participation.PARTY
        and organisation.kind in PARTY_KINDS
        and organisation.status == OrganisationStatus.ACTIVE
    )


def can_cast_assembly_ballot(user) -> bool:
    """The admin of an active party organisation votes for it."""
    return is_assembly_member(user) and user.is_organisation_admin


def can_see_assembly_votes(user) -> bool:
    return can_follow_decisions(user) or is_assembly_member(user)


def decision_visible_to(user) -> QuerySet[Decision]:
    """Every decision for the Kerngroep's circle; decided ones for everybody else who
    may see outcomes; nothing for the rest."""
    if can_follow_decisions(user):
        return Decision.objects.all()
    if can_see_decision_outcomes(user):
        return Decision.objects.filter(status=DecisionStatus.DECIDED)
    return Decision.objects.none()


def assembly_vote_visible_to(user) -> QuerySet[AssemblyVote]:
    if can_see_assembly_votes(user):
        return AssemblyVote.objects.all()
    return AssemblyVote.objects.none()


# --- Accession and the supporter's signatures ---------------------------------
# (area: membership)

# Organisations that take part in decisions and hear of accessions beforehand (art. 71):
# parties that are active, or withdrawing but still bound until their withdrawal ends.
_TAKING_PART = ("active", "withdrawing")


def is_party_person(user) -> bool:
    """A signed-in person of a party organisation that takes part today."""
    organisation = getattr(user, "organisation", None)
    return bool(
        user.is_authenticated
        and user.is_active
        and organisation is not None
        and organisation.participation == "party"
        and organisation.status in _TAKING_PART
    )


def can_review_accessions(user) -> bool:
    """Check, announce, answer, put to the Kerngroep and withdraw applications."""
    return is_secretariat(user)


def can_view_accessions(user) -> bool:
    """The list of applications: the secretariat, the parties, the Kerngroep and its
    chair (who runs the meeting that decides)."""
    return (
        is_secretariat(user)
        or is_party_person(user)
        or has_role(user, Role.KERNGROEP)
        or has_role(user, Role.CHAIR)
    )


def accession_visible_to(user):
    """Applications the person may open: every one for the secretariat; for parties, the
    Kerngroep and the chair, those the secretariat has announced."""
    from .models import AccessionApplication

    if is_secretariat(user):
        return AccessionApplication.objects.all()
    if can_view_accessions(user):
        return AccessionApplication.objects.filter(announced_at__isnull=False)
    return AccessionApplication.objects.none()


def can_respond_to_accessions(user) -> bool:
    """Raise a question or ask for a hearing: people of the parties (art. 71)."""
    return is_party_person(user)


def can_sign_supporter_texts(user) -> bool:
    """Sign the supporter declaration and the confidentiality protocol: an admin of a
    supporter organisation that takes part."""
    organisation = getattr(user, "organisation", None)
    return bool(
        user.is_authenticated
        and user.is_active
        and organisation is not None
        and user.is_organisation_admin
        and organisation.participation == "supporter"
        and organisation.status in _TAKING_PART
    )


def can_view_signatures(user) -> bool:
    return is_secretariat(user)


# --- Confidentiality agreements and modules -----------------------------------
# (area: confidentiality)
#
# NGO insight in individual companies (art. 13) and the names of companies active in an
# area (art. 22) depend on two facts, asked here and nowhere else:
# - `confidentiality_valid`: the organisation holds a confidentiality agreement that is
#   valid on the day (signed, within its dates, not revoked); access ends the day it
#   expires or is revoked, without anybody having to remember to take it away;
# - `module_participant`: the organisation takes part in a module that runs that day.
# Grants built on top of them (the NGO score insight) call them at every request.
#
# The models are imported inside the functions so that this area's section stays
# self-contained in a file every area adds to.

KindFilter = str | list[str] | tuple[str, ...] | frozenset[str] | None


def confidentiality_valid(organisation, *, kind: KindFilter = None, on=None) -> bool:
    """Whether `organisation` (an object or its id) holds a confidentiality agreement
    valid on `on` (today by default), of `kind` (one kind, several, or any when None).
    Valid means signed, `on` between valid_from and valid_until, both included, and not
    revoked on or before that day."""
    from .models.confidentiality import ConfidentialityAgreement, valid_on_q

    if organisation is None:
        return False
    day = on or timezone.localdate()
    qs = ConfidentialityAgreement.objects.filter(
        valid_on_q(day), organisation_id=getattr(organisation, "pk", organisation)
    )
    return _of_kind(qs, kind).exists()


def confidentiality_agreements_valid(
    organisations=None, *, kind: KindFilter = None, on=None
) -> frozenset[int]:
    """The ids of the organisations (of `organisations`, ids or objects; all when None)
    for which `confidentiality_valid` holds: one query, for lists."""
    from .models.confidentiality import ConfidentialityAgreement, valid_on_q

    day = on or timezone.localdate()
    qs = ConfidentialityAgreement.objects.filter(valid_on_q(day))
    if organisations is not None:
        qs = qs.filter(organisation_id__in=[getattr(o, "pk", o) for o in organisations])
    return frozenset(_of_kind(qs, kind).values_list("organisation_id", flat=True))


def _of_kind(qs, kind: KindFilter):
    if kind is None:
        return qs
    if isinstance(kind, str):
        return qs.filter(kind=kind)
    return qs.filter(kind__in=list(kind))


def module_participant(organisation, *, on=None) -> bool:
    """Whether `organisation` (an object or its id) takes part, on `on` (today by
    default), in a module that runs that day. With a valid NDA this is what entitles an
    NGO to see companies' scores and advice (art. 13)."""
    if organisation is None:
        return False
    return bool(module_participants([getattr(organisation, "pk", organisation)], on=on))


def module_participants(organisations=None, *, on=None) -> frozenset[int]:
    """The ids of the organisations (of `organisations`; all when None) for which
    `module_participant` holds: one query, for lists."""
    from .models.confidentiality import ModuleParticipation, running_on_q

    day = on or timezone.localdate()
    qs = ModuleParticipation.objects.filter(
        running_on_q(day), running_on_q(day, "module__")
    )
    if organisations is not None:
        qs = qs.filter(organisation_id__in=[getattr(o, "pk", o) for o in organisations])
    return frozenset(qs.values_list("organisation_id", flat=True))


def ngo_insight_entitled(organisation, *, on=None) -> bool:
    """Art. 13: an NGO or union may see companies' scores and advice (the parts on
    risks and the plan of approach) while it takes part in a running module and holds
    a valid NDA, both on `on` (today by default). Two queries."""
    from .models.confidentiality import ConfidentialityKind

    if organisation is None:
        return False
    return module_participant(organisation, on=on) and confidentiality_valid(
        organisation, kind=ConfidentialityKind.NDA, on=on
    )


def can_hold_confidentiality(organisation) -> bool:
    """NGOs, unions and supporters sign confidentiality agreements."""
    from .models import Participation

    return organisation is not None and (
        organisation.kind in {OrganisationKind.NGO, OrganisationKind.UNION}
        or organisation.participation == Participation.SUPPORTER
    )


def can_manage_confidentiality(user) -> bool:
    """Record agreements signed on paper, revoke agreements, see every agreement."""
    return is_secretariat(user)


def can_see_own_confidentiality(user) -> bool:
    """The people of an NGO, union or supporter see their organisation's agreements."""
    return bool(
        user.is_authenticated
        and user.is_active
        and can_hold_confidentiality(user.organisation)
    )


def can_sign_confidentiality(user) -> bool:
    """An administrator of an NGO, union or supporter signs on its behalf."""
    return can_see_own_confidentiality(user) and user.is_organisation_admin


def confidentiality_visible_to(user) -> QuerySet:
    """The agreements this person may open: all for the secretariat, their own
    organisation's for the people of an NGO, union or supporter."""
    from .models.confidentiality import ConfidentialityAgreement

    if can_manage_confidentiality(user):
        return ConfidentialityAgreement.objects.all()
    if can_see_own_confidentiality(user):
        return ConfidentialityAgreement.objects.filter(
            organisation_id=user.organisation_id
        )
    return ConfidentialityAgreement.objects.none()


def can_manage_modules(user) -> bool:
    return is_secretariat(user)


def can_see_modules(user) -> bool:
    """Every signed-in person of an active party or supporter, the Kerngroep, the chair
    and the secretariat."""
    from .models import OrganisationStatus, Participation

    if not (user.is_authenticated and user.is_active):
        return False
    if user_roles(user) & {Role.SECRETARIAT, Role.KERNGROEP, Role.CHAIR}:
        return True
    organisation = user.organisation
    return bool(
        organisation is not None
        and organisation.participation in {Participation.PARTY, Participation.SUPPORTER}
        and organisation.status
        in {OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING}
    )


# Yearly documents (art. 50, 63-64)


def can_manage_yearly_documents(user) -> bool:
    """Upload documents and record their status (the Kerngroep's review and adoption
    happen in its meetings; the secretariat records them)."""
    return is_secretariat(user)


def can_see_unpublished_yearly_documents(user) -> bool:
    return bool(user_roles(user) & {Role.SECRETARIAT, Role.KERNGROEP, Role.CHAIR})


def can_see_yearly_documents(user) -> bool:
    """Published documents are for every signed-in person."""
    return bool(user.is_authenticated and user.is_active)


def yearly_document_visible_to(user) -> QuerySet:
    """Every yearly document for the secretariat, the Kerngroep and the chair; the
    published ones for everybody else who is signed in."""
    from .models.confidentiality import YearlyDocument, YearlyDocumentStatus

    if can_see_unpublished_yearly_documents(user):
        return YearlyDocument.objects.all()
    if can_see_yearly_documents(user):
        return YearlyDocument.objects.filter(status=YearlyDocumentStatus.PUBLISHED)
    return YearlyDocument.objects.none()


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


def can_see_complaints(user) -> bool:
    """The list of complaints: those who may file one (their own), and those who
    handle them."""
    return can_file_complaint(user) or _sees_all_complaints(user)


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
