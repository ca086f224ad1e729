"""What goes into a meeting pack (art. 52), gathered once into frozen dataclasses, and the
fingerprint that says when a pack must be made again.

The full pack, for the Kerngroep, its chair and the secretariat: a cover, the agenda with
descriptions and documents, the minutes waiting for approval, the secretariat's progress
report on due diligence, the pending decisions with their votes and the early warnings
NGOs and unions raised since the previous meeting. The outline pack, for every party:
the items shared in outline, how many items are closed, and the previous meeting's
approved outline minutes.

The progress report is aggregated: counts and distributions only, never a company's
name or figures. Early warnings name no supplier and no reporting organisation, only
its kind. The outline pack is gathered separately from the full one, so that no text
meant for the Kerngroep can slip into it.

The fingerprint is a hash over everything the pack shows (meeting, items with their
`updated_at`, documents, pending decisions and their votes, the minutes, the sources of
the report) and the language it is written in: any change gives a new fingerprint, so
a new pack; nothing else does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import get_language, override
from django_countries import countries

from convenant.vocabulary import Activity
from monitoring import charts

from . import rules
from .models import (
    CONSTITUENCY_OF_KIND,
    AgendaDocument,
    AgendaVisibility,
    AssemblyBallot,
    Constituency,
    Decision,
    DecisionStatus,
    DecisionVote,
    Meeting,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    PackKind,
    Participation,
    Vote,
)
from .selectors import packs as selectors

PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
ACTIVE = (OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING)
TAKING_PART = (Participation.PARTY, Participation.SUPPORTER)
# Early warnings of the last quarter, when there was no meeting before this one.
WARNINGS_WITHOUT_PREVIOUS_MEETING = dt.timedelta(days=92)
TALK_SIGNALS = frozenset({"orange", "red"})


# --- Fingerprint -------------------------------------------------------------------------


def fingerprint_of(parts: Iterable[Any]) -> str:
    """A stable SHA-256 over plain values (dates, numbers, text, nested sequences)."""
    encoded = json.dumps(list(parts), default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _stamp(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""


def pack_fingerprint(*, meeting: Meeting, kind: str, language: str) -> str:
    """The fingerprint of the pack of `kind` the meeting would get now: a fixed number
    of queries, whatever the number of items, documents and decisions."""
    base: list[Any] = [
        kind,
        language[:2],
        meeting.pk,
        _stamp(meeting.starts_at),
        meeting.location,
        meeting.status,
        _stamp(meeting.updated_at),
        [
            [pk, position, title, visibility, _stamp(updated)]
            for pk, position, title, visibility, updated in meeting.items.order_by(
                "position", "pk"
            ).values_list("pk", "position", "title", "visibility", "updated_at")
        ],
    ]
    if kind == PackKind.OUTLINE:
        previous = selectors.previous_meeting(meeting)
        base.append(
            [previous.pk, _stamp(previous.updated_at), _stamp(previous.starts_at)]
            if previous
            else None
        )
        return fingerprint_of(base)
    decisions = list(
        selectors.pack_pending_decisions().values_list(
            "pk",
            "status",
            "title",
            "proposal",
            "agenda_item_id",
            "kerngroep_outcome",
            "subject_type_id",
            "subject_id",
        )
    )
    decision_ids = [row[0] for row in decisions]
    base += [
        decisions,
        [
            [pk, item, name, content_type, size, _stamp(uploaded)]
            for pk, item, name, content_type, size, uploaded in selectors.pack_documents(
                meeting
            ).values_list(
                "pk", "item_id", "original_name", "content_type", "size", "uploaded_at"
            )
        ],
        [
            [decision, constituency, deputy, vote, _stamp(recorded)]
            for decision, constituency, deputy, vote, recorded in DecisionVote.objects.filter(
                decision_id__in=decision_ids
            )
            .order_by("decision_id", "constituency", "as_deputy")
            .values_list(
                "decision_id", "constituency", "as_deputy", "vote", "recorded_at"
            )
        ],
        list(
            AssemblyBallot.objects.filter(assembly_vote__decision_id__in=decision_ids)
            .order_by()
            .values_list("assembly_vote__decision_id", "vote")
            .annotate(n=Count("id"))
            .order_by("assembly_vote__decision_id", "vote")
        ),
        [
            [pk, _stamp(updated)]
            for pk, updated in Meeting.objects.filter(
                pk__in=[m.pk for m in selectors.pack_minutes_to_approve(meeting)]
            )
            .order_by("pk")
            .values_list("pk", "updated_at")
        ],
        _report_sources(meeting),
        _restriction_sources(),
    ]
    return fingerprint_of(base)


def _restriction_sources() -> list[Any]:
    from ketenkaart.models import RestrictedDisclosure, RestrictionStatus

    return [
        [pk, level, reason]
        for pk, level, reason in RestrictedDisclosure.objects.filter(
            status=RestrictionStatus.PENDING
        )
        .order_by("pk")
        .values_list("pk", "requested_level", "reason")
    ]


def _report_sources(meeting: Meeting) -> list[Any]:
    """What the progress report and the early warnings are drawn from, in a few
    aggregate queries: when one of these changes, the report would read differently."""
    from ketenkaart.models import (
        ListStatus,
        LocationList,
        LocationRelease,
        ReleaseStatus,
        SupplierReport,
    )
    from monitoring.models import ImprovementTalk, Round, ScoreRecord

    organisations = Organisation.objects.aggregate(
        n=Count("id"), last=Max("updated_at")
    )
    scores = ScoreRecord.objects.aggregate(n=Count("id"), last=Max("computed_at"))
    talks = ImprovementTalk.objects.values_list("status").annotate(n=Count("id"))
    rounds = Round.objects.aggregate(n=Count("id"), last=Max("opens_on"))
    lists = LocationList.objects.filter(status=ListStatus.SUBMITTED).aggregate(
        n=Count("id"), last=Max("submitted_at")
    )
    release = (
        LocationRelease.objects.filter(status=ReleaseStatus.PUBLISHED)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    since = _warnings_since(meeting)
    warnings = SupplierReport.objects.filter(reported_at__gte=since).aggregate(
        n=Count("id"), last=Max("updated_at")
    )
    return [
        organisations,
        scores,
        sorted(talks),
        rounds,
        lists,
        release,
        warnings,
        since,
    ]


# --- Content -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingHeading:
    title: str
    starts_at: dt.datetime
    location: str
    status: str


@dataclass(frozen=True)
class DocumentEntry:
    pk: int
    name: str
    content_type: str
    size: int
    item_label: str
    # "agenda": an AgendaDocument; "accession": the motivation letter of an
    # AccessionApplication (pk is then the application's).
    source: str = "agenda"

    @property
    def is_pdf(self) -> bool:
        return self.content_type in PDF_TYPES or self.name.lower().endswith(".pdf")


@dataclass(frozen=True)
class AgendaEntry:
    position: int
    title: str
    description: str
    outline: str
    shared: bool
    documents: tuple[DocumentEntry, ...]
    decisions: tuple[str, ...]


@dataclass(frozen=True)
class MinutesEntry:
    meeting: str
    starts_at: dt.datetime
    text: str


@dataclass(frozen=True)
class Figure:
    label: str
    count: int


@dataclass(frozen=True)
class SeatVote:
    seat: str
    vote: str


@dataclass(frozen=True)
class AssemblyTally:
    in_favour: int
    against: int
    abstain: int
    closes_at: dt.datetime | None
    status: str


@dataclass(frozen=True)
class DecisionEntry:
    title: str
    proposal: str
    status: str
    subject_kind: str
    subject: str
    agenda_item: str
    on_this_agenda: bool
    votes: tuple[SeatVote, ...]
    kerngroep_outcome: str
    assembly: AssemblyTally | None
    documents: tuple[DocumentEntry, ...]


@dataclass(frozen=True)
class ParticipantRow:
    label: str
    parties: int
    supporters: int

    @property
    def total(self) -> int:
        return self.parties + self.supporters


@dataclass(frozen=True)
class Participants:
    by_kind: tuple[ParticipantRow, ...]
    by_constituency: tuple[Figure, ...]
    joined_since: dt.date | None
    joined: tuple[Figure, ...]
    chart: charts.BarChart

    @property
    def total(self) -> int:
        return sum(row.total for row in self.by_kind)

    @property
    def joined_total(self) -> int:
        return sum(figure.count for figure in self.joined)


@dataclass(frozen=True)
class MonitoringReport:
    round_name: str
    round_kind: str
    round_status: str
    opens_on: dt.date
    closes_on: dt.date
    invited: int
    submitted: int
    by_status: tuple[Figure, ...]
    signals: tuple[Any, ...]
    levels: tuple[Any, ...]
    steps: tuple[Any, ...]
    average_score: Any
    talks_needed: int
    talks_held: int
    talks_planned: int
    talks_held_since: int
    charts: dict[str, Any]


@dataclass(frozen=True)
class TierRow:
    label: str
    this_year: int
    last_year: int

    @property
    def change(self) -> int:
        return self.this_year - self.last_year


@dataclass(frozen=True)
class Transparency:
    year: int
    lists: int
    lists_last_year: int
    by_tier: tuple[TierRow, ...]
    release: str
    release_companies: int
    release_locations: int
    chart: charts.BarChart

    @property
    def total(self) -> int:
        return sum(row.this_year for row in self.by_tier)

    @property
    def total_last_year(self) -> int:
        return sum(row.last_year for row in self.by_tier)

    @property
    def growth_percent(self) -> int | None:
        if not self.total_last_year:
            return None
        return round((self.total - self.total_last_year) * 100 / self.total_last_year)


@dataclass(frozen=True)
class EarlyWarning:
    reported_on: dt.date
    country: str
    activity: str
    status: str
    reporter_kind: str


@dataclass(frozen=True)
class RestrictionEntry:
    """A company's request to restrict the disclosure of its locations (art. 24), waiting
    for the Kerngroep: named, since the full pack is for the Kerngroep only."""

    company: str
    requested_level: str
    reason: str
    requested_at: dt.datetime


def restriction_requests() -> list[RestrictionEntry]:
    from ketenkaart.models import RestrictedDisclosure, RestrictionStatus

    return [
        RestrictionEntry(
            company=request.company.name,
            requested_level=request.get_requested_level_display(),
            reason=request.reason,
            requested_at=request.requested_at,
        )
        for request in RestrictedDisclosure.objects.filter(
            status=RestrictionStatus.PENDING
        )
        .select_related("company")
        .order_by("requested_at", "pk")
    ]


@dataclass(frozen=True)
class FullPack:
    meeting: MeetingHeading
    prepared_on: dt.date
    agenda: tuple[AgendaEntry, ...]
    minutes: tuple[MinutesEntry, ...]
    participants: Participants
    monitoring: MonitoringReport | None
    transparency: Transparency | None
    decisions: tuple[DecisionEntry, ...]
    restrictions: tuple[RestrictionEntry, ...]
    warnings_since: dt.date
    warnings: tuple[EarlyWarning, ...]
    appendix: tuple[DocumentEntry, ...]


@dataclass(frozen=True)
class OutlineItem:
    position: int
    title: str
    outline: str


@dataclass(frozen=True)
class OutlinePack:
    meeting: MeetingHeading
    prepared_on: dt.date
    items: tuple[OutlineItem, ...]
    closed_items: int
    previous: MeetingHeading | None
    previous_minutes: str
    previous_approved: bool


def _heading(meeting: Meeting) -> MeetingHeading:
    return MeetingHeading(
        title=str(meeting),
        starts_at=meeting.starts_at,
        location=meeting.location,
        status=meeting.get_status_display(),
    )


def gather(*, meeting: Meeting, kind: str, language: str) -> FullPack | OutlinePack:
    with override(language):
        if kind == PackKind.OUTLINE:
            return gather_outline(meeting)
        return gather_full(meeting)


def gather_outline(meeting: Meeting) -> OutlinePack:
    """Only what parties may read: titles and outline texts of shared items, the number
    of closed items, and the previous meeting's outline minutes once approved."""
    items = list(
        meeting.items.order_by("position", "pk").only(
            "position", "title", "visibility", "outline", "meeting_id"
        )
    )
    shared = [item for item in items if item.visibility == AgendaVisibility.OUTLINE]
    previous = selectors.previous_meeting(meeting)
    approved = previous is not None and previous.minutes_approved_at is not None
    return OutlinePack(
        meeting=_heading(meeting),
        prepared_on=timezone.localdate(),
        items=tuple(
            OutlineItem(position=item.position, title=item.title, outline=item.outline)
            for item in shared
        ),
        closed_items=len(items) - len(shared),
        previous=_heading(previous) if previous else None,
        previous_minutes=previous.minutes_outline if approved else "",
        previous_approved=approved,
    )


