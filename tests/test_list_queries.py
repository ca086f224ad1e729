"""Every list page of the platform costs as many queries at 1,000 rows as at 10.

A registry (PAGES) names each page that shows rows growing with the data, the role
that sees most of them, and a `grow` function that adds rows with bulk_create, together
with the related rows each one shows (its organisation, its author, its children), so a
query per row on any of them would show. A page is measured at 10 and at 1,000 rows,
after one warm-up request of the session; paginated pages show their first page. The
page must also have grown, so a `grow` that misses the page fails too. A coverage
test keeps the registry complete: every URL name that reads like a list is either
registered or exempted with a reason.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from convenant.models import AgreementYear, AuditEntry, Reminder, ReportRun
from convenant.selectors import agreement_current, agreement_year_on
from convenant.vocabulary import Activity
from governance.models import (
    AccessionApplication,
    AccessionResponse,
    AgendaDocument,
    AgendaItem,
    AssemblyBallot,
    AssemblyVote,
    Complaint,
    ConfidentialityAgreement,
    Contribution,
    Decision,
    DecisionVote,
    Invitation,
    KerngroepSeat,
    Meeting,
    MeetingGuest,
    Module,
    ModuleParticipation,
    NewsItem,
    Organisation,
    OrganisationKind,
    Participation,
    Removal,
    RemovalReminder,
    Signature,
    User,
    WithdrawalNotice,
)
from ketenkaart.m49 import COUNTRIES
from ketenkaart.models import (
    AreaRequest,
    DisclosureRule,
    ExpertiseProfile,
    ListStatus,
    Location,
    LocationList,
    LocationRelease,
    ReleaseCell,
    RestrictedDisclosure,
    SupplierReport,
    SupplierReportCompany,
    SupplierReportNote,
)
from monitoring.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    CompanyInsightGrant,
    ImprovementTalk,
    PlanOfApproach,
    ReviewComment,
    RiskEntry,
    Round,
    ScoreKind,
    ScoreRecord,
    Signal,
    TalkAction,
)
from monitoring.services.insight import insight_group, insight_permission
from tests.conftest import make_person
from tests.governance.factories import (
    SIGNED,
    ConfidentialityAgreementFactory,
    ModuleFactory,
    ModuleParticipationFactory,
    OrganisationFactory,
)
from tests.ketenkaart.factories import YEAR
from tests.monitoring.factories import FrameworkFactory, RoundFactory

pytestmark = pytest.mark.django_db

SMALL = 10
LARGE = 1_000
BATCH = 500


# --- The world a page is measured in -------------------------------------------------


@dataclass
class World:
    """The signed-in person, their organisation, and the objects a page is about
    (`objects`, filled by a page's `setup`)."""

    role: str
    person: User
    secretariat: User
    objects: dict[str, object] = field(default_factory=dict)

    @property
    def organisation(self) -> Organisation:
        return self.person.organisation

    @property
    def year(self) -> AgreementYear:
        if "year" not in self.objects:
            self.objects["year"] = agreement_year_on(agreement=agreement_current())
        return self.objects["year"]


_counter = itertools.count(1)


def unique() -> int:
    return next(_counter)


def numbered(world: World, key: str) -> int:
    """The next of a small number within the world (positions, editions): they count
    from one in each test, so they fit a small integer column."""
    counter = world.objects.setdefault(f"{key}-numbers", itertools.count(1))
    return next(counter)


def organisations(count: int, **fields) -> list[Organisation]:
    built = OrganisationFactory.build_batch(count, **fields)
    return Organisation.objects.bulk_create(built, batch_size=BATCH)


def people(orgs: list[Organisation]) -> list[User]:
    """One person in each organisation."""
    return User.objects.bulk_create(
        [
            User(
                email=f"row-{unique()}@example.org",
                first_name="Row",
                last_name=str(organisation.pk),
                organisation=organisation,
                password="!",  # unusable: nobody signs in as these people
            )
            for organisation in orgs
        ],
        batch_size=BATCH,
    )


def companies_with_people(count: int) -> tuple[list[Organisation], list[User]]:
    orgs = organisations(count)
    return orgs, people(orgs)


def year_start(world: World) -> dt.datetime:
    return dt.datetime.combine(
        world.year.starts_on, dt.time(10), tzinfo=dt.UTC
    ) + dt.timedelta(days=1)


# --- Grow functions: each adds `count` rows of its page ------------------------------


def grow_organisations(world: World, count: int) -> None:
    people(organisations(count))


def grow_invitations(world: World, count: int) -> None:
    """People and open invitations of one organisation (its detail page)."""
    organisation = world.objects["organisation"]
    people([organisation] * count)
    now = timezone.now()
    Invitation.objects.bulk_create(
        [
            Invitation(
                organisation=organisation,
                email=f"invited-{unique()}@example.org",
                token_hash=f"{unique():064d}",
                invited_by=world.secretariat,
                expires_at=now + dt.timedelta(days=7),
            )
            for _ in range(count)
        ],
        batch_size=BATCH,
    )


def grow_contributions(world: World, count: int) -> None:
    orgs = organisations(count)
    Contribution.objects.bulk_create(
        [
            Contribution(
                organisation=organisation,
                agreement_year=world.year,
                fte=120,
                amount=Decimal("1500.00"),
            )
            for organisation in orgs
        ],
        batch_size=BATCH,
    )


def grow_seats(world: World, count: int) -> None:
    """Past seats, each with its representatives (the seats' history)."""
    orgs = organisations(count, branch=True)
    persons = people(orgs)
    start = dt.date(2000, 1, 1)
    KerngroepSeat.objects.bulk_create(
        [
            KerngroepSeat(
                constituency="branch",
                organisation=organisation,
                regular_representative=person,
                starts_on=start,
                ends_on=start + dt.timedelta(days=1),
            )
            for organisation, person in zip(orgs, persons, strict=True)
        ],
        batch_size=BATCH,
    )


def grow_meetings(world: World, count: int) -> None:
    """Meetings of the year, each with an agenda item and a guest."""
    start = year_start(world)
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                agreement_year=world.year,
                starts_at=start + dt.timedelta(minutes=unique()),
                location="Den Haag",
                created_by=world.secretariat,
            )
            for _ in range(count)
        ],
        batch_size=BATCH,
    )
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, position=1, title="Opening")
            for meeting in meetings
        ],
        batch_size=BATCH,
    )
    MeetingGuest.objects.bulk_create(
        [
            MeetingGuest(meeting=meeting, name="Gast", proposed_by=world.secretariat)
            for meeting in meetings
        ],
        batch_size=BATCH,
    )


