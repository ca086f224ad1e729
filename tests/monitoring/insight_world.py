"""Objects for the NGO-insight tests: an entitled NGO, and a judged company whose
confidential data carries marker strings that must never reach the NGO's page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.base import ContentFile

from governance.models import Organisation
from monitoring.models import (
    Answer,
    Assessment,
    CompanyInsightGrant,
    PlanOfApproach,
    RiskEntry,
)
from monitoring.services import insight as services
from monitoring.services.judgements import assessment_submit
from tests.conftest import make_person
from tests.governance.factories import (
    ConfidentialityAgreementFactory,
    ModuleFactory,
    ModuleParticipationFactory,
    OrganisationFactory,
)
from tests.ketenkaart.factories import LocationFactory, LocationListFactory
from tests.monitoring.company_factories import (
    company_person,
    pdf_bytes,
    profiled_assessment,
    stored_evidence,
)
from tests.monitoring.factories import RoundFactory, agreement_year

# Strings of a company's confidential data: none may appear on the NGO's page.
MARKERS = {
    "explanation_hidden": "MARKER-EXPLANATION-ONE",
    "explanation_visible": "MARKER-EXPLANATION-TWO",
    "text_answer": "MARKER-TEXT-ANSWER",
    "number_answer": "987654",
    "evidence": "MARKER-EVIDENCE-FILE.pdf",
    "location": "MARKER-LOCATION Mining S.A.",
    "location_address": "MARKER-ADDRESS 12",
    "plan_file": "MARKER-PLAN-FILE.pdf",
    "plan_link": "https://marker-report.example/csrd",
    "risk_explanation": "MARKER-RISK-EXPLANATION",
    # Framework texts of a step and questions that are not ngo_visible, and advice on
    # them (1.1 answered "none" is insufficient and gets this advice).
    "hidden_step": "Policy and management systems",
    "hidden_question": "Do you have an RBC policy?",
    "hidden_question_2": "Which topics does the policy cover?",
    "hidden_advice": "Start with a policy statement.",
    "hidden_advice_2": "Cover every topic.",
}
VISIBLE_ADVICE = "Make a risk analysis."
PLAN_RISKS = "Child labour at artisanal cobalt mines."
PLAN_ACTIONS = "Audit the smelter in 2026."


@dataclass
class Insight:
    ngo: Organisation
    person: object
    secretariat: object
    module: object
    company: Organisation
    assessment: Assessment
    company_person: object


def entitle(ngo: Organisation, secretariat, *, module=None):
    """A valid NDA and participation in a running module for `ngo`."""
    ConfidentialityAgreementFactory(organisation=ngo, nda=True, recorded_by=secretariat)
    module = module or ModuleFactory(updated_by=secretariat)
    ModuleParticipationFactory(module=module, organisation=ngo, added_by=secretariat)
    return module


def judged_company(name: str = "Kobalt Metaal B.V.") -> tuple[Assessment, object]:
    """A company that submitted its assessment (a real judgement through the service)
    with marker strings in every confidential field."""
    round_ = RoundFactory()
    company = OrganisationFactory(name=name)
    assessment = profiled_assessment(round=round_, organisation=company)
    person = company_person(assessment, organisation_role="admin")
    for code, value, explanation in (
        ("1.1", "none", MARKERS["explanation_hidden"]),
        ("1.2", ["labour"], ""),
        ("1.3", int(MARKERS["number_answer"]), ""),
        ("1.4", MARKERS["text_answer"], ""),
        ("2.1", "no", MARKERS["explanation_visible"]),
    ):
        Answer.objects.create(
            assessment=assessment,
            question_code=code,
            value=value,
            explanation=explanation,
            revision=1,
            updated_by=person,
        )
    stored_evidence(assessment, code="1.1", name=MARKERS["evidence"], person=person)
    stored_evidence(assessment, code="2.1", name=MARKERS["evidence"], person=person)
    assessment_submit(assessment=assessment, actor=person)
    LocationFactory(
        location_list=LocationListFactory(company=company),
        supplier_name=MARKERS["location"],
        address=MARKERS["location_address"],
    )
    year = agreement_year(1)
    plan = PlanOfApproach(
        organisation=company,
        agreement_year=year,
        themes=["child_labour"],
        risks_addressed=PLAN_RISKS,
        planned_actions=PLAN_ACTIONS,
        original_name=MARKERS["plan_file"],
        report_link=MARKERS["plan_link"],
        submitted_by=person,
    )
    plan.file.save("upload", ContentFile(pdf_bytes()), save=False)
    plan.save()
    RiskEntry.objects.create(
        organisation=company,
        agreement_year=year,
        theme="child_labour",
        country="CD",
        material="cobalt",
        scale=5,
        scope=4,
        irremediability=5,
        likelihood=3,
        explanation=MARKERS["risk_explanation"],
        updated_by=person,
    )
    assessment.refresh_from_db()
    return assessment, person


def insight_world(*, grant: bool = True) -> Insight:
    secretariat = make_person("secretariat")
    person = make_person("ngo")
    ngo = person.organisation
    module = entitle(ngo, secretariat)
    assessment, owner = judged_company()
    if grant:
        services.insight_grant(
            organisation=ngo, company=assessment.organisation, actor=secretariat
        )
    return Insight(
        ngo=ngo,
        person=person,
        secretariat=secretariat,
        module=module,
        company=assessment.organisation,
        assessment=assessment,
        company_person=owner,
    )


def raw_grant(ngo, company, secretariat, module=None) -> CompanyInsightGrant:
    """A grant made without the service's checks, as a lapsed one would be."""
    return CompanyInsightGrant.objects.create(
        group=services.insight_group(ngo),
        permission=services.insight_permission(),
        content_object=company,
        organisation=ngo,
        module=module,
        granted_by=secretariat,
    )


def yesterday() -> dt.date:
    from django.utils import timezone

    return timezone.localdate() - dt.timedelta(days=1)