def gather_full(meeting: Meeting) -> FullPack:
    previous = selectors.previous_meeting(meeting)
    documents = list(selectors.pack_documents(meeting))
    entries = {document.pk: _document(document, meeting) for document in documents}
    by_item: dict[int, list[DocumentEntry]] = {}
    for document in documents:
        by_item.setdefault(document.item_id, []).append(entries[document.pk])
    decisions = list(selectors.pack_pending_decisions())
    letters = motivation_letters(decisions)
    decisions_by_item: dict[int, list[str]] = {}
    for decision in decisions:
        if decision.agenda_item_id:
            decisions_by_item.setdefault(decision.agenda_item_id, []).append(
                decision.title
            )
    agenda = tuple(
        AgendaEntry(
            position=item.position,
            title=item.title,
            description=item.description,
            outline=item.outline,
            shared=item.visibility == AgendaVisibility.OUTLINE,
            documents=tuple(by_item.get(item.pk, ())),
            decisions=tuple(decisions_by_item.get(item.pk, ())),
        )
        for item in meeting.items.order_by("position", "pk")
    )
    since = _warnings_since(meeting)
    return FullPack(
        meeting=_heading(meeting),
        prepared_on=timezone.localdate(),
        agenda=agenda,
        minutes=tuple(
            MinutesEntry(meeting=str(m), starts_at=m.starts_at, text=m.minutes_full)
            for m in selectors.pack_minutes_to_approve(meeting)
        ),
        participants=participants_report(
            since=timezone.localdate(previous.starts_at) if previous else None
        ),
        monitoring=monitoring_report(meeting, previous),
        transparency=transparency_report(),
        decisions=tuple(_decisions(decisions, meeting, by_item, letters)),
        restrictions=tuple(restriction_requests()),
        warnings_since=since.date(),
        warnings=tuple(early_warnings(since)),
        appendix=tuple(entries[document.pk] for document in documents)
        + tuple(letters.values()),
    )