def with_meeting(world: World) -> None:
    world.objects["meeting"] = Meeting.objects.create(
        agreement_year=world.year,
        starts_at=year_start(world),
        location="Den Haag",
        created_by=world.secretariat,
    )


def grow_agenda(world: World, count: int) -> None:
    """Agenda items of one meeting, each with a document, a decision and a guest."""
    meeting = world.objects["meeting"]
    items = AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                position=numbered(world, "position"),
                title=f"Agendapunt {unique()}",
                visibility="outline",
                outline="In hoofdlijnen.",
            )
            for _ in range(count)
        ],
        batch_size=BATCH,
    )
    AgendaDocument.objects.bulk_create(
        [
            AgendaDocument(
                item=item,
                file=f"agenda/{item.pk}.pdf",
                original_name="stuk.pdf",
                content_type="application/pdf",
                size=10,
                uploaded_by=world.secretariat,
            )
            for item in items
        ],
        batch_size=BATCH,
    )
    Decision.objects.bulk_create(
        [
            Decision(
                title=f"Besluit {item.pk}",
                proposal="Voorstel.",
                agenda_item=item,
                created_by=world.secretariat,
            )
            for item in items
        ],
        batch_size=BATCH,
    )
    MeetingGuest.objects.bulk_create(
        [
            MeetingGuest(meeting=meeting, name="Gast", proposed_by=world.secretariat)
            for _ in range(count)
        ],
        batch_size=BATCH,
    )


def grow_decisions(world: World, count: int) -> None:
    """Decisions, each with a recorded vote of a seat."""
    orgs = organisations(count, branch=True)
    persons = people(orgs)
    decisions = Decision.objects.bulk_create(
        [
            Decision(
                title=f"Besluit {unique()}",
                proposal="Voorstel.",
                created_by=world.secretariat,
            )
            for _ in range(count)
        ],
        batch_size=BATCH,
    )
    DecisionVote.objects.bulk_create(
        [
            DecisionVote(
                decision=decision,
                constituency="branch",
                organisation=organisation,
                voter=person,
                vote="for",
                recorded_by=world.secretariat,
            )
            for decision, organisation, person in zip(
                decisions, orgs, persons, strict=True
            )
        ],
        batch_size=BATCH,
    )


def with_assembly(world: World) -> None:
    decision = Decision.objects.create(
        title="Besluit", proposal="Voorstel.", created_by=world.secretariat
    )
    world.objects["decision"] = decision
    world.objects["assembly"] = AssemblyVote.objects.create(
        decision=decision,
        closes_at=timezone.now() + dt.timedelta(days=7),
        opened_by=world.secretariat,
    )


def grow_ballots(world: World, count: int) -> None:
    orgs, persons = companies_with_people(count)
    AssemblyBallot.objects.bulk_create(
        [
            AssemblyBallot(
                assembly_vote=world.objects["assembly"],
                organisation=organisation,
                vote="for",
                cast_by=person,
            )
            for organisation, person in zip(orgs, persons, strict=True)
        ],
        batch_size=BATCH,
    )


def _applications(world: World, count: int) -> list[AccessionApplication]:
    orgs = organisations(count, status="applicant", signed_on=None)
    return AccessionApplication.objects.bulk_create(
        [
            AccessionApplication(
                organisation=organisation,
                participation=organisation.participation,
                letter=f"letters/{organisation.pk}.pdf",
                letter_name="brief.pdf",
                letter_type="application/pdf",
                contact_name="Sanne de Vries",
                contact_email=f"contact-{organisation.pk}@example.org",
                endorsement_confirmed=True,
            )
            for organisation in orgs
        ],
        batch_size=BATCH,
    )


def grow_applications(world: World, count: int) -> None:
    _applications(world, count)


def with_application(world: World) -> None:
    world.objects["application"] = _applications(world, 1)[0]


def grow_responses(world: World, count: int) -> None:
    orgs, persons = companies_with_people(count)
    AccessionResponse.objects.bulk_create(
        [
            AccessionResponse(
                application=world.objects["application"],
                organisation=organisation,
                kind="objection",
                text="Bezwaar.",
                created_by=person,
            )
            for organisation, person in zip(orgs, persons, strict=True)
        ],
        batch_size=BATCH,
    )


def grow_signatures(world: World, count: int) -> None:
    orgs = organisations(
        count,
        kind=OrganisationKind.NGO,
        fte=None,
        csrd_category="",
        participation=Participation.SUPPORTER,
    )
    persons = people(orgs)
    Signature.objects.bulk_create(
        [
            Signature(
                organisation=organisation,
                document="supporter_declaration",
                version="2025-1",
                signed_by=person,
            )
            for organisation, person in zip(orgs, persons, strict=True)
        ],
        batch_size=BATCH,
    )


