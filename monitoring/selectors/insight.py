"""Reads of NGO insight (art. 13), scoped to the person asking.

What an NGO or union sees of a company is built here as plain dataclasses that hold the
permitted fields only: the final score, signal and level; the score, level and advice of
the steps and questions the framework marks `ngo_visible`; and the summary of the latest
plan of approach. Answers, explanations, evidence, production locations and the plan's
file never enter them, so a template cannot show them by mistake."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from convenant.models import AuditEntry
from governance.models import Organisation, OrganisationKind
from governance.models.confidentiality import ConfidentialityKind, Module
from governance.permissions import confidentiality_valid, module_participant

from .. import permissions
from ..framework import Framework
from ..models import (
    Assessment,
    CompanyInsightGrant,
    PlanOfApproach,
    ScoreRecord,
    Signal,
)
from ..scoring import AnswerError
from .assessments import (
    AdviceLine,
    StepScore,
    _judgement,
    _score,
    _with_scores,
    latest_judgement,
    text_in,
)

# --- Entitlement --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entitlement:
    """What an organisation needs to see companies' results, each part on its own, so
    that a page can say what is missing."""

    active_party: bool
    nda_valid: bool
    module_participant: bool

    @property
    def entitled(self) -> bool:
        return self.active_party and self.nda_valid and self.module_participant


def insight_entitlement(
    organisation: Organisation, *, on: dt.date | None = None
) -> Entitlement:
    day = on or timezone.localdate()
    return Entitlement(
        active_party=permissions.insight_active_party(organisation),
        nda_valid=confidentiality_valid(
            organisation, kind=ConfidentialityKind.NDA, on=day
        ),
        module_participant=module_participant(organisation, on=day),
    )


# --- The NGO's side -----------------------------------------------------------------------


@dataclass(frozen=True)
class InsightCompanyRow:
    pk: int
    name: str
    granted_at: dt.datetime
    module_code: str


def insight_company_list(*, user) -> list[InsightCompanyRow]:
    """The companies the person's organisation may see now, by name, with when and
    through which module the grant was made (a fixed number of queries)."""
    companies = permissions.insight_company_visible_to(user)
    grants = (
        CompanyInsightGrant.objects.filter(
            organisation_id=user.organisation_id,
            content_object__in=companies,
        )
        .select_related("content_object", "module")
        .order_by("content_object__name", "pk")
    )
    return [
        InsightCompanyRow(
            pk=grant.content_object_id,
            name=grant.content_object.name,
            granted_at=grant.granted_at,
            module_code=grant.module.code if grant.module else "",
        )
        for grant in grants
    ]


def insight_company_get(*, user, pk: int) -> Organisation:
    """A company the person's organisation may see now; 404 for any other."""
    company = permissions.insight_company_visible_to(user).filter(pk=pk).first()
    if company is None:
        raise Http404
    return company


@dataclass(frozen=True)
class QuestionScore:
    code: str
    text: str
    step_title: str
    score: Decimal | None


@dataclass(frozen=True)
class PlanSummary:
    year: str
    themes: tuple[str, ...]
    risks_addressed: str
    planned_actions: str


@dataclass(frozen=True)
class InsightPage:
    company_name: str
    round_name: str
    judgement_kind: str
    computed_at: dt.datetime | None
    final_score: Decimal | None
    level: int | None
    level_name: str
    signal: str | None
    steps: tuple[StepScore, ...]
    questions: tuple[QuestionScore, ...]
    advice: tuple[AdviceLine, ...]
    plan: PlanSummary | None

    @property
    def signal_label(self) -> str:
        return str(Signal(self.signal).label) if self.signal else ""

    @property
    def judged(self) -> bool:
        return bool(self.round_name)


def _latest_judged(company: Organisation) -> Assessment | None:
    """The company's assessment of its latest round that has a judgement."""
    return (
        _with_scores(
            Assessment.objects.select_related("round__framework").filter(
                organisation=company, scores__isnull=False
            )
        )
        .distinct()
        .order_by("-round__opens_on", "-round_id")
        .first()
    )


def _question_scores(
    assessment: Assessment, record: ScoreRecord, framework: Framework
) -> dict[str, Decimal | None]:
    """Each question's score: as stored with the judgement, or, for a judgement stored
    before question scores were kept, computed from the scoring function over the
    stored answers. Only the scores leave this function, never the answers."""
    stored = record.result.get("questions")
    if stored is not None:
        return {code: _score(data.get("score")) for code, data in stored.items()}
    if record.framework_id != assessment.round.framework_id:
        return {}
    from ..services.judgements import assessment_result

    try:
        result = assessment_result(assessment)
    except AnswerError:
        return {}
    return {
        code: _score(float(question.score))
        for code, question in result.questions.items()
        if question.score is not None
    }


