"""Writes for the Kerngroep's seats, its chair and its meetings (art. 46-48, 51).

The secretariat assigns the four seats and records the chair's terms; it plans the
meetings, keeps their agenda and documents and writes the minutes. Kerngroep members
propose guests and the chair admits or refuses them. Once a later meeting has approved a
meeting's minutes, its minutes, agenda items and documents no longer change.

Every service checks who acts, validates, saves and writes an audit entry; it raises
PermissionDenied or ValidationError and then changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from convenant.audit import audit_record
from convenant.selectors import agreement_current, agreement_year_on
from monitoring.evidence import check_upload

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
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Participation,
    User,
)

# Agenda documents: what the Kerngroep reads, checked by content (PDF, Word, Excel).
AGENDA_DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_secretariat(actor) -> None:
    _require(
        permissions.can_manage_meetings(actor),
        _("Only the secretariat plans meetings and keeps their agenda and minutes."),
    )


def _day(value: dt.date) -> str:
    return date_format(value, "j F Y")


# --- Seats and the chair ---------------------------------------------------------------


def _check_representative(
    person: User | None, organisation: Organisation, field: str
) -> None:
    if person is None:
        return
    if person.organisation_id != organisation.pk:
        raise ValidationError(
            {
                field: _("%(person)s does not work for %(organisation)s.")
                % {"person": person, "organisation": organisation}
            }
        )
    if not person.is_active:
        raise ValidationError(
            {field: _("%(person)s's account is switched off.") % {"person": person}}
        )


def _check_representatives(
    organisation: Organisation, regular: User, deputy: User | None
) -> None:
    _check_representative(regular, organisation, "regular_representative")
    _check_representative(deputy, organisation, "deputy_representative")
    if deputy is not None and deputy.pk == regular.pk:
        raise ValidationError(
            {
                "deputy_representative": _(
                    "The deputy is another person than the regular representative."
                )
            }
        )


@transaction.atomic
def seat_assign(
    *,
    constituency: str,
    organisation: Organisation,
    regular_representative: User,
    deputy_representative: User | None = None,
    starts_on: dt.date,
    actor,
    request: HttpRequest | None = None,
) -> KerngroepSeat:
    """Give a constituency's seat to an organisation from `starts_on` (art. 46-47): a new
    term. The organisation is an active party of that constituency and the
    representatives are its people; the seat's current term ends the day before."""
    _require(
        permissions.can_manage_seats(actor),
        _("Only the secretariat assigns the Kerngroep seats."),
    )
    if constituency not in Constituency.values:
        raise ValidationError({"constituency": _("Choose one of the four seats.")})
    label = Constituency(constituency).label
    if organisation.constituency != constituency:
        raise ValidationError(
            {
                "organisation": _(
                    "%(organisation)s does not belong to the constituency %(seat)s."
                )
                % {"organisation": organisation, "seat": label}
            }
        )
    if (
        organisation.participation != Participation.PARTY
        or organisation.status != OrganisationStatus.ACTIVE
    ):
        raise ValidationError(
            {
                "organisation": _(
                    "Only an active party holds a seat; %(organisation)s is not one."
                )
                % {"organisation": organisation}
            }
        )
    _check_representatives(organisation, regular_representative, deputy_representative)
    terms = KerngroepSeat.objects.select_for_update().filter(constituency=constituency)
    later = terms.filter(starts_on__gte=starts_on).order_by("starts_on").first()
    if later is not None:
        raise ValidationError(
            {
                "starts_on": _(
                    "The seat has a term from %(day)s already; a new term starts "
                    "after it."
                )
                % {"day": _day(later.starts_on)}
            }
        )
    seat = KerngroepSeat(
        constituency=constituency,
        organisation=organisation,
        regular_representative=regular_representative,
        deputy_representative=deputy_representative,
        starts_on=starts_on,
    )
    seat.full_clean()
    ended = []
    for previous in terms.filter(starts_on__lt=starts_on):
        if previous.ends_on is None or previous.ends_on >= starts_on:
            previous.ends_on = starts_on - dt.timedelta(days=1)
            previous.save(update_fields=["ends_on"])
            ended.append(previous.pk)
    seat.save()
    audit_record(
        actor=actor,
        action="seat.assign",
        obj=seat,
        request=request,
        details={
            "constituency": constituency,
            "starts_on": starts_on.isoformat(),
            "ended_terms": ended,
        },
    )
    return seat