def grow_signature_versions(world: World, count: int) -> None:
    """Signatures of one organisation, one per version of the texts."""
    organisation = world.objects["organisation"]
    Signature.objects.bulk_create(
        [
            Signature(
                organisation=organisation,
                document="supporter_declaration",
                version=f"2025-{unique()}",
                signed_by=world.secretariat,
            )
            for _ in range(count)
        ],
        batch_size=BATCH,
    )


def grow_confidentiality(world: World, count: int) -> None:
    orgs = organisations(count, ngo=True)
    persons = people(orgs)
    built = ConfidentialityAgreementFactory.build_batch(
        count, organisation=None, recorded_by=world.secretariat
    )
    for item, organisation, person in zip(built, orgs, persons, strict=True):
        item.organisation = organisation
        item.signed_by = person
    ConfidentialityAgreement.objects.bulk_create(built, batch_size=BATCH)


def grow_own_confidentiality(world: World, count: int) -> None:
    built = ConfidentialityAgreementFactory.build_batch(
        count, organisation=world.organisation, recorded_by=world.secretariat
    )
    ConfidentialityAgreement.objects.bulk_create(built, batch_size=BATCH)


def grow_modules(world: World, count: int) -> None:
    """Modules, each with a participant."""
    built = ModuleFactory.build_batch(count, updated_by=world.secretariat)
    for module in built:
        module.code = f"M{unique()}"
    modules = Module.objects.bulk_create(built, batch_size=BATCH)
    orgs = organisations(count, ngo=True)
    ModuleParticipation.objects.bulk_create(
        [
            ModuleParticipation(
                module=module,
                organisation=organisation,
                starts_on=SIGNED,
                added_by=world.secretariat,
            )
            for module, organisation in zip(modules, orgs, strict=True)
        ],
        batch_size=BATCH,
    )


def with_module(world: World) -> None:
    world.objects["module"] = ModuleFactory(updated_by=world.secretariat)


def grow_participants(world: World, count: int) -> None:
    orgs = organisations(count, ngo=True)
    ModuleParticipation.objects.bulk_create(
        [
            ModuleParticipation(
                module=world.objects["module"],
                organisation=organisation,
                starts_on=SIGNED,
                added_by=world.secretariat,
            )
            for organisation in orgs
        ],
        batch_size=BATCH,
    )


def grow_withdrawals(world: World, count: int) -> None:
    orgs, persons = companies_with_people(count)
    WithdrawalNotice.objects.bulk_create(
        [
            WithdrawalNotice(
                organisation=organisation,
                notice_on=dt.date(2026, 1, 5),
                reasons="Stopt met metaal.",
                effective_on=dt.date(2026, 12, 31),
                given_by=person,
            )
            for organisation, person in zip(orgs, persons, strict=True)
        ],
        batch_size=BATCH,
    )


def _removals(world: World, count: int) -> list[Removal]:
    orgs = organisations(count)
    return Removal.objects.bulk_create(
        [
            Removal(
                organisation=organisation,
                ruling="Niet nagekomen.",
                created_by=world.secretariat,
            )
            for organisation in orgs
        ],
        batch_size=BATCH,
    )


def grow_removals(world: World, count: int) -> None:
    removals = _removals(world, count)
    RemovalReminder.objects.bulk_create(
        [
            RemovalReminder(
                removal=removal,
                sent_on=dt.date(2026, 2, 1),
                text="Herinnering.",
                created_by=world.secretariat,
            )
            for removal in removals
        ],
        batch_size=BATCH,
    )


def with_removal(world: World) -> None:
    world.objects["removal"] = _removals(world, 1)[0]


def grow_removal_reminders(world: World, count: int) -> None:
    RemovalReminder.objects.bulk_create(
        [
            RemovalReminder(
                removal=world.objects["removal"],
                sent_on=dt.date(2026, 2, 1),
                text="Herinnering.",
                created_by=world.secretariat,
            )
            for _ in range(count)
        ],
        batch_size=BATCH,
    )


def grow_complaints(world: World, count: int) -> None:
    complainants, persons = companies_with_people(count)
    respondents = organisations(count)
    Complaint.objects.bulk_create(
        [
            Complaint(
                complainant=complainant,
                respondent=respondent,
                filed_by=person,
                description="Klacht.",
                already_tried="Gesprek.",
            )
            for complainant, respondent, person in zip(
                complainants, respondents, persons, strict=True
            )
        ],
        batch_size=BATCH,
    )


def grow_news(world: World, count: int) -> None:
    now = timezone.now()
    NewsItem.objects.bulk_create(
        [
            NewsItem(
                title=f"Nieuws {unique()}",
                body="Bericht.",
                published_at=now,
                published_by=world.secretariat,
            )
            for _ in range(count)
        ],
        batch_size=BATCH,
    )


# Monitoring -----------------------------------------------------------------------


def _round(world: World, **fields) -> Round:
    return RoundFactory(created_by=world.secretariat, **fields)


def _assessments(
    rounds: list[Round], orgs: list[Organisation], **fields
) -> list[Assessment]:
    return Assessment.objects.bulk_create(
        [
            Assessment(round=round_, organisation=organisation, **fields)
            for round_, organisation in zip(rounds, orgs, strict=True)
        ],
        batch_size=BATCH,
    )