def _plan_summary(company: Organisation) -> PlanSummary | None:
    plan = (
        PlanOfApproach.objects.filter(organisation=company)
        .select_related("agreement_year")
        .order_by("-agreement_year__starts_on")
        .first()
    )
    if plan is None:
        return None
    return PlanSummary(
        year=str(plan.agreement_year),
        themes=tuple(plan.theme_labels()),
        risks_addressed=plan.risks_addressed,
        planned_actions=plan.planned_actions,
    )


def insight_page(*, company: Organisation, language: str) -> InsightPage:
    """What an entitled NGO sees of `company`: the latest final judgement (else the
    first) of its latest judged round, cut down to the ngo_visible steps and questions,
    and its latest plan summary. A fixed number of queries."""
    assessment = _latest_judged(company)
    plan = _plan_summary(company)
    record = latest_judgement(assessment) if assessment is not None else None
    if assessment is None or record is None:
        return InsightPage(
            company_name=company.name,
            round_name="",
            judgement_kind="",
            computed_at=None,
            final_score=None,
            level=None,
            level_name="",
            signal=None,
            steps=(),
            questions=(),
            advice=(),
            plan=plan,
        )
    framework = record.framework.parsed
    judgement = _judgement(record, framework, language)
    visible_steps = {step.code for step in framework.steps if step.ngo_visible}
    visible_questions = {q.code for q in framework.questions if q.ngo_visible}
    scores = _question_scores(assessment, record, framework)
    profile = assessment.profile or {}
    questions = tuple(
        QuestionScore(
            code=question.code,
            text=text_in(question.text, language),
            step_title=text_in(step.title, language),
            score=scores.get(question.code),
        )
        for step in framework.steps
        for question in step.questions
        if question.ngo_visible
        and question.scored
        and question.applies_if.holds(profile)
    )
    return InsightPage(
        company_name=company.name,
        round_name=assessment.round.name,
        judgement_kind=str(record.get_kind_display()),
        computed_at=record.computed_at,
        final_score=judgement.final_score,
        level=judgement.level,
        level_name=judgement.level_name,
        signal=judgement.signal,
        steps=tuple(s for s in judgement.steps if s.code in visible_steps),
        questions=questions,
        advice=tuple(
            line
            for line in judgement.advice
            if line.question is not None and line.question.code in visible_questions
        ),
        plan=plan,
    )


# --- The secretariat's side ---------------------------------------------------------------


def insight_grant_list(
    *,
    user,
    organisation: Organisation | None = None,
    company: Organisation | None = None,
) -> QuerySet[CompanyInsightGrant]:
    """Every grant, per NGO then company, optionally for one NGO or one company."""
    if not permissions.can_manage_insight(user):
        return CompanyInsightGrant.objects.none()
    qs = CompanyInsightGrant.objects.select_related(
        "organisation", "content_object", "module", "granted_by"
    ).order_by("organisation__name", "content_object__name", "pk")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if company is not None:
        qs = qs.filter(content_object=company)
    return qs


def insight_grant_get(*, user, pk: int) -> CompanyInsightGrant:
    grant = insight_grant_list(user=user).filter(pk=pk).first()
    if grant is None:
        raise Http404
    return grant


def insight_grantees() -> QuerySet[Organisation]:
    """The NGOs and unions the secretariat can pick from."""
    return Organisation.objects.filter(kind__in=permissions.INSIGHT_KINDS).order_by(
        "name"
    )


def insight_companies() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.COMPANY).order_by("name")


def insight_modules() -> QuerySet[Module]:
    return Module.objects.order_by("code")


# --- The company's side -------------------------------------------------------------------


@dataclass(frozen=True)
class AccessLogRow:
    organisation: str
    occurred_at: dt.datetime


def insight_access_log(*, user, limit: int = 500) -> list[AccessLogRow]:
    """Which organisations viewed the person's company's results, and when, newest
    first (one query). People's names are left out: the organisation answers for them
    under its agreement."""
    if not permissions.can_see_insight_log(user):
        return []
    rows = (
        AuditEntry.objects.filter(
            organisation_id=user.organisation_id, action="insight.view"
        )
        .order_by("-occurred_at", "-id")
        .values_list("details", "occurred_at")[:limit]
    )
    return [
        AccessLogRow(organisation=details.get("viewer", ""), occurred_at=occurred_at)
        for details, occurred_at in rows
    ]


def insight_holders(*, user) -> list[str]:
    """The names of the organisations that hold insight into the person's company now
    (grants still on the books; one query)."""
    if not permissions.can_see_insight_log(user):
        return []
    return list(
        CompanyInsightGrant.objects.filter(content_object_id=user.organisation_id)
        .order_by("organisation__name")
        .values_list("organisation__name", flat=True)
    )
