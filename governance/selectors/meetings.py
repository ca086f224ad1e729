"""Reads of the Kerngroep's seats, its chair and its meetings.

A meeting is read in one of two shapes, each a plain dataclass that pages and the
meeting-pack PDF render without touching the database:

- `meeting_full(meeting)` -> `MeetingFull`: every agenda item with its description and
  documents, the guests and both versions of the minutes. For the secretariat, the
  Kerngroep and the chair only.
- `meeting_outline(meeting)` -> `MeetingOutline`: what every party may read (art. 48):
  the items shared in outline (title and outline text), the number of closed items, and
  the outline minutes once approved. It is built from its own narrow query and holds no
  model instance, so a template cannot reach a description, a document, a guest or the
  full minutes through it.

`minutes_to_approve(meeting)` names the earlier meeting whose minutes a meeting is to
approve. These shapes are stable: the meeting pack depends on them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from convenant.models import AgreementYear

from .. import permissions
from ..models import (
    AgendaDocument,
    AgendaItem,
    AgendaVisibility,
    ChairTerm,
    Constituency,
    KerngroepSeat,
    Meeting,
    MeetingGuest,
    MeetingStatus,
    User,
)

# Art. 48: the Kerngroep meets four times a year.
MEETINGS_PER_YEAR = 4


# --- Seats and the chair ---------------------------------------------------------------


@dataclass(frozen=True)
class SeatRow:
    constituency: str
    constituency_label: str
    seat: KerngroepSeat | None


@dataclass(frozen=True)
class SeatOverview:
    current: tuple[SeatRow, ...]
    history: tuple[KerngroepSeat, ...]
    chair: ChairTerm | None
    chair_history: tuple[ChairTerm, ...]


def _in_force(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or end >= day)


def seat_overview(*, day: dt.date | None = None) -> SeatOverview:
    """The four seats today (a seat without a term shows as vacant), every term of every
    seat, and the chair today with every chair term; in three queries."""
    day = day or timezone.localdate()
    terms = list(
        KerngroepSeat.objects.select_related(
            "organisation", "regular_representative", "deputy_representative"
        ).order_by("constituency", "-starts_on", "-pk")
    )
    current = {}
    for term in terms:
        if term.constituency not in current and _in_force(
            term.starts_on, term.ends_on, day
        ):
            current[term.constituency] = term
    chairs = list(
        ChairTerm.objects.select_related("person", "person__organisation").order_by(
            "-starts_on", "-pk"
        )
    )
    chair = next((t for t in chairs if _in_force(t.starts_on, t.ends_on, day)), None)
    return SeatOverview(
        current=tuple(
            SeatRow(value, label, current.get(value))
            for value, label in Constituency.choices
        ),
        history=tuple(terms),
        chair=chair,
        chair_history=tuple(chairs),
    )


def seat_get(*, user, pk: int) -> KerngroepSeat:
    seats = (
        KerngroepSeat.objects.all()
        if permissions.can_view_seats(user)
        else KerngroepSeat.objects.none()
    )
    return get_object_or_404(
        seats.select_related(
            "organisation", "regular_representative", "deputy_representative"
        ),
        pk=pk,
    )


def representative_choices(organisation_id: int | None) -> QuerySet[User]:
    """The active people of an organisation, who may represent it in the Kerngroep."""
    if organisation_id is None:
        return User.objects.none()
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True
    ).order_by("last_name", "first_name", "email")


# --- Meetings: the list ----------------------------------------------------------------


@dataclass(frozen=True)
class MeetingYear:
    """One agreement year's meetings, and whether four are planned (art. 48)."""

    year: AgreementYear
    meetings: tuple[Meeting, ...]
    counted: int
    expected: int = MEETINGS_PER_YEAR

    @property
    def too_few(self) -> bool:
        return self.counted < self.expected


def meeting_years(*, agreement) -> QuerySet[AgreementYear]:
    return agreement.years.order_by("number")