def _judge(assessments: list[Assessment], signal: str = Signal.ORANGE) -> None:
    """A first judgement of each assessment."""
    records = []
    for assessment in assessments:
        framework = assessment.round.framework
        steps = {
            step["code"]: {"score": 50.0, "level": 3}
            for step in framework.data["steps"]
        }
        records.append(
            ScoreRecord(
                assessment=assessment,
                kind=ScoreKind.FIRST,
                framework=framework,
                final_score=Decimal("50.0"),
                exact_score="50.0",
                level=3,
                signal=signal,
                result={
                    "final_score": 50.0,
                    "level": 3,
                    "signal": signal,
                    "steps": steps,
                    "insufficient": [],
                    "unsubstantiated": [],
                    "critical_failed": [],
                    "advice": [],
                    "modules": {"mandatory": [], "advised": []},
                },
                thresholds={},
            )
        )
    ScoreRecord.objects.bulk_create(records, batch_size=BATCH)


def _rounds(world: World, count: int) -> list[Round]:
    framework = FrameworkFactory()
    built = RoundFactory.build_batch(
        count, framework=framework, created_by=world.secretariat
    )
    for round_ in built:
        round_.agreement_year = world.year
        round_.name = f"Ronde {unique()}"
    return Round.objects.bulk_create(built, batch_size=BATCH)


def grow_frameworks(world: World, count: int) -> None:
    base = FrameworkFactory()
    built = []
    for _ in range(count):
        version = f"{unique()}"
        built.append(
            type(base)(
                code=base.code,
                version=version,
                title=base.title,
                data={**base.data, "version": version},
                source=base.source,
                loaded_by=world.secretariat,
            )
        )
    type(base).objects.bulk_create(built, batch_size=BATCH)


def grow_rounds(world: World, count: int) -> None:
    """Rounds, each with an invited company."""
    rounds = _rounds(world, count)
    _assessments(rounds, organisations(count), status=AssessmentStatus.INVITED)


def with_round(world: World) -> None:
    world.objects["round"] = _round(world, agreement_year=world.year)


def grow_round_assessments(world: World, count: int) -> None:
    """Judged assessments of one round, each of its own company."""
    round_ = world.objects["round"]
    submitted = timezone.now()
    assessments = _assessments(
        [round_] * count,
        organisations(count),
        status=AssessmentStatus.SUBMITTED,
        submitted_at=submitted,
    )
    for assessment in assessments:
        assessment.round = round_
    _judge(assessments)