def _document(document: AgendaDocument, meeting: Meeting) -> DocumentEntry:
    """A document of this meeting's agenda is named by its item; one of a pending
    decision on an earlier agenda also by that meeting."""
    item = document.item
    label = f"{item.position}. {item.title}"
    if item.meeting_id != meeting.pk:
        label = f"{item.meeting}, {label}"
    return DocumentEntry(
        pk=document.pk,
        name=document.original_name,
        content_type=document.content_type,
        size=document.size,
        item_label=label,
    )


def motivation_letters(decisions: Sequence[Decision]) -> dict[int, DocumentEntry]:
    """The motivation letter of each pending accession, by decision: the Kerngroep
    decides on the letter (art. 70), so it comes with the pack. One query."""
    from .models import AccessionApplication

    by_application = {
        decision.subject_id: decision
        for decision in decisions
        if decision.subject_type_id
        and decision.subject_type.model_class() is AccessionApplication
    }
    letters: dict[int, DocumentEntry] = {}
    for application in AccessionApplication.objects.filter(
        pk__in=list(by_application)
    ).select_related("organisation"):
        if not application.letter:
            continue
        decision = by_application[application.pk]
        try:
            size = application.letter.size
        except OSError:
            # Named all the same; the build says the file could not be found.
            size = 0
        letters[decision.pk] = DocumentEntry(
            pk=application.pk,
            name=application.letter_name,
            content_type=application.letter_type,
            size=size,
            item_label=str(application.organisation),
            source="accession",
        )
    return letters


