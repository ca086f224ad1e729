"""The meeting pack (art. 52): one PDF per meeting for the Kerngroep, and a shorter
outline for every party, rendered by a Celery task and kept until what it shows changes.

A pack is identified by its meeting, its kind and the fingerprint of its content (which
includes the language it is written in): when an agenda item, a document, a pending
decision or the minutes change, the fingerprint changes and a new pack is built; an
unchanged meeting reuses the pack already made. The stored PDF carries no reader's
name: each download is stamped afresh.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .meetings import Meeting

# A build that has not finished after this long died with its worker (or its task was
# lost): a new start may take it over.
STUCK_AFTER = dt.timedelta(minutes=30)


class PackKind(models.TextChoices):
    FULL = "full", _("Meeting pack (Kerngroep)")
    OUTLINE = "outline", _("Outline pack (all parties)")


class PackStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("pack status", "Waiting to start")
    RUNNING = "running", pgettext_lazy("pack status", "Being prepared")
    DONE = "done", pgettext_lazy("pack status", "Ready")
    FAILED = "failed", pgettext_lazy("pack status", "Failed")


class PrivateRootStorage(FileSystemStorage):
    """Files outside MEDIA_URL, served only by permission-checked views, in the folder
    PRIVATE_MEDIA_ROOT names at the time of use (so that a changed setting moves it)."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def pack_storage() -> FileSystemStorage:
    return PrivateRootStorage(base_url=None)


def meeting_pack_path(instance: MeetingPack, filename: str) -> str:
    return f"packs/{instance.meeting_id}/{uuid.uuid4().hex}.pdf"


class MeetingPack(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    kind = models.CharField(_("kind"), max_length=10, choices=PackKind.choices)
    language = models.CharField(_("language"), max_length=10)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PackStatus.choices,
        default=PackStatus.QUEUED,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    error_message = models.TextField(_("why it failed"), blank=True)
    file = models.FileField(
        _("file"), upload_to=meeting_pack_path, storage=pack_storage, blank=True
    )
    pages = models.PositiveIntegerField(_("pages"), default=0)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # When the task's message was last handed to the queue; empty while the queue
    # could not be reached: convenant/dispatch.py sends it again once it is back.
    dispatched_at = models.DateTimeField(
        _("handed to the queue"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("meeting pack")
        verbose_name_plural = _("meeting packs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "fingerprint"],
                name="meeting_pack_one_per_content",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="meeting_pack_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.meeting}"

    @property
    def is_building(self) -> bool:
        return self.status in {PackStatus.QUEUED, PackStatus.RUNNING}

    @property
    def is_stuck(self) -> bool:
        if not self.is_building:
            return False
        since = self.started_at or self.created_at
        return since is not None and timezone.now() - since > STUCK_AFTER

    @property
    def is_ready(self) -> bool:
        return self.status == PackStatus.DONE and bool(self.file)

    @property
    def waits_for_queue(self) -> bool:
        """Queued, but its message could not be handed to the queue yet."""
        return self.status == PackStatus.QUEUED and self.dispatched_at is None