def grow_talk_queue(world: World, count: int) -> None:
    """Judged (orange) assessments waiting for a talk, and planned talks."""
    round_ = world.objects["round"]
    waiting = _assessments(
        [round_] * count,
        organisations(count),
        status=AssessmentStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    for assessment in waiting:
        assessment.round = round_
    _judge(waiting)
    planned = _assessments(
        [round_] * count,
        organisations(count),
        status=AssessmentStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    ImprovementTalk.objects.bulk_create(
        [
            ImprovementTalk(
                assessment=assessment,
                scheduled_at=timezone.now() + dt.timedelta(days=7),
                created_by=world.secretariat,
            )
            for assessment in planned
        ],
        batch_size=BATCH,
    )


def with_own_assessment(world: World) -> None:
    round_ = _round(world, agreement_year=world.year)
    world.objects["assessment"] = Assessment.objects.create(
        round=round_,
        organisation=world.organisation,
        status=AssessmentStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )


def grow_talks(world: World, count: int) -> None:
    """Talks about one assessment, each with an action."""
    talks = ImprovementTalk.objects.bulk_create(
        [
            ImprovementTalk(
                assessment=world.objects["assessment"],
                scheduled_at=timezone.now() + dt.timedelta(days=unique() % 300),
                created_by=world.secretariat,
            )
            for _ in range(count)
        ],
        batch_size=BATCH,
    )
    TalkAction.objects.bulk_create(
        [
            TalkAction(talk=talk, description="Actie.", due_on=dt.date(2026, 6, 1))
            for talk in talks
        ],
        batch_size=BATCH,
    )


def with_talk(world: World) -> None:
    with_own_assessment(world)
    world.objects["talk"] = ImprovementTalk.objects.create(
        assessment=world.objects["assessment"],
        scheduled_at=timezone.now(),
        created_by=world.secretariat,
    )


def grow_talk_actions(world: World, count: int) -> None:
    TalkAction.objects.bulk_create(
        [
            TalkAction(
                talk=world.objects["talk"],
                description=f"Actie {unique()}.",
                due_on=dt.date(2026, 6, 1),
            )
            for _ in range(count)
        ],
        batch_size=BATCH,
    )


def grow_clarifications(world: World, count: int) -> None:
    """Open clarification requests on answers of one assessment, each with a reply."""
    assessment = world.objects["assessment"]
    answers = Answer.objects.bulk_create(
        [
            Answer(assessment=assessment, question_code=f"q{unique()}", value="yes")
            for _ in range(count)
        ],
        batch_size=BATCH,
    )
    requests = ReviewComment.objects.bulk_create(
        [
            ReviewComment(
                answer=answer,
                kind=ReviewComment.Kind.CLARIFICATION,
                text="Licht toe.",
                author=world.secretariat,
            )
            for answer in answers
        ],
        batch_size=BATCH,
    )
    ReviewComment.objects.bulk_create(
        [
            ReviewComment(
                answer=request.answer,
                parent=request,
                kind=ReviewComment.Kind.CLARIFICATION,
                text="Toelichting.",
                author=world.person,
            )
            for request in requests
        ],
        batch_size=BATCH,
    )


def grow_own_assessments(world: World, count: int) -> None:
    """Assessments of the company in as many rounds, each judged."""
    rounds = _rounds(world, count)
    assessments = _assessments(
        rounds,
        [world.organisation] * count,
        status=AssessmentStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    for assessment, round_ in zip(assessments, rounds, strict=True):
        assessment.round = round_
    _judge(assessments)


def grow_ledger(world: World, count: int) -> None:
    """Judgements of one company in as many rounds."""
    rounds = _rounds(world, count)
    assessments = _assessments(
        rounds,
        [world.objects["company"]] * count,
        status=AssessmentStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    for assessment, round_ in zip(assessments, rounds, strict=True):
        assessment.round = round_
    _judge(assessments)


def with_company(world: World) -> None:
    world.objects["company"] = OrganisationFactory()


def _risks(world: World, orgs: list[Organisation]) -> None:
    RiskEntry.objects.bulk_create(
        [
            RiskEntry(
                organisation=organisation,
                agreement_year=world.year,
                theme="child_labour",
                country="CD",
                material="cobalt",
                scale=3,
                scope=3,
                irremediability=3,
                likelihood=3,
                explanation="Toelichting.",
                updated_by=world.person,
            )
            for organisation in orgs
        ],
        batch_size=BATCH,
    )


def grow_risks(world: World, count: int) -> None:
    _risks(world, [world.organisation] * count)


def grow_company_risks(world: World, count: int) -> None:
    _risks(world, [world.objects["company"]] * count)


def grow_plans(world: World, count: int) -> None:
    """Companies with a plan of approach and a risk for the year."""
    orgs, persons = companies_with_people(count)
    PlanOfApproach.objects.bulk_create(
        [
            PlanOfApproach(
                organisation=organisation,
                agreement_year=world.year,
                risks_addressed="Risico's.",
                planned_actions="Acties.",
                submitted_at=timezone.now(),
                submitted_by=person,
            )
            for organisation, person in zip(orgs, persons, strict=True)
        ],
        batch_size=BATCH,
    )
    _risks(world, orgs)


def _grants(world: World, grantee: Organisation, count: int) -> None:
    companies = organisations(count)
    module = world.objects.get("module")
    group, permission = insight_group(grantee), insight_permission()
    CompanyInsightGrant.objects.bulk_create(
        [
            CompanyInsightGrant(
                group=group,
                permission=permission,
                content_object=company,
                organisation=grantee,
                module=module,
                granted_by=world.secretariat,
            )
            for company in companies
        ],
        batch_size=BATCH,
    )


def with_entitled_ngo(world: World) -> None:
    """A valid NDA and a running module for the NGO: it may see what it was granted."""
    ConfidentialityAgreementFactory(
        organisation=world.organisation, nda=True, recorded_by=world.secretariat
    )
    module = ModuleFactory(updated_by=world.secretariat)
    ModuleParticipationFactory(
        module=module, organisation=world.organisation, added_by=world.secretariat
    )
    world.objects["module"] = module


def grow_insight_held(world: World, count: int) -> None:
    _grants(world, world.organisation, count)


def grow_insight_grants(world: World, count: int) -> None:
    """Grants, each to its own NGO."""
    for grantee in organisations(min(count, 20), ngo=True):
        _grants(world, grantee, max(1, count // 20))


def grow_insight_log(world: World, count: int) -> None:
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                action="insight.view",
                organisation=world.organisation,
                actor_label="NGO",
                details={"viewer": f"NGO {unique()}"},
            )
            for _ in range(count)
        ],
        batch_size=BATCH,
    )


# Ketenkaart -----------------------------------------------------------------------


def _locations(location_list: LocationList, count: int) -> None:
    Location.objects.bulk_create(
        [
            Location(
                location_list=location_list,
                supplier_name=f"Mina {index}",
                normalised_name=f"mina {index}",
                address=f"Camino {index}",
                city="Calama",
                region_code="CL-AN",
                country="CL",
                activity="mining",
                materials=["copper"],
                tier=1 + index % 4,
            )
            for index in (unique() for _ in range(count))
        ],
        batch_size=BATCH,
    )


def with_own_list(world: World) -> None:
    world.objects["list"] = LocationList.objects.create(
        company=world.organisation, year=YEAR
    )


def with_company_list(world: World) -> None:
    company = OrganisationFactory()
    world.objects["company"] = company
    world.objects["list"] = LocationList.objects.create(
        company=company,
        year=YEAR,
        status=ListStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )


def grow_locations(world: World, count: int) -> None:
    _locations(world.objects["list"], count)


def grow_company_lists(world: World, count: int) -> None:
    """Companies with a submitted list and a location on it."""
    orgs, persons = companies_with_people(count)
    lists = LocationList.objects.bulk_create(
        [
            LocationList(
                company=organisation,
                year=YEAR,
                status=ListStatus.SUBMITTED,
                submitted_at=timezone.now(),
                submitted_by=person,
            )
            for organisation, person in zip(orgs, persons, strict=True)
        ],
        batch_size=BATCH,
    )
    Location.objects.bulk_create(
        [
            Location(
                location_list=location_list,
                supplier_name="Mina",
                normalised_name="mina",
                address="Camino 1",
                city="Calama",
                country="CL",
                activity="mining",
                materials=["copper"],
                tier=1,
            )
            for location_list in lists
        ],
        batch_size=BATCH,
    )


def grow_releases(world: World, count: int) -> None:
    LocationRelease.objects.bulk_create(
        [
            LocationRelease(
                year=YEAR,
                number=numbered(world, "release"),
                status="published",
                created_by=world.secretariat,
                published_at=timezone.now(),
            )
            for _ in range(count)
        ],
        batch_size=BATCH,
    )


def with_release(world: World) -> None:
    world.objects["release"] = LocationRelease.objects.create(
        year=YEAR,
        number=1,
        status="published",
        created_by=world.secretariat,
        published_at=timezone.now(),
    )


def grow_cells(world: World, count: int) -> None:
    """Country cells of one release, one per country and activity."""
    cells = world.objects.setdefault(
        "cells", itertools.product(sorted(COUNTRIES), Activity.values)
    )
    ReleaseCell.objects.bulk_create(
        [
            ReleaseCell(
                release=world.objects["release"],
                position=numbered(world, "position"),
                area_level="country",
                area_code=country,
                activity=activity,
                companies_band="1-4",
                exact_companies=1,
                exact_locations=1,
                company_ids=[],
                countries=[country],
            )
            for country, activity in itertools.islice(cells, count)
        ],
        batch_size=BATCH,
    )


def grow_rules(world: World, count: int) -> None:
    DisclosureRule.objects.bulk_create(
        [
            DisclosureRule(
                valid_from=dt.date(2000, 1, 1) + dt.timedelta(days=unique()),
                decided_on=dt.date(2000, 1, 1),
                recorded_by=world.secretariat,
            )
            for _ in range(count)
        ],
        batch_size=BATCH,
    )


def grow_restrictions(world: World, count: int) -> None:
    orgs, persons = companies_with_people(count)
    RestrictedDisclosure.objects.bulk_create(
        [
            RestrictedDisclosure(
                company=organisation,
                requested_level="country",
                reason="Concurrentie.",
                requested_by=person,
            )
            for organisation, person in zip(orgs, persons, strict=True)
        ],
        batch_size=BATCH,
    )


def grow_area_requests(world: World, count: int) -> None:
    orgs = organisations(count, ngo=True)
    persons = people(orgs)
    AreaRequest.objects.bulk_create(
        [
            AreaRequest(
                organisation=organisation,
                area_level="country",
                area_code="CD",
                reason="Onderzoek.",
                requested_by=person,
            )
            for organisation, person in zip(orgs, persons, strict=True)
        ],
        batch_size=BATCH,
    )


def grow_expertise(world: World, count: int) -> None:
    orgs = organisations(count, ngo=True)
    persons = people(orgs)
    ExpertiseProfile.objects.bulk_create(
        [
            ExpertiseProfile(
                organisation=organisation,
                countries=["CD"],
                description="Kennis.",
                contact_name="Contact",
                contact_email=f"expert-{organisation.pk}@example.org",
                updated_by=person,
            )
            for organisation, person in zip(orgs, persons, strict=True)
        ],
        batch_size=BATCH,
    )


def _supplier_reports(world: World, count: int) -> list[SupplierReport]:
    orgs = organisations(count, ngo=True)
    persons = people(orgs)
    return SupplierReport.objects.bulk_create(
        [
            SupplierReport(
                organisation=organisation,
                supplier_name="Mina Cobre",
                normalised_name="mina cobre",
                country="CL",
                activity="mining",
                description="Melding.",
                reported_by=person,
            )
            for organisation, person in zip(orgs, persons, strict=True)
        ],
        batch_size=BATCH,
    )


def grow_supplier_reports(world: World, count: int) -> None:
    """Reports, each matched to a company."""
    reports = _supplier_reports(world, count)
    companies = organisations(count)
    SupplierReportCompany.objects.bulk_create(
        [
            SupplierReportCompany(
                report=report, company=company, notified_by=world.secretariat
            )
            for report, company in zip(reports, companies, strict=True)
        ],
        batch_size=BATCH,
    )


def with_supplier_report(world: World) -> None:
    world.objects["report"] = _supplier_reports(world, 1)[0]


def grow_report_matches(world: World, count: int) -> None:
    """Companies matched to one report, each with a note."""
    report = world.objects["report"]
    companies, persons = companies_with_people(count)
    SupplierReportCompany.objects.bulk_create(
        [
            SupplierReportCompany(
                report=report, company=company, notified_by=world.secretariat
            )
            for company in companies
        ],
        batch_size=BATCH,
    )
    SupplierReportNote.objects.bulk_create(
        [
            SupplierReportNote(
                report=report, company=company, text="Notitie.", author=person
            )
            for company, person in zip(companies, persons, strict=True)
        ],
        batch_size=BATCH,
    )


# Convenant: audit log, reminders, reports ----------------------------------------------


def grow_years(world: World, count: int) -> None:
    """More years of the agreement, after its term (the page lists whatever is set)."""
    agreement = agreement_current()
    last = agreement.years.order_by("-number").first()
    AgreementYear.objects.bulk_create(
        [
            AgreementYear(
                agreement=agreement,
                number=last.number + index,
                starts_on=last.ends_on + dt.timedelta(days=index),
                ends_on=last.ends_on + dt.timedelta(days=index),
            )
            for index in range(1, count + 1)
        ],
        batch_size=BATCH,
    )


def grow_audit(world: World, count: int) -> None:
    orgs, persons = companies_with_people(count)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                action="organisation.update",
                actor=person,
                actor_label=person.email,
                organisation=organisation,
                object_repr=organisation.name,
            )
            for organisation, person in zip(orgs, persons, strict=True)
        ],
        batch_size=BATCH,
    )