def _decisions(
    decisions: Sequence[Decision],
    meeting: Meeting,
    documents: dict[int, list[DocumentEntry]],
    letters: dict[int, DocumentEntry] | None = None,
) -> Iterable[DecisionEntry]:
    ids = [decision.pk for decision in decisions]
    votes: dict[int, dict[str, dict[bool, str]]] = {}
    for decision_id, constituency, deputy, vote in DecisionVote.objects.filter(
        decision_id__in=ids
    ).values_list("decision_id", "constituency", "as_deputy", "vote"):
        votes.setdefault(decision_id, {}).setdefault(constituency, {})[deputy] = vote
    ballots: dict[int, Counter] = {}
    for decision_id, vote, count in (
        AssemblyBallot.objects.filter(assembly_vote__decision_id__in=ids)
        .order_by()
        .values_list("assembly_vote__decision_id", "vote")
        .annotate(n=Count("id"))
    ):
        ballots.setdefault(decision_id, Counter())[vote] = count
    subjects = _subjects(decisions)
    vote_labels = dict(Vote.choices)
    for decision in decisions:
        seat_votes = votes.get(decision.pk, {})
        tally = None
        if decision.status == DecisionStatus.ESCALATED:
            counted = ballots.get(decision.pk, Counter())
            assembly = getattr(decision, "assembly_vote", None)
            tally = AssemblyTally(
                in_favour=counted["for"],
                against=counted["against"],
                abstain=counted["abstain"],
                closes_at=assembly.closes_at if assembly else None,
                status=assembly.get_status_display() if assembly else "",
            )
        item = decision.agenda_item
        yield DecisionEntry(
            title=decision.title,
            proposal=decision.proposal,
            status=decision.get_status_display(),
            subject_kind=str(decision.subject_type.model_class()._meta.verbose_name)
            if decision.subject_type_id and decision.subject_type.model_class()
            else "",
            subject=subjects.get(decision.pk, ""),
            agenda_item=(f"{item.meeting}, {item.position}. {item.title}")
            if item
            else "",
            on_this_agenda=bool(item and item.meeting_id == meeting.pk),
            votes=tuple(
                SeatVote(
                    seat=str(Constituency(seat).label), vote=str(vote_labels[vote])
                )
                for seat, vote in (
                    (seat, rules.seat_vote(by_role.get(False), by_role.get(True)))
                    for seat, by_role in sorted(seat_votes.items())
                )
                if vote is not None
            ),
            kerngroep_outcome=decision.get_kerngroep_outcome_display(),
            assembly=tally,
            documents=tuple(documents.get(decision.agenda_item_id or 0, ()))
            + ((letters[decision.pk],) if letters and decision.pk in letters else ()),
        )


