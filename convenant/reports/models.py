"""Tables of the yearly reports (see content.py).

A `ReportRun` is one edition of one version of an agreement year's report: built in
the background by a Celery task, then kept with its PDF and XLSX. Editions of the same
year and version are numbered 1, 2, ...; a regenerated edition records which figures
changed against the edition done before it. The secretariat publishes an edition
before the parties (or the government) see it; each reader sees the latest edition
published for their version.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.models.packs import pack_storage

from .document import GOVERNMENT, INTERNAL, PARTIES

__all__ = ["ReportRun", "ReportStatus", "ReportVersion", "report_stuck_after"]


class ReportVersion(models.TextChoices):
    PARTIES = PARTIES, _("All parties")
    GOVERNMENT = GOVERNMENT, _("Government (art. 63)")
    INTERNAL = INTERNAL, _("Secretariat (internal, exact figures)")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("report status", "Waiting to start")
    RUNNING = "running", pgettext_lazy("report status", "Being made")
    DONE = "done", pgettext_lazy("report status", "Ready")
    FAILED = "failed", pgettext_lazy("report status", "Failed")


BUILDING = (ReportStatus.QUEUED, ReportStatus.RUNNING)


def report_stuck_after() -> dt.timedelta:
    """A run whose worker has not reported any progress for this long has died with
    its worker (or its task was lost): it may be retried or taken over."""
    return dt.timedelta(seconds=getattr(settings, "REPORTS_STUCK_AFTER_SECONDS", 600))


def report_file_path(instance: ReportRun, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1]
    return (
        f"reports/{instance.year_id}/{instance.version}/{uuid.uuid4().hex}.{extension}"
    )


class ReportRun(models.Model):
    year = models.ForeignKey(
        "convenant.AgreementYear",
        on_delete=models.PROTECT,
        related_name="report_runs",
        verbose_name=_("agreement year"),
    )
    version = models.CharField(
        _("version"), max_length=12, choices=ReportVersion.choices
    )
    edition = models.PositiveSmallIntegerField(_("edition"), default=1)
    language = models.CharField(_("language"), max_length=10, default="nl")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.QUEUED,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    error_message = models.TextField(_("why it failed"), blank=True)
    pdf = models.FileField(
        _("PDF"), upload_to=report_file_path, storage=pack_storage, blank=True
    )
    xlsx = models.FileField(
        _("spreadsheet"), upload_to=report_file_path, storage=pack_storage, blank=True
    )
    pages = models.PositiveIntegerField(_("pages"), default=0)
    pdf_size = models.PositiveIntegerField(_("PDF size (bytes)"), default=0)
    xlsx_size = models.PositiveIntegerField(_("spreadsheet size (bytes)"), default=0)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    changes = models.JSONField(
        _("changes against the edition before"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the task's message was last handed to the queue; empty while the queue
    # could not be reached: convenant/dispatch.py sends it again once it is back.
    dispatched_at = models.DateTimeField(
        _("handed to the queue"), null=True, blank=True, editable=False
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")
        ordering = ["year", "version", "-edition"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "version", "edition"],
                name="report_run_one_edition_number",
            ),
            # One build at a time per year and version: a second start attaches.
            models.UniqueConstraint(
                fields=["year", "version"],
                condition=Q(status__in=["queued", "running"]),
                name="report_run_one_building",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_run_progress_percent"
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(status="done"),
                name="report_run_published_when_done",
            ),
        ]

    def __str__(self) -> str:
        return _("Report %(year)s, %(version)s, edition %(edition)s") % {
            "year": self.year_id and self.year,
            "version": self.get_version_display(),
            "edition": self.edition,
        }

    @property
    def is_building(self) -> bool:
        return self.status in BUILDING

    @property
    def is_stuck(self) -> bool:
        """Building, but no sign of life for longer than the stuck limit."""
        if not self.is_building:
            return False
        since = self.heartbeat_at or self.started_at or self.created_at
        return since is not None and timezone.now() - since > report_stuck_after()

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.DONE and bool(self.pdf) and bool(self.xlsx)

    @property
    def waits_for_queue(self) -> bool:
        """Queued, but its message could not be handed to the queue yet."""
        return self.status == ReportStatus.QUEUED and self.dispatched_at is None

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def can_retry(self) -> bool:
        return self.status == ReportStatus.FAILED or self.is_stuck

    @property
    def change_count(self) -> int:
        if not self.changes:
            return 0
        return sum(len(self.changes.get(kind, ())) for kind in CHANGE_KINDS)


CHANGE_KINDS = ("added", "removed", "changed")