@transaction.atomic
def seat_change_representatives(
    *,
    seat: KerngroepSeat,
    regular_representative: User,
    deputy_representative: User | None,
    actor,
    request: HttpRequest | None = None,
) -> KerngroepSeat:
    """Name other people of the seat's organisation as its regular and deputy
    representative. A term that has ended keeps its representatives."""
    _require(
        permissions.can_manage_seats(actor),
        _("Only the secretariat changes the Kerngroep representatives."),
    )
    seat = KerngroepSeat.objects.select_for_update().get(pk=seat.pk)
    if seat.ends_on is not None and seat.ends_on < timezone.localdate():
        raise ValidationError(
            _("This term ended on %(day)s; its representatives stay as they were.")
            % {"day": _day(seat.ends_on)}
        )
    _check_representatives(
        seat.organisation, regular_representative, deputy_representative
    )
    before = [seat.regular_representative_id, seat.deputy_representative_id]
    seat.regular_representative = regular_representative
    seat.deputy_representative = deputy_representative
    seat.full_clean()
    seat.save()
    audit_record(
        actor=actor,
        action="seat.representatives",
        obj=seat,
        request=request,
        details={
            "before": before,
            "after": [seat.regular_representative_id, seat.deputy_representative_id],
        },
    )
    return seat


@transaction.atomic
def chair_term_create(
    *,
    person: User,
    starts_on: dt.date,
    proposed_on: dt.date | None = None,
    confirmed_on: dt.date | None = None,
    actor,
    request: HttpRequest | None = None,
) -> ChairTerm:
    """Record a chair term: the person the SER proposed and the Kerngroep confirmed
    (art. 51). The current chair's term ends the day before the new one starts."""
    _require(
        permissions.can_manage_seats(actor),
        _("Only the secretariat records the chair."),
    )
    if not person.is_active:
        raise ValidationError(
            {"person": _("%(person)s's account is switched off.") % {"person": person}}
        )
    if person.organisation_id and person.organisation.kind in {
        OrganisationKind.COMPANY,
        OrganisationKind.NGO,
        OrganisationKind.UNION,
        OrganisationKind.BRANCH,
    }:
        raise ValidationError(
            {
                "person": _("The chair is independent: %(person)s works for a party.")
                % {"person": person}
            }
        )
    today = timezone.localdate()
    for field, value in (("proposed_on", proposed_on), ("confirmed_on", confirmed_on)):
        if value is not None and value > today:
            raise ValidationError({field: _("This date cannot lie in the future.")})
    terms = ChairTerm.objects.select_for_update()
    later = terms.filter(starts_on__gte=starts_on).order_by("starts_on").first()
    if later is not None:
        raise ValidationError(
            {
                "starts_on": _(
                    "A chair term from %(day)s exists already; a new term starts "
                    "after it."
                )
                % {"day": _day(later.starts_on)}
            }
        )
    term = ChairTerm(
        person=person,
        starts_on=starts_on,
        proposed_on=proposed_on,
        confirmed_on=confirmed_on,
    )
    term.full_clean()
    for previous in terms.filter(starts_on__lt=starts_on):
        if previous.ends_on is None or previous.ends_on >= starts_on:
            previous.ends_on = starts_on - dt.timedelta(days=1)
            previous.save(update_fields=["ends_on"])
    term.save()
    audit_record(
        actor=actor,
        action="chair.term",
        obj=term,
        request=request,
        details={
            "person": person.pk,
            "starts_on": starts_on.isoformat(),
            "proposed_on": proposed_on.isoformat() if proposed_on else "",
            "confirmed_on": confirmed_on.isoformat() if confirmed_on else "",
        },
    )
    return term


# --- Meetings --------------------------------------------------------------------------


def _year_of(starts_at: dt.datetime):
    agreement = agreement_current()
    day = timezone.localtime(starts_at).date()
    year = agreement_year_on(agreement=agreement, day=day) if agreement else None
    if year is None:
        raise ValidationError(
            {
                "starts_at": _(
                    "%(day)s lies outside the agreement's years; choose a date within "
                    "the agreement."
                )
                % {"day": _day(day)}
            }
        )
    return year