def _subjects(decisions: Sequence[Decision]) -> dict[int, str]:
    """Each decision's subject as text: one query per kind of subject."""
    wanted: dict[int, dict[int, list[int]]] = {}
    for decision in decisions:
        if decision.subject_type_id and decision.subject_id:
            wanted.setdefault(decision.subject_type_id, {}).setdefault(
                decision.subject_id, []
            ).append(decision.pk)
    result: dict[int, str] = {}
    for decision in decisions:
        if decision.subject_type_id not in wanted:
            continue
        model = decision.subject_type.model_class()
        ids = wanted.pop(decision.subject_type_id)
        if model is None:
            continue
        for subject in model._default_manager.filter(pk__in=list(ids)):
            for decision_id in ids[subject.pk]:
                result[decision_id] = str(subject)
    return result


# --- The progress report (aggregated) ---------------------------------------------------


def participants_report(*, since: dt.date | None) -> Participants:
    """Parties and supporters per kind and per constituency, and how many joined since
    `since` (the previous meeting): two queries."""
    rows = Counter()
    joined = Counter()
    for kind, participation, signed_on, count in (
        Organisation.objects.filter(status__in=ACTIVE, participation__in=TAKING_PART)
        .values_list("kind", "participation", "signed_on")
        .annotate(n=Count("id"))
        .order_by()
    ):
        rows[kind, participation] += count
        if since is not None and signed_on is not None and signed_on >= since:
            joined[kind] += count
    kinds = [k for k in OrganisationKind if k in CONSTITUENCY_OF_KIND]
    by_kind = tuple(
        ParticipantRow(
            label=str(kind.label),
            parties=rows[kind.value, Participation.PARTY],
            supporters=rows[kind.value, Participation.SUPPORTER],
        )
        for kind in kinds
    )
    by_constituency = tuple(
        Figure(
            str(Constituency(CONSTITUENCY_OF_KIND[kind]).label),
            rows[kind.value, Participation.PARTY],
        )
        for kind in kinds
    )
    return Participants(
        by_kind=by_kind,
        by_constituency=by_constituency,
        joined_since=since,
        joined=tuple(
            Figure(str(kind.label), joined[kind.value])
            for kind in kinds
            if joined[kind.value]
        ),
        chart=charts.bar_chart(
            [charts.BarItem(row.label, row.total) for row in by_kind]
        ),
    )


