"""Who may see and do what in the monitoring tool. A company sees and changes only its
own assessments; after submission its answers are read-only except, in the improvement
window, the parts that scored insufficient."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from governance.models import OrganisationKind
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