def meeting_year(*, user, agreement_year: AgreementYear) -> MeetingYear:
    """The year's meetings the person may see, with the count of meetings that are not
    cancelled; in one query. Items are counted per meeting, open items only for those
    who see the full agenda."""
    meetings = tuple(
        permissions.meeting_visible_to(user)
        .filter(agreement_year=agreement_year)
        # The list shows no minutes; they are not read.
        .defer("minutes_full", "minutes_outline")
        .annotate(
            item_count=Count("items", distinct=True),
            shared_count=Count(
                "items",
                filter=Q(items__visibility=AgendaVisibility.OUTLINE),
                distinct=True,
            ),
        )
        .order_by("starts_at", "pk")
    )
    counted = sum(1 for m in meetings if m.status != MeetingStatus.CANCELLED)
    return MeetingYear(year=agreement_year, meetings=meetings, counted=counted)


def meeting_get(*, user, pk: int) -> Meeting:
    """One meeting the person may see, or 404."""
    return get_object_or_404(
        permissions.meeting_visible_to(user).select_related(
            "agreement_year", "minutes_approved_in"
        ),
        pk=pk,
    )


def _full_meetings(user) -> QuerySet[Meeting]:
    if permissions.can_view_meetings_full(user):
        return Meeting.objects.all()
    return Meeting.objects.none()


def agenda_item_get(*, user, pk: int) -> AgendaItem:
    """An agenda item with everything on it: for those who see meetings in full."""
    return get_object_or_404(
        AgendaItem.objects.select_related("meeting", "meeting__minutes_approved_in")
        .filter(meeting__in=_full_meetings(user))
        .prefetch_related("documents"),
        pk=pk,
    )


def agenda_document_get(*, user, pk: int) -> AgendaDocument:
    return get_object_or_404(
        AgendaDocument.objects.select_related("item", "item__meeting").filter(
            item__meeting__in=_full_meetings(user)
        ),
        pk=pk,
    )


def guest_get(*, user, pk: int) -> MeetingGuest:
    return get_object_or_404(
        MeetingGuest.objects.select_related("meeting").filter(
            meeting__in=_full_meetings(user)
        ),
        pk=pk,
    )


# --- Meetings: the two shapes ----------------------------------------------------------


@dataclass(frozen=True)
class MeetingHeader:
    """What anybody who sees a meeting may know about it."""

    pk: int
    title: str
    starts_at: dt.datetime
    location: str
    status: str
    status_label: str
    agreement_year: str
    agreement_year_number: int
    approved_in_pk: int | None
    approved_in_title: str
    approved_in_starts_at: dt.datetime | None

    @property
    def is_planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def minutes_locked(self) -> bool:
        return self.approved_in_pk is not None

    @property
    def has_begun(self) -> bool:
        return self.starts_at <= timezone.now()


@dataclass(frozen=True)
class DocumentRow:
    """An agenda document. `stored_as` is its name in AgendaDocument's storage, for
    code that bundles the files (the meeting pack); never show it to people."""

    pk: int
    name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime
    stored_as: str


@dataclass(frozen=True)
class FullItem:
    pk: int
    position: int
    title: str
    description: str
    visibility: str
    visibility_label: str
    outline: str
    documents: tuple[DocumentRow, ...]

    @property
    def is_shared(self) -> bool:
        return self.visibility == AgendaVisibility.OUTLINE


@dataclass(frozen=True)
class GuestRow:
    pk: int
    name: str
    affiliation: str
    reason: str
    proposed_by: str
    state: str  # "proposed", "admitted" or "refused"
    decided_at: dt.datetime | None

    @property
    def is_open(self) -> bool:
        return self.state == "proposed"


@dataclass(frozen=True)
class MeetingFull:
    """A meeting as the Kerngroep, the chair and the secretariat see it."""

    meeting: MeetingHeader
    items: tuple[FullItem, ...]
    guests: tuple[GuestRow, ...]
    minutes_full: str
    minutes_outline: str


@dataclass(frozen=True)
class OutlineItem:
    position: int
    title: str
    outline: str


@dataclass(frozen=True)
class MeetingOutline:
    """A meeting as every party sees it (art. 48): nothing else is in here."""

    meeting: MeetingHeader
    items: tuple[OutlineItem, ...]
    closed_items: int
    minutes_outline: str


def _header(meeting: Meeting) -> MeetingHeader:
    approved_in = meeting.minutes_approved_in if meeting.minutes_locked else None
    return MeetingHeader(
        pk=meeting.pk,
        title=str(meeting),
        starts_at=meeting.starts_at,
        location=meeting.location,
        status=meeting.status,
        status_label=meeting.get_status_display(),
        agreement_year=str(meeting.agreement_year),
        agreement_year_number=meeting.agreement_year.number,
        approved_in_pk=approved_in.pk if approved_in else None,
        approved_in_title=str(approved_in) if approved_in else "",
        approved_in_starts_at=approved_in.starts_at if approved_in else None,
    )