def _locked(meeting: Meeting) -> Meeting:
    """The meeting, locked for the change; refused once its minutes are approved."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.minutes_locked:
        raise ValidationError(
            _(
                "The minutes of this meeting were approved; its agenda, documents and "
                "minutes no longer change."
            ),
            code="locked",
        )
    return meeting


def _require_planned(meeting: Meeting, message: str) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(message, code="status")


@transaction.atomic
def meeting_plan(
    *,
    starts_at: dt.datetime,
    location: str = "",
    actor,
    request: HttpRequest | None = None,
) -> Meeting:
    """Plan a Kerngroep meeting; its agreement year follows from its date."""
    _require_secretariat(actor)
    meeting = Meeting(
        agreement_year=_year_of(starts_at),
        starts_at=starts_at,
        location=(location or "").strip(),
        created_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    audit_record(
        actor=actor,
        action="meeting.plan",
        obj=meeting,
        request=request,
        details={"starts_at": starts_at.isoformat(), "location": meeting.location},
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    starts_at: dt.datetime,
    location: str = "",
    actor,
    request: HttpRequest | None = None,
) -> Meeting:
    """Move a planned meeting or change its location."""
    _require_secretariat(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_planned(meeting, _("Only a planned meeting can be moved or changed."))
    before = {"starts_at": meeting.starts_at.isoformat(), "location": meeting.location}
    meeting.starts_at = starts_at
    meeting.location = (location or "").strip()
    meeting.agreement_year = _year_of(starts_at)
    meeting.full_clean()
    meeting.save()
    audit_record(
        actor=actor,
        action="meeting.update",
        obj=meeting,
        request=request,
        details={
            "before": before,
            "after": {"starts_at": starts_at.isoformat(), "location": meeting.location},
        },
    )
    return meeting


@transaction.atomic
def meeting_cancel(
    *, meeting: Meeting, actor, request: HttpRequest | None = None
) -> Meeting:
    """Cancel a planned meeting; it stays in the list as cancelled."""
    _require_secretariat(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_planned(meeting, _("Only a planned meeting can be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="meeting.cancel", obj=meeting, request=request)
    return meeting


@transaction.atomic
def meeting_mark_held(
    *, meeting: Meeting, actor, request: HttpRequest | None = None
) -> Meeting:
    """Record that a planned meeting took place; its minutes can then be written."""
    _require_secretariat(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_planned(meeting, _("Only a planned meeting can be marked as held."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(
            _("This meeting has not begun yet; mark it as held once it took place."),
            code="future",
        )
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="meeting.held", obj=meeting, request=request)
    return meeting


# --- Agenda items and documents ---------------------------------------------------------


def _clean_item_values(
    *, title: str, description: str, visibility: str, outline: str
) -> dict:
    values = {
        "title": (title or "").strip(),
        "description": (description or "").strip(),
        "visibility": visibility,
        "outline": (outline or "").strip(),
    }
    if visibility == AgendaVisibility.OUTLINE and not values["outline"]:
        raise ValidationError(
            {
                "outline": _(
                    "Write the outline that every party reads, or mark the item "
                    "Kerngroep only."
                )
            }
        )
    return values


@transaction.atomic
def agenda_item_create(
    *,
    meeting: Meeting,
    title: str,
    description: str = "",
    visibility: str = AgendaVisibility.OUTLINE,
    outline: str = "",
    actor,
    request: HttpRequest | None = None,
) -> AgendaItem:
    """Add an item at the end of the meeting's agenda. An item shared in outline has an
    outline text for every party; its description is for the Kerngroep."""
    _require_secretariat(actor)
    meeting = _locked(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."), code="status")
    values = _clean_item_values(
        title=title, description=description, visibility=visibility, outline=outline
    )
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(meeting=meeting, position=last + 1, **values)
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="agenda_item.create",
        obj=item,
        request=request,
        details={"meeting": meeting.pk, "visibility": item.visibility},
    )
    return item


@transaction.atomic
def agenda_item_update(
    *,
    item: AgendaItem,
    title: str,
    description: str = "",
    visibility: str = AgendaVisibility.OUTLINE,
    outline: str = "",
    actor,
    request: HttpRequest | None = None,
) -> AgendaItem:
    _require_secretariat(actor)
    _locked(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    values = _clean_item_values(
        title=title, description=description, visibility=visibility, outline=outline
    )
    before = {field: getattr(item, field) for field in values}
    for field, value in values.items():
        setattr(item, field, value)
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="agenda_item.update",
        obj=item,
        request=request,
        details={
            "changed": sorted(f for f in values if before[f] != values[f]),
            "visibility": item.visibility,
        },
    )
    return item


@transaction.atomic
def agenda_item_delete(
    *, item: AgendaItem, actor, request: HttpRequest | None = None
) -> None:
    """Remove an item with its documents; the items after it move up."""
    _require_secretariat(actor)
    meeting = _locked(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.decisions.exists():
        raise ValidationError(
            _(
                "A decision is put to the Kerngroep under this item; it stays on the "
                "agenda."
            ),
            code="has_decision",
        )
    names = [document.file.name for document in item.documents.all()]
    audit_record(
        actor=actor,
        action="agenda_item.delete",
        obj=item,
        request=request,
        details={"meeting": meeting.pk, "title": item.title, "documents": len(names)},
    )
    position = item.position
    item.delete()
    meeting.items.filter(position__gt=position).update(position=F("position") - 1)
    _delete_files_on_commit(names)


@transaction.atomic
def agenda_item_move(
    *, item: AgendaItem, direction: str, actor, request: HttpRequest | None = None
) -> AgendaItem:
    """Swap the item with the one above ("up") or below ("down") it."""
    _require_secretariat(actor)
    meeting = _locked(item.meeting)
    if direction not in {"up", "down"}:
        raise ValidationError(_("An item moves up or down."))
    items = list(meeting.items.select_for_update().order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    neighbour = index - 1 if direction == "up" else index + 1
    if not 0 <= neighbour < len(items):
        raise ValidationError(
            _("This item is first on the agenda already.")
            if direction == "up"
            else _("This item is last on the agenda already."),
            code="edge",
        )
    items[index], items[neighbour] = items[neighbour], items[index]
    # Number from 1 so that earlier gaps disappear as well.
    for position, other in enumerate(items, start=1):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position", "updated_at"])
    moved = items[neighbour]
    audit_record(
        actor=actor,
        action="agenda_item.move",
        obj=moved,
        request=request,
        details={"meeting": meeting.pk, "direction": direction},
    )
    return moved


def _delete_files_on_commit(names: list[str]) -> None:
    storage = AgendaDocument._meta.get_field("file").storage
    for name in names:
        if name:
            transaction.on_commit(lambda name=name: storage.delete(name))


@transaction.atomic
def agenda_document_add(
    *,
    item: AgendaItem,
    file: UploadedFile,
    actor,
    request: HttpRequest | None = None,
) -> AgendaDocument:
    """Attach a document (PDF, Word or Excel, judged by its content) to an item. It is
    for the Kerngroep only, whatever the item's visibility."""
    _require_secretariat(actor)
    _locked(item.meeting)
    checked = check_upload(file)
    if checked.content_type not in AGENDA_DOCUMENT_TYPES:
        raise ValidationError(
            {
                "file": _(
                    "“%(name)s” is not a PDF, Word or Excel document, judged by its "
                    "content."
                )
                % {"name": checked.original_name}
            }
        )
    document = AgendaDocument(
        item=item,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    # upload_to gives the stored file a random name; the given name plays no part.
    document.file.save("upload", file, save=False)
    stored = str(document.file.name)
    try:
        document.full_clean()
        document.save()
        audit_record(
            actor=actor,
            action="agenda_document.add",
            obj=document,
            request=request,
            details={"item": item.pk, "name": document.original_name},
        )
    except BaseException:
        document.file.storage.delete(stored)
        raise
    return document


@transaction.atomic
def agenda_document_delete(
    *, document: AgendaDocument, actor, request: HttpRequest | None = None
) -> None:
    _require_secretariat(actor)
    _locked(document.item.meeting)
    name = document.file.name
    audit_record(
        actor=actor,
        action="agenda_document.delete",
        obj=document,
        request=request,
        details={"item": document.item_id, "name": document.original_name},
    )
    document.delete()
    _delete_files_on_commit([name])


def agenda_document_downloaded(
    *, document: AgendaDocument, actor, request: HttpRequest | None = None
) -> None:
    """Note in the audit log who opened a Kerngroep document."""
    audit_record(
        actor=actor,
        action="agenda_document.download",
        obj=document,
        request=request,
        details={"item": document.item_id, "name": document.original_name},
    )


# --- Guests ----------------------------------------------------------------------------


@transaction.atomic
def guest_propose(
    *,
    meeting: Meeting,
    name: str,
    affiliation: str = "",
    reason: str = "",
    actor,
    request: HttpRequest | None = None,
) -> MeetingGuest:
    """Propose an external guest for a planned meeting; the chair decides (art. 48)."""
    _require(
        permissions.can_propose_guest(actor),
        _("Only the secretariat and Kerngroep members propose guests."),
    )
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_planned(meeting, _("Guests are proposed for a planned meeting only."))
    guest = MeetingGuest(
        meeting=meeting,
        name=(name or "").strip(),
        affiliation=(affiliation or "").strip(),
        reason=(reason or "").strip(),
        proposed_by=actor,
    )
    if not guest.reason:
        raise ValidationError(
            {"reason": _("Say why the guest should attend; the chair decides on it.")}
        )
    guest.full_clean()
    guest.save()
    audit_record(
        actor=actor,
        action="guest.propose",
        obj=guest,
        request=request,
        details={"meeting": meeting.pk, "name": guest.name},
    )
    return guest


@transaction.atomic
def guest_decide(
    *,
    guest: MeetingGuest,
    admit: bool,
    actor,
    request: HttpRequest | None = None,
) -> MeetingGuest:
    """The chair admits or refuses a proposed guest; the decision stands."""
    _require(
        permissions.can_admit_guest(actor),
        _("Only the chair admits guests to a Kerngroep meeting."),
    )
    guest = MeetingGuest.objects.select_for_update().get(pk=guest.pk)
    if guest.is_decided:
        raise ValidationError(
            _("The chair has already decided on %(name)s.") % {"name": guest.name},
            code="decided",
        )
    _require_planned(guest.meeting, _("Guests are admitted to a planned meeting only."))
    now = timezone.now()
    if admit:
        guest.admitted_by, guest.admitted_at = actor, now
    else:
        guest.refused_by, guest.refused_at = actor, now
    guest.full_clean()
    guest.save()
    audit_record(
        actor=actor,
        action="guest.admit" if admit else "guest.refuse",
        obj=guest,
        request=request,
        details={"meeting": guest.meeting_id, "name": guest.name},
    )
    return guest


# --- Minutes ---------------------------------------------------------------------------


@transaction.atomic
def minutes_write(
    *,
    meeting: Meeting,
    full: str,
    outline: str,
    actor,
    request: HttpRequest | None = None,
) -> Meeting:
    """Write or revise the minutes of a held meeting: the full version for the Kerngroep
    and the outline for every party (art. 48), until they are approved."""
    _require_secretariat(actor)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(
            _("Minutes are written once the meeting is marked as held."),
            code="status",
        )
    meeting.minutes_full = (full or "").strip()
    meeting.minutes_outline = (outline or "").strip()
    meeting.full_clean()
    meeting.save(update_fields=["minutes_full", "minutes_outline", "updated_at"])
    audit_record(
        actor=actor,
        action="minutes.write",
        obj=meeting,
        request=request,
        details={
            "full": len(meeting.minutes_full),
            "outline": len(meeting.minutes_outline),
        },
    )
    return meeting


@transaction.atomic
def minutes_approve(
    *,
    meeting: Meeting,
    approved_in: Meeting,
    actor,
    request: HttpRequest | None = None,
) -> Meeting:
    """Record that a later meeting approved `meeting`'s minutes; both versions are then
    locked, with its agenda and documents."""
    _require_secretariat(actor)
    meeting = _locked(meeting)
    approved_in = Meeting.objects.get(pk=approved_in.pk)
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(
            _("Only the minutes of a held meeting are approved."), code="status"
        )
    if not meeting.minutes_full or not meeting.minutes_outline:
        raise ValidationError(
            _("Write both the full and the outline minutes before they are approved."),
            code="empty",
        )
    if approved_in.starts_at <= meeting.starts_at:
        raise ValidationError(
            _("Minutes are approved in a later meeting, not in this one or earlier."),
            code="order",
        )
    if approved_in.status == MeetingStatus.CANCELLED:
        raise ValidationError(
            _("The meeting of %(day)s was cancelled; it approves nothing.")
            % {"day": _day(timezone.localtime(approved_in.starts_at).date())},
            code="cancelled",
        )
    if approved_in.starts_at > timezone.now():
        raise ValidationError(
            _(
                "The meeting of %(day)s has not begun yet; record the approval during "
                "or after it."
            )
            % {"day": _day(timezone.localtime(approved_in.starts_at).date())},
            code="future",
        )
    meeting.minutes_approved_in = approved_in
    meeting.minutes_approved_at = timezone.now()
    meeting.full_clean()
    meeting.save(
        update_fields=["minutes_approved_in", "minutes_approved_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="minutes.approve",
        obj=meeting,
        request=request,
        details={"approved_in": approved_in.pk},
    )
    return meeting
