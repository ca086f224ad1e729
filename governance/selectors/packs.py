"""Reads for the meeting packs: the meeting a pack is for, the meetings around it, the
pending decisions and the pack already made for the meeting's current content.

Each is one query; the pack's content as a whole is gathered in `governance.packs`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .. import permissions
from ..models import (
    AgendaDocument,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingPack,
    MeetingStatus,
)


def pack_meeting_get(*, user, pk: int, kind: str) -> Meeting:
    """The meeting whose pack of `kind` the person may have, or 404. Access itself is
    decided by the view (403), so that a person without it learns nothing about which
    meetings exist."""
    meetings = (
        Meeting.objects.all()
        if permissions.can_get_pack(user, kind)
        else Meeting.objects.none()
    )
    return get_object_or_404(meetings.select_related("agreement_year"), pk=pk)


def meetings_before(meeting: Meeting) -> QuerySet[Meeting]:
    """Held meetings that started before this one, latest first."""
    return (
        Meeting.objects.filter(status=MeetingStatus.HELD)
        .filter(
            Q(starts_at__lt=meeting.starts_at)
            | Q(starts_at=meeting.starts_at, pk__lt=meeting.pk)
        )
        .exclude(pk=meeting.pk)
        .order_by("-starts_at", "-pk")
    )


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return meetings_before(meeting).first()


def pack_minutes_to_approve(meeting: Meeting) -> list[Meeting]:
    """The held meetings before this one whose minutes wait for approval, oldest first:
    usually just the previous meeting."""
    return list(
        meetings_before(meeting)
        .filter(minutes_approved_at__isnull=True)
        .exclude(minutes_full="")
        .order_by("starts_at", "pk")
    )


def pack_pending_decisions() -> QuerySet[Decision]:
    """Decisions the Kerngroep or the assembly still has to take, oldest first."""
    return (
        Decision.objects.filter(
            status__in=[DecisionStatus.OPEN, DecisionStatus.ESCALATED]
        )
        .select_related("agenda_item__meeting", "subject_type", "assembly_vote")
        .order_by("created_at", "pk")
    )


def pack_documents(meeting: Meeting) -> QuerySet[AgendaDocument]:
    """The documents of the meeting's agenda items and of the items of the pending
    decisions, in agenda order."""
    pending_items = Decision.objects.filter(
        status__in=[DecisionStatus.OPEN, DecisionStatus.ESCALATED],
        agenda_item__isnull=False,
    ).values("agenda_item_id")
    return (
        AgendaDocument.objects.filter(
            Q(item__meeting=meeting) | Q(item_id__in=pending_items)
        )
        .select_related("item__meeting")
        .order_by(
            "item__meeting__starts_at", "item__position", "item_id", "uploaded_at", "pk"
        )
    )


def pack_for(*, meeting: Meeting, kind: str, fingerprint: str) -> MeetingPack | None:
    """The pack made (or being made) for exactly this content, if any."""
    return MeetingPack.objects.filter(
        meeting=meeting, kind=kind, fingerprint=fingerprint
    ).first()


def pack_latest(*, meeting: Meeting, kind: str) -> MeetingPack | None:
    """The newest pack of the meeting, whatever content it was made for."""
    return (
        MeetingPack.objects.filter(meeting=meeting, kind=kind)
        .order_by("-created_at", "-pk")
        .first()
    )
