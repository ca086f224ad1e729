"""Demo data: the packs of the upcoming Kerngroep meeting, so that the pack page of the
demo shows a pack ready to download. Runs after the other governance areas, which seed
the meetings, their agendas and the decisions."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from ..models import Meeting, MeetingStatus, PackKind


def seed(*, secretariat) -> None:
    """Idempotent: running it twice adds nothing the second time (an unchanged meeting
    keeps its packs). Without an upcoming meeting it does nothing."""
    from ..services.packs import meeting_pack_start

    meeting = (
        Meeting.objects.filter(
            status=MeetingStatus.PLANNED, starts_at__gte=timezone.now()
        )
        .order_by("starts_at", "pk")
        .first()
    )
    if meeting is None:
        return
    for kind in (PackKind.FULL, PackKind.OUTLINE):
        meeting_pack_start(
            meeting=meeting,
            kind=kind,
            actor=secretariat,
            language=settings.LANGUAGE_CODE,
        )