def _reminders(world: World, orgs: list[Organisation]) -> None:
    today = timezone.localdate()
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind="location_list",
                organisation=organisation,
                subject_key=f"row-{unique()}",
                deadline=today + dt.timedelta(days=10),
                lead_days=14,
                mailed_at=timezone.now(),
                mailed_to=["a@example.org"],
            )
            for organisation in orgs
        ],
        batch_size=BATCH,
    )


def grow_reminders(world: World, count: int) -> None:
    _reminders(world, organisations(count))


def grow_own_reminders(world: World, count: int) -> None:
    _reminders(world, [world.organisation] * count)


def grow_report_runs(world: World, count: int) -> None:
    ReportRun.objects.bulk_create(
        [
            ReportRun(
                year=world.year,
                version="parties",
                edition=numbered(world, "edition"),
                status="done",
                created_by=world.secretariat,
            )
            for _ in range(count)
        ],
        batch_size=BATCH,
    )


# --- The registry ------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    url_name: str
    role: str
    grow: Callable[[World, int], None]
    setup: Callable[[World], None] | None = None
    # The URL's kwargs, from the world; and a query string.
    kwargs: Callable[[World], dict] = lambda world: {}
    query: Callable[[World], str] = lambda world: ""
    # A second entry for the same URL name (another role or another kind of rows).
    label: str = ""

    @property
    def id(self) -> str:
        return self.url_name + (f"[{self.label}]" if self.label else "")


