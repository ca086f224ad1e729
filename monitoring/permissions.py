"""Who may see and do what in the monitoring tool. A company sees and changes only its
own assessments; after submission its answers are read-only except, in the improvement
window, the parts that scored insufficient."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from governance.models import (
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Participation,
)
from governance.permissions import Role, is_secretariat, user_roles

from .models import (
    Assessment,
    AssessmentStatus,
    PlanOfApproach,
    RiskEntry,
    RoundStatus,
    ScoreKind,
)

EDITABLE_STATUSES = frozenset({AssessmentStatus.INVITED, AssessmentStatus.IN_PROGRESS})


def can_manage_monitoring(user) -> bool:
    """Frameworks, rounds, invitations, reviews, talks and overviews."""
    return is_secretariat(user)


def is_company_user(user) -> bool:
    return Role.COMPANY in user_roles(user)


def assessment_visible_to(user) -> QuerySet[Assessment]:
    """All assessments for the secretariat; a company's own for its people; none else."""
    qs = Assessment.objects.select_related("round", "round__framework", "organisation")
    if is_secretariat(user):
        return qs
    if (
        is_company_user(user)
        and user.organisation is not None
        and user.organisation.kind == OrganisationKind.COMPANY
    ):
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()


def is_own_assessment(user, assessment: Assessment) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and is_company_user(user)
        and user.organisation_id == assessment.organisation_id
    )


def can_fill_in(user, assessment: Assessment) -> bool:
    """The company may answer while the round is open and it has not submitted, or while
    its improvement window is open."""
    if not is_own_assessment(user, assessment):
        return False
    if assessment.status == AssessmentStatus.IMPROVING:
        # The window ends on its closing date, even before the task gives the final
        # judgement.
        return (
            assessment.window_closes_on is None
            or timezone.localdate() <= assessment.window_closes_on
        )
    return (
        assessment.status in EDITABLE_STATUSES
        and assessment.round.status == RoundStatus.OPEN
    )


def editable_question_codes(assessment: Assessment) -> frozenset[str] | None:
    """None means every question may change; otherwise only these codes may. In the
    improvement window those are the parts the first judgement found insufficient or
    unsubstantiated (art. 11)."""
    if assessment.status in EDITABLE_STATUSES:
        return None
    if assessment.status != AssessmentStatus.IMPROVING:
        return frozenset()
    first = next(
        (s for s in assessment.scores.all() if s.kind == ScoreKind.FIRST), None
    )
    if first is None:
        return frozenset()
    result = first.result
    return frozenset(result.get("insufficient", [])) | frozenset(
        result.get("unsubstantiated", [])
    )


def can_change_answer(user, assessment: Assessment, question_code: str) -> bool:
    if not can_fill_in(user, assessment):
        return False
    editable = editable_question_codes(assessment)
    return editable is None or question_code in editable


def can_view_evidence(user, assessment: Assessment) -> bool:
    return is_secretariat(user) or is_own_assessment(user, assessment)


# --- Plans of approach and risk analyses ----------------------------------------------


def is_own_company(user, organisation_id: int | None) -> bool:
    """A person of this company, which is a company."""
    return bool(
        user.is_authenticated
        and user.is_active
        and is_company_user(user)
        and user.organisation is not None
        and user.organisation.kind == OrganisationKind.COMPANY
        and user.organisation_id == organisation_id
    )


def can_hand_in_plans(user) -> bool:
    """Company people hand in their own plan of approach and keep their risk analysis."""
    return is_own_company(user, getattr(user, "organisation_id", None))


def plan_visible_to(user) -> QuerySet[PlanOfApproach]:
    qs = PlanOfApproach.objects.select_related("organisation", "agreement_year")
    if is_secretariat(user):
        return qs
    if can_hand_in_plans(user):
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()


def risk_visible_to(user) -> QuerySet[RiskEntry]:
    qs = RiskEntry.objects.select_related("organisation", "agreement_year")
    if is_secretariat(user):
        return qs
    if can_hand_in_plans(user):
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()


# --- NGO insight (art. 13) -------------------------------------------------------------

# A party that takes part today: active, or withdrawing but bound until it takes effect.
_TAKING_PART = frozenset({OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING})
INSIGHT_KINDS = frozenset({OrganisationKind.NGO, OrganisationKind.UNION})


def insight_active_party(organisation) -> bool:
    """An NGO or union that is a party taking part today."""
    return bool(
        organisation is not None
        and organisation.kind in INSIGHT_KINDS
        and organisation.participation == Participation.PARTY
        and organisation.status in _TAKING_PART
    )


def is_insight_person(user) -> bool:
    """A person of an NGO or union: the insight pages are theirs (what they show
    depends on the organisation's entitlement and grants)."""
    return bool(
        Role.NGO_UNION in user_roles(user)
        and user.organisation is not None
        and user.organisation.kind in INSIGHT_KINDS
    )


def can_manage_insight(user) -> bool:
    """Grant, see and revoke NGO insight into companies."""
    return is_secretariat(user)


def can_see_insight_log(user) -> bool:
    """A company's people see which organisations viewed its results."""
    return is_own_company(user, getattr(user, "organisation_id", None))


def insight_group_name(organisation_id: int) -> str:
    """The auth group that holds an NGO's or union's grants; nobody needs to be in it."""
    return f"insight:organisation:{organisation_id}"


def insight_company_visible_to(user, *, on=None) -> QuerySet[Organisation]:
    """The companies whose results this NGO or union person may see now: their
    organisation is an active party, takes part in a running module, holds a valid NDA,
    and its group holds the insight permission on the company (django-guardian, direct
    foreign key, no global permissions); a grant made through a module holds only while
    the organisation takes part in that module. Checked at every request, so a grant
    lapses the moment one of these ends. A fixed number of queries."""
    from django.contrib.auth.models import Group
    from guardian.shortcuts import get_objects_for_group

    from governance.models.confidentiality import ModuleParticipation, running_on_q
    from governance.permissions import ngo_insight_entitled

    from .models import INSIGHT_PERMISSION, CompanyInsightGrant

    companies = Organisation.objects.filter(kind=OrganisationKind.COMPANY)
    if not is_insight_person(user):
        return companies.none()
    organisation = user.organisation
    day = on or timezone.localdate()
    if not (
        insight_active_party(organisation)
        and ngo_insight_entitled(organisation, on=day)
    ):
        return companies.none()
    group = Group.objects.filter(name=insight_group_name(organisation.pk)).first()
    if group is None:
        return companies.none()
    granted = get_objects_for_group(
        group, INSIGHT_PERMISSION, klass=companies, accept_global_perms=False
    )
    taking_part = ModuleParticipation.objects.filter(
        running_on_q(day), running_on_q(day, "module__"), organisation=organisation
    ).values("module_id")
    lapsed = CompanyInsightGrant.objects.filter(
        organisation=organisation, module__isnull=False
    ).exclude(module_id__in=taking_part)
    return granted.exclude(pk__in=lapsed.values("content_object_id"))