def monitoring_report(
    meeting: Meeting, previous: Meeting | None
) -> MonitoringReport | None:
    """The latest monitoring round that opened before the meeting: invited and
    submitted companies, the signals and levels, the improvement talks. Counts only."""
    from monitoring.models import (
        AssessmentStatus,
        ImprovementTalk,
        Round,
        RoundStatus,
        TalkStatus,
    )
    from monitoring.selectors.overview import monitoring_overview

    round_ = (
        Round.objects.exclude(status=RoundStatus.DRAFT)
        .filter(opens_on__lte=timezone.localdate(meeting.starts_at))
        .select_related("agreement_year")
        .order_by("-opens_on", "-pk")
        .first()
    )
    if round_ is None:
        return None
    overview = monitoring_overview(round=round_, language=(get_language() or "en")[:2])
    statuses = dict(
        round_.assessments.values_list("status").annotate(n=Count("id")).order_by()
    )
    submitted = sum(
        statuses.get(status, 0)
        for status in (
            AssessmentStatus.SUBMITTED,
            AssessmentStatus.IMPROVING,
            AssessmentStatus.FINAL,
        )
    )
    since = (
        previous.starts_at
        if previous
        else timezone.make_aware(dt.datetime.combine(round_.opens_on, dt.time.min))
    )
    talks = ImprovementTalk.objects.filter(assessment__round=round_).aggregate(
        held=Count("id", filter=Q(status=TalkStatus.HELD)),
        planned=Count("id", filter=Q(status=TalkStatus.PLANNED)),
        held_since=Count(
            "id", filter=Q(status=TalkStatus.HELD) & Q(scheduled_at__gte=since)
        ),
    )
    # Every company whose first judgement is orange or red is owed a talk (art. 10).
    needed = sum(row.first for row in overview.signals if row.value in TALK_SIGNALS)
    return MonitoringReport(
        round_name=round_.name,
        round_kind=round_.get_kind_display(),
        round_status=round_.get_status_display(),
        opens_on=round_.opens_on,
        closes_on=round_.closes_on,
        invited=overview.invited,
        submitted=submitted,
        by_status=tuple(
            Figure(str(label), statuses.get(value, 0))
            for value, label in AssessmentStatus.choices
        ),
        signals=tuple(overview.signals),
        levels=tuple(overview.levels),
        steps=tuple(overview.steps),
        average_score=overview.average_score,
        talks_needed=needed,
        talks_held=talks["held"],
        talks_planned=talks["planned"],
        talks_held_since=talks["held_since"],
        charts=overview.charts,
    )