def pk_of(name: str) -> Callable[[World], dict]:
    return lambda world: {"pk": world.objects[name].pk}


def year_query(world: World) -> str:
    return f"year={world.year.number}"


PAGES: tuple[Page, ...] = (
    # convenant
    Page("dashboard", "secretariat", grow_organisations),
    Page("convenant:audit_log", "secretariat", grow_audit),
    Page("convenant:calendar", "secretariat", grow_years),
    # governance: organisations, finance, seats
    Page("governance:organisation_list", "secretariat", grow_organisations),
    Page(
        "governance:organisation_detail",
        "secretariat",
        grow_invitations,
        setup=lambda world: world.objects.update(organisation=OrganisationFactory()),
        kwargs=pk_of("organisation"),
    ),
    Page("governance:finance", "secretariat", grow_contributions, query=year_query),
    Page("governance:seat_list", "secretariat", grow_seats),
    # meetings and decisions
    Page("governance:meeting_list", "secretariat", grow_meetings, query=year_query),
    Page(
        "governance:meeting_list",
        "company_admin",
        grow_meetings,
        query=year_query,
        label="outline",
    ),
    Page(
        "governance:meeting_list",
        "kerngroep",
        grow_meetings,
        query=year_query,
        label="kerngroep",
    ),
    Page(
        "governance:meeting_detail",
        "secretariat",
        grow_agenda,
        setup=with_meeting,
        kwargs=pk_of("meeting"),
    ),
    Page(
        "governance:meeting_detail",
        "company_admin",
        grow_agenda,
        setup=with_meeting,
        kwargs=pk_of("meeting"),
        label="outline",
    ),
    Page("governance:decision_list", "secretariat", grow_decisions),
    Page("governance:decision_list", "kerngroep", grow_decisions, label="kerngroep"),
    Page(
        "governance:decision_detail",
        "secretariat",
        grow_ballots,
        setup=with_assembly,
        kwargs=pk_of("decision"),
    ),
    # membership
    Page("governance:accession_list", "secretariat", grow_applications),
    Page(
        "governance:accession_detail",
        "secretariat",
        grow_responses,
        setup=with_application,
        kwargs=pk_of("application"),
    ),
    Page("governance:signature_list", "secretariat", grow_signatures),
    Page(
        "governance:organisation_signatures",
        "secretariat",
        grow_signature_versions,
        setup=lambda world: world.objects.update(
            organisation=OrganisationFactory(
                kind=OrganisationKind.NGO,
                fte=None,
                csrd_category="",
                participation=Participation.SUPPORTER,
            )
        ),
        kwargs=pk_of("organisation"),
    ),
    # confidentiality and modules
    Page("governance:confidentiality_list", "secretariat", grow_confidentiality),
    Page("governance:confidentiality_own", "ngo", grow_own_confidentiality),
    Page("governance:module_list", "secretariat", grow_modules),
    Page("governance:module_list", "ngo", grow_modules, label="ngo"),
    Page(
        "governance:module_detail",
        "secretariat",
        grow_participants,
        setup=with_module,
        kwargs=pk_of("module"),
    ),
    # conduct
    Page("governance:withdrawal_list", "secretariat", grow_withdrawals),
    Page("governance:removal_list", "secretariat", grow_removals),
    Page(
        "governance:removal_detail",
        "secretariat",
        grow_removal_reminders,
        setup=with_removal,
        kwargs=pk_of("removal"),
    ),
    Page("governance:complaint_list", "secretariat", grow_complaints),
    Page("governance:news_list", "secretariat", grow_news),
    Page("governance:news_list", "company_admin", grow_news, label="party"),
    # monitoring: the secretariat
    Page("monitoring:framework_list", "secretariat", grow_frameworks),
    Page("monitoring:round_list", "secretariat", grow_rounds),
    Page(
        "monitoring:round_detail",
        "secretariat",
        grow_round_assessments,
        setup=with_round,
        kwargs=pk_of("round"),
    ),
    Page(
        "monitoring:overview",
        "secretariat",
        grow_round_assessments,
        setup=with_round,
        query=lambda world: f"round={world.objects['round'].pk}",
    ),
    Page(
        "monitoring:ledger",
        "secretariat",
        grow_ledger,
        setup=with_company,
        kwargs=pk_of("company"),
    ),
    Page("monitoring:talk_queue", "secretariat", grow_talk_queue, setup=with_round),
    Page("monitoring:plan_overview", "secretariat", grow_plans, query=year_query),
    Page(
        "monitoring:company_plan",
        "secretariat",
        grow_company_risks,
        setup=with_company,
        kwargs=lambda world: {
            "pk": world.objects["company"].pk,
            "year": world.year.number,
        },
    ),
    Page(
        "monitoring:insight_grant_list",
        "secretariat",
        grow_insight_grants,
        setup=with_module,
    ),
    # monitoring: the company
    Page("monitoring:assessment_list", "company_admin", grow_own_assessments),
    Page(
        "monitoring:talk_list",
        "company_admin",
        grow_talks,
        setup=with_own_assessment,
        kwargs=pk_of("assessment"),
    ),
    Page(
        "monitoring:talk_detail",
        "company_admin",
        grow_talk_actions,
        setup=with_talk,
        kwargs=pk_of("talk"),
    ),
    Page(
        "monitoring:clarification_list",
        "company_admin",
        grow_clarifications,
        setup=with_own_assessment,
        kwargs=pk_of("assessment"),
    ),
    Page(
        "monitoring:risk_list",
        "company_admin",
        grow_risks,
        kwargs=lambda world: {"year": world.year.number},
    ),
    Page("monitoring:insight_access_log", "company_admin", grow_insight_log),
    # monitoring: NGO insight
    Page("monitoring:insight_list", "ngo", grow_insight_held, setup=with_entitled_ngo),
    # ketenkaart
    Page(
        "ketenkaart:list_detail",
        "company_admin",
        grow_locations,
        setup=with_own_list,
        kwargs=lambda world: {"year": YEAR},
    ),
    Page("ketenkaart:overview", "secretariat", grow_company_lists),
    Page(
        "ketenkaart:company_list",
        "secretariat",
        grow_locations,
        setup=with_company_list,
        kwargs=lambda world: {"pk": world.objects["company"].pk, "year": YEAR},
    ),
    Page("ketenkaart:release_index", "secretariat", grow_releases),
    Page(
        "ketenkaart:release_detail",
        "secretariat",
        grow_cells,
        setup=with_release,
        kwargs=pk_of("release"),
    ),
    Page(
        "ketenkaart:release_exact",
        "secretariat",
        grow_cells,
        setup=with_release,
        kwargs=pk_of("release"),
    ),
    Page("ketenkaart:disclosure_rules", "secretariat", grow_rules),
    Page("ketenkaart:restriction_list", "secretariat", grow_restrictions),
    Page("ketenkaart:area_request_list", "secretariat", grow_area_requests),
    Page("ketenkaart:expertise_list", "secretariat", grow_expertise),
    Page("ketenkaart:supplier_report_list", "secretariat", grow_supplier_reports),
    Page(
        "ketenkaart:supplier_report_detail",
        "secretariat",
        grow_report_matches,
        setup=with_supplier_report,
        kwargs=pk_of("report"),
    ),
    # reminders and reports
    Page("reminders:reminder_overview", "secretariat", grow_reminders),
    Page("reminders:reminder_list", "company_admin", grow_own_reminders),
    Page("reports:report_list", "secretariat", grow_report_runs),
    Page(
        "reports:report_year",
        "secretariat",
        grow_report_runs,
        kwargs=lambda world: {"pk": world.year.pk},
    ),
)