def _header_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_related("agreement_year", "minutes_approved_in").get(
        pk=meeting.pk
    )


def _guest_state(guest: MeetingGuest) -> tuple[str, dt.datetime | None]:
    if guest.admitted_at is not None:
        return "admitted", guest.admitted_at
    if guest.refused_at is not None:
        return "refused", guest.refused_at
    return "proposed", None


def meeting_full(meeting: Meeting) -> MeetingFull:
    """The whole meeting, in four queries whatever the number of items and documents.
    Only for people `permissions.can_view_meetings_full` allows."""
    meeting = _header_meeting(meeting)
    items = AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk")
    items = items.prefetch_related(
        Prefetch(
            "documents",
            queryset=AgendaDocument.objects.order_by("uploaded_at", "pk"),
        )
    )
    guests = MeetingGuest.objects.filter(meeting=meeting).select_related("proposed_by")
    return MeetingFull(
        meeting=_header(meeting),
        items=tuple(
            FullItem(
                pk=item.pk,
                position=item.position,
                title=item.title,
                description=item.description,
                visibility=item.visibility,
                visibility_label=item.get_visibility_display(),
                outline=item.outline,
                documents=tuple(
                    DocumentRow(
                        pk=document.pk,
                        name=document.original_name,
                        content_type=document.content_type,
                        size=document.size,
                        uploaded_at=document.uploaded_at,
                        stored_as=document.file.name,
                    )
                    for document in item.documents.all()
                ),
            )
            for item in items
        ),
        guests=tuple(
            GuestRow(
                pk=guest.pk,
                name=guest.name,
                affiliation=guest.affiliation,
                reason=guest.reason,
                proposed_by=str(guest.proposed_by),
                state=_guest_state(guest)[0],
                decided_at=_guest_state(guest)[1],
            )
            for guest in guests
        ),
        minutes_full=meeting.minutes_full,
        minutes_outline=meeting.minutes_outline,
    )


def meeting_outline(meeting: Meeting) -> MeetingOutline:
    """The meeting in outline, for every party, in three queries: only the columns an
    outline shows are read, so nothing confidential is ever loaded."""
    header = (
        Meeting.objects.select_related("agreement_year", "minutes_approved_in")
        .only(
            "starts_at",
            "location",
            "status",
            "minutes_approved_at",
            "agreement_year__number",
            "minutes_approved_in__id",
            "minutes_approved_in__starts_at",
        )
        .get(pk=meeting.pk)
    )
    rows = AgendaItem.objects.filter(meeting_id=meeting.pk).order_by("position", "pk")
    shared = tuple(
        OutlineItem(position=position, title=title, outline=outline)
        for position, title, outline in rows.filter(
            visibility=AgendaVisibility.OUTLINE
        ).values_list("position", "title", "outline")
    )
    closed = rows.exclude(visibility=AgendaVisibility.OUTLINE).count()
    minutes = ""
    if header.minutes_locked:
        minutes = (
            Meeting.objects.filter(pk=meeting.pk)
            .values_list("minutes_outline", flat=True)
            .get()
        )
    return MeetingOutline(
        meeting=_header(header),
        items=shared,
        closed_items=closed,
        minutes_outline=minutes,
    )


def minutes_to_approve(meeting: Meeting) -> Meeting | None:
    """The minutes this meeting is to approve: those of the last held meeting before it,
    when they are not approved yet; None otherwise."""
    previous = (
        Meeting.objects.filter(
            status=MeetingStatus.HELD, starts_at__lt=meeting.starts_at
        )
        .exclude(pk=meeting.pk)
        .select_related("agreement_year")
        .order_by("-starts_at", "-pk")
        .first()
    )
    if previous is None or previous.minutes_locked:
        return None
    return previous


def meeting_next(*, user) -> Meeting | None:
    """The next planned meeting the person may see, for the dashboard."""
    return (
        permissions.meeting_visible_to(user)
        .filter(status=MeetingStatus.PLANNED, starts_at__gte=timezone.now())
        .order_by("starts_at", "pk")
        .first()
    )