def transparency_report() -> Transparency | None:
    """Locations per tier in the submitted lists of the latest year with any, against
    the year before, and the latest published aggregated list: three queries."""
    from ketenkaart.models import (
        ListStatus,
        Location,
        LocationList,
        LocationRelease,
        ReleaseStatus,
    )
    from ketenkaart.tiers import TIER_GROUPS, tier_group, tier_group_label

    year = (
        LocationList.objects.filter(status=ListStatus.SUBMITTED)
        .aggregate(y=Max("year"))
        .get("y")
    )
    release = (
        LocationRelease.objects.filter(status=ReleaseStatus.PUBLISHED)
        .order_by("-published_at", "-pk")
        .first()
    )
    if year is None and release is None:
        return None
    year = year or release.year
    counts: Counter = Counter()
    for list_year, tier, locations in (
        Location.objects.filter(
            location_list__status=ListStatus.SUBMITTED,
            location_list__year__in=(year, year - 1),
        )
        .values_list("location_list__year", "tier")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[list_year, tier_group(tier)] += locations
    list_counts = dict(
        LocationList.objects.filter(
            status=ListStatus.SUBMITTED, year__in=(year, year - 1)
        )
        .values_list("year")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = tuple(
        TierRow(
            label=tier_group_label(bucket),
            this_year=counts[year, bucket],
            last_year=counts[year - 1, bucket],
        )
        for bucket in TIER_GROUPS
    )
    items = []
    for row in rows:
        items.append(
            charts.BarItem(f"{row.label} {year - 1}", row.last_year, charts.SAME_COLOUR)
        )
        items.append(charts.BarItem(f"{row.label} {year}", row.this_year))
    return Transparency(
        year=year,
        lists=list_counts.get(year, 0),
        lists_last_year=list_counts.get(year - 1, 0),
        by_tier=rows,
        release=str(release) if release else "",
        release_companies=release.companies if release else 0,
        release_locations=release.locations if release else 0,
        chart=charts.bar_chart(items, label_width=220),
    )


def _warnings_since(meeting: Meeting) -> dt.datetime:
    previous = selectors.previous_meeting(meeting)
    if previous is not None:
        return previous.starts_at
    return meeting.starts_at - WARNINGS_WITHOUT_PREVIOUS_MEETING


def early_warnings(since: dt.datetime) -> list[EarlyWarning]:
    """Supplier reports received since `since`: where, what kind of activity, how far
    the secretariat got and the kind of organisation that reported. No names."""
    from ketenkaart.models import SupplierReport, SupplierReportStatus

    statuses = dict(SupplierReportStatus.choices)
    activities = dict(Activity.choices)
    kinds = dict(OrganisationKind.choices)
    return [
        EarlyWarning(
            reported_on=timezone.localdate(reported_at),
            country=str(countries.name(country)) if country else "",
            activity=str(activities.get(activity, activity)),
            status=str(statuses.get(status, status)),
            reporter_kind=str(kinds.get(kind, kind)),
        )
        for reported_at, country, activity, status, kind in SupplierReport.objects.filter(
            reported_at__gte=since
        )
        .order_by("reported_at", "pk")
        .values_list(
            "reported_at", "country", "activity", "status", "organisation__kind"
        )
    ]