# Pages whose name reads like a list but whose rows do not grow with the data, or that
# are measured under another name.
EXEMPT: dict[str, str] = {
    "governance:yearly_document_index": "sends the person on to the current year",
    "governance:governance_overview": "links to the governance pages: no rows",
    "governance:yearly_document_year": "one row per document kind (fixed)",
    "governance:supporter_texts": "the texts a supporter signs: a fixed set",
    "governance:fte_bands": "the agreement's contribution bands: a short fixed table",
    "monitoring:plan_list": "one row per started agreement year (fixed)",
    "ketenkaart:list_index": "one row per year of the company's lists (fixed)",
}

# Names of pages that read like lists: a registry entry or an exemption each.
LIST_NAME_SUFFIXES = (
    "_list",
    "_overview",
    "overview",
    "_index",
    "queue",
    "_log",
    "calendar",
    "finance",
    "_bands",
    "_texts",
    "_rules",
    "_year",
    "ledger",
    "signatures",
)


def list_url_names() -> set[str]:
    def walk(resolver: URLResolver, namespace: str = ""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                joined = ":".join(part for part in (namespace, inner) if part)
                yield from walk(pattern, joined)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    own_apps = ("convenant:", "governance:", "monitoring:", "ketenkaart:", "reports:")
    own_apps += ("reminders:",)
    return {
        name
        for name in walk(get_resolver())
        if name.startswith(own_apps) and name.endswith(LIST_NAME_SUFFIXES)
    }


def test_every_list_page_is_measured_or_exempt():
    registered = {page.url_name for page in PAGES}
    missing = sorted(list_url_names() - registered - set(EXEMPT))
    assert not missing, f"list pages neither measured nor exempt: {missing}"
    assert not registered & set(EXEMPT), "a page is both measured and exempt"


# --- The measurement ------------------------------------------------------------------


def queries_for(client, url: str) -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in captured.captured_queries], len(response.content)


def measure(client, page: Page) -> tuple[list[str], list[str], int, int]:
    person = make_person(page.role)
    secretariat = person if page.role == "secretariat" else make_person("secretariat")
    world = World(role=page.role, person=person, secretariat=secretariat)
    if page.setup:
        page.setup(world)
    client.force_login(person)
    url = reverse(page.url_name, kwargs=page.kwargs(world))
    if query := page.query(world):
        url += f"?{query}"
    page.grow(world, SMALL)
    client.get(url)  # the first request of a session fills caches the next ones reuse
    small, small_size = queries_for(client, url)
    page.grow(world, LARGE - SMALL)
    large, large_size = queries_for(client, url)
    return small, large, small_size, large_size


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.id)
def test_queries_do_not_grow_with_the_rows(client, page: Page):
    small, large, small_size, large_size = measure(client, page)

    print(f"\n{page.id}: {len(small)} queries at {SMALL}, {len(large)} at {LARGE}")
    assert len(large) == len(small), "\n".join(
        [
            f"{len(small)} queries at {SMALL} rows:",
            *small,
            f"{len(large)} queries at {LARGE:,} rows:",
            *large,
        ]
    )
    # The rows reached the page: it grew, or (paginated) shows a full first page.
    assert large_size > small_size, f"{page.id}: the page did not show the new rows"
