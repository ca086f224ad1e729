"""Starting, building, publishing and handing out the yearly reports.

`report_start` queues a new edition of each version asked for, or attaches to the one
being made; `report_build` (run by the Celery task) gathers the document, writes the
PDF and the XLSX under names of their own and attaches both to the run in one
transaction at the end, so a worker that dies half-way leaves no half-written result,
only a run that can be retried. `report_publish` hands a done edition to its readers;
`report_download` logs every download.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from convenant import dispatch, pdf
from convenant.audit import audit_record

from . import content, permissions, render
from .changes import figure_changes
from .document import INTERNAL, VERSIONS
from .models import BUILDING, ReportRun, ReportStatus

logger = logging.getLogger(__name__)

# How a run's progress is shared between its parts.
GATHER_UNTIL = 70
PDF_UNTIL = 95


def _language(language: str | None = None) -> str:
    return (language or get_language() or "nl")[:2]


def report_start(
    *,
    year,
    versions: Iterable[str] = VERSIONS,
    actor,
    language: str | None = None,
    request: HttpRequest | None = None,
) -> list[tuple[ReportRun, bool]]:
    """Make sure a new edition of each of `versions` of `year`'s report is on its way.
    Returns each run with whether this call queued it: a run already queued or running
    is returned as it is (the call attaches to it); one that is stuck is taken over; a
    failed latest edition is tried again rather than numbered anew."""
    if actor is not None and not permissions.can_manage_reports(actor):
        raise PermissionDenied
    versions = list(dict.fromkeys(versions))
    if not versions or any(version not in VERSIONS for version in versions):
        raise ValidationError(_("Choose at least one version of the report."))
    return [
        _start_one(
            year=year,
            version=version,
            actor=actor,
            language=_language(language),
            request=request,
        )
        for version in versions
    ]


def _start_one(*, year, version, actor, language, request) -> tuple[ReportRun, bool]:
    with transaction.atomic():
        latest = (
            ReportRun.objects.select_for_update()
            .filter(year=year, version=version)
            .order_by("-edition")
            .first()
        )
        if latest is not None and latest.is_building and not latest.is_stuck:
            return latest, False
        if latest is not None and (
            latest.is_stuck or latest.status == ReportStatus.FAILED
        ):
            _reset(latest, actor=actor, language=language)
            run = latest
        else:
            try:
                with transaction.atomic():
                    run = ReportRun(
                        year=year,
                        version=version,
                        edition=(latest.edition + 1) if latest else 1,
                        language=language,
                        created_by=actor,
                    )
                    # Both unique constraints are left to the database: a start that
                    # loses the race learns it here and attaches to the winner.
                    run.full_clean(validate_constraints=False)
                    run.save()
            except IntegrityError:
                running = ReportRun.objects.filter(
                    year=year, version=version, status__in=BUILDING
                ).first()
                if running is None:
                    raise
                return running, False
        audit_record(
            actor=actor,
            action="report.start",
            obj=run,
            request=request,
            details={"year": year.number, "version": version, "edition": run.edition},
        )
        _enqueue(run)
    return run, True


def _enqueue(run: ReportRun) -> None:
    from . import tasks

    dispatch.send_on_commit(tasks.build_yearly_report, run)


def _reset(run: ReportRun, *, actor, language: str | None = None) -> None:
    """Queue a failed or stuck run again, as if it were asked for now. It never had
    files: they are attached only when a run is done."""
    run.status = ReportStatus.QUEUED
    run.progress = 0
    run.step = ""
    run.error_message = ""
    run.started_at = None
    run.heartbeat_at = None
    run.finished_at = None
    run.created_at = timezone.now()
    run.created_by = actor
    if language:
        run.language = language
    run.save()


def report_retry(
    *, run: ReportRun, actor, request: HttpRequest | None = None
) -> ReportRun:
    """Try a failed run again, or take over one whose worker has stopped."""
    if not permissions.can_manage_reports(actor):
        raise PermissionDenied
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        if not run.can_retry:
            raise ValidationError(
                _("Only a report that failed or stopped can be tried again.")
            )
        _reset(run, actor=actor)
        audit_record(
            actor=actor,
            action="report.retry",
            obj=run,
            request=request,
            details={"edition": run.edition, "version": run.version},
        )
        _enqueue(run)
    return run


def _claim(run_id: int) -> ReportRun | None:
    """Mark a queued (or stuck) run as running; None when another worker has it, or
    it is done or failed."""
    with transaction.atomic():
        run = (
            ReportRun.objects.select_for_update(of=("self",))
            .select_related("year")
            .filter(pk=run_id)
            .first()
        )
        if run is None:
            return None
        stuck = run.status == ReportStatus.RUNNING and run.is_stuck
        if run.status != ReportStatus.QUEUED and not stuck:
            return None
        now = timezone.now()
        run.status = ReportStatus.RUNNING
        run.started_at = now
        run.heartbeat_at = now
        run.progress = 1
        run.step = ""
        run.attempts += 1
        run.save(
            update_fields=[
                "status",
                "started_at",
                "heartbeat_at",
                "progress",
                "step",
                "attempts",
            ]
        )
        return run


class RunTakenOver(Exception):
    """The run was reset (retried) by someone else while this worker built it."""


def report_build(run_id: int) -> ReportRun | None:
    """Build a queued run. Idempotent: a run done, failed or running in another live
    worker is left as it is. On failure no file is kept and the run says why in a
    sentence; the traceback goes to the log."""
    run = _claim(run_id)
    if run is None:
        return ReportRun.objects.filter(pk=run_id).first()
    started_at = run.started_at
    delay = float(getattr(settings, "REPORTS_TEST_STEP_DELAY", 0) or 0)

    def progress(percent: int, step: str) -> None:
        updated = ReportRun.objects.filter(
            pk=run_id, status=ReportStatus.RUNNING, started_at=started_at
        ).update(
            progress=max(1, min(99, percent)),
            step=str(step)[:200],
            heartbeat_at=timezone.now(),
        )
        if not updated:
            raise RunTakenOver
        if delay:
            # Tests make a run slow on purpose, to stop its worker half-way.
            time.sleep(delay)

    names: list[str] = []
    storage = run.pdf.storage
    try:
        with override(run.language):
            progress(2, _("Collecting the figures"))
            document = content.gather(
                year=run.year,
                version=run.version,
                progress=lambda percent, step: progress(
                    2 + round(percent * (GATHER_UNTIL - 2) / 100), step
                ),
            )
            progress(GATHER_UNTIL, _("Laying out the PDF"))
            rendered = render.render_pdf(document, edition=run.edition)
            names.append(
                storage.save(
                    run.pdf.field.generate_filename(run, "report.pdf"),
                    ContentFile(rendered.content),
                )
            )
            progress(PDF_UNTIL, _("Writing the spreadsheet"))
            spreadsheet = render.render_xlsx(document, edition=run.edition)
            names.append(
                storage.save(
                    run.xlsx.field.generate_filename(run, "report.xlsx"),
                    ContentFile(spreadsheet),
                )
            )
            progress(99, _("Saving the report"))
        with transaction.atomic():
            current = (
                ReportRun.objects.select_for_update(of=("self",))
                .filter(pk=run_id)
                .first()
            )
            if (
                current is None
                or current.status != ReportStatus.RUNNING
                or current.started_at != started_at
            ):
                raise RunTakenOver
            figures = document.figures()
            previous = (
                ReportRun.objects.filter(
                    year_id=current.year_id,
                    version=current.version,
                    status=ReportStatus.DONE,
                    edition__lt=current.edition,
                )
                .order_by("-edition")
                .first()
            )
            current.pdf.name, current.xlsx.name = names
            current.status = ReportStatus.DONE
            current.progress = 100
            current.step = ""
            current.pages = rendered.pages
            current.pdf_size = len(rendered.content)
            current.xlsx_size = len(spreadsheet)
            current.figures = figures
            current.changes = (
                figure_changes(previous.figures, figures) if previous else None
            )
            current.finished_at = timezone.now()
            current.heartbeat_at = current.finished_at
            current.save()
            audit_record(
                actor=None,
                action="report.done",
                obj=current,
                details={
                    "edition": current.edition,
                    "version": current.version,
                    "pages": current.pages,
                    "changes": current.change_count,
                },
            )
        return current
    except RunTakenOver:
        logger.info("Report run %s was taken over; this build stops", run_id)
        for name in names:
            storage.delete(name)
        return ReportRun.objects.filter(pk=run_id).first()
    except Exception as error:
        logger.exception("Report run %s failed", run_id)
        for name in names:
            storage.delete(name)
        ReportRun.objects.filter(
            pk=run_id, status=ReportStatus.RUNNING, started_at=started_at
        ).update(
            status=ReportStatus.FAILED,
            progress=0,
            step="",
            error_message=_reason(error)[:2000],
            finished_at=timezone.now(),
        )
        return ReportRun.objects.get(pk=run_id)


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return _(
        "The report could not be made: %(error)s. The details are in the worker's "
        "log; try again, and if it fails again, ask the platform's administrator."
    ) % {"error": str(error) or error.__class__.__name__}


def report_publish(
    *, run: ReportRun, actor, request: HttpRequest | None = None
) -> ReportRun:
    """Hand a done edition to its readers: they see the latest published edition of
    their version. The internal version is never published."""
    if not permissions.can_manage_reports(actor):
        raise PermissionDenied
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        if run.version == INTERNAL:
            raise ValidationError(_("The internal version stays with the secretariat."))
        if not run.is_ready:
            raise ValidationError(_("Only a finished report can be published."))
        if run.is_published:
            return run
        run.published_at = timezone.now()
        run.published_by = actor
        run.full_clean(validate_constraints=False)
        run.save(update_fields=["published_at", "published_by"])
        audit_record(
            actor=actor,
            action="report.publish",
            obj=run,
            request=request,
            details={"edition": run.edition, "version": run.version},
        )
    return run


def report_build_now(*, year, actor, versions=VERSIONS, publish: bool = False) -> list:
    """Build `versions` of the year's report in this process and, when asked, publish
    them (the demo data and the benchmark use this)."""
    runs = []
    for run, _started in report_start(year=year, versions=versions, actor=actor):
        run = report_build(run.pk) or run
        if publish and run.is_ready and run.version != INTERNAL:
            run = report_publish(run=run, actor=actor)
        runs.append(run)
    return runs


FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
}


def report_download(
    *, run: ReportRun, user, fmt: str, request: HttpRequest | None = None
) -> tuple[bytes, str, str]:
    """The file of a ready edition, its name and its content type; the internal PDF
    with the reader's name on every page. Every download is written to the audit
    log."""
    if not permissions.can_download(user, run):
        raise PermissionDenied
    if not run.is_ready or fmt not in FORMATS:
        raise ValidationError(_("This report is not ready yet."))
    field = run.pdf if fmt == "pdf" else run.xlsx
    with field.open("rb") as handle:
        data = handle.read()
    if fmt == "pdf" and run.version == INTERNAL:
        # The exact figures carry the reader's name on every page, as the meeting
        # pack does: a copy that travels says whose it was.
        from governance.services.packs import stamp_text

        with override(run.language):
            data = pdf.stamp(data, stamp_text(user))
    audit_record(
        actor=user,
        action="report.download",
        obj=run,
        request=request,
        details={
            "year": run.year.number,
            "version": run.version,
            "edition": run.edition,
            "format": fmt,
        },
    )
    content_type, extension = FORMATS[fmt]
    filename = f"report-year-{run.year.number}-{run.version}-{run.edition}.{extension}"
    return data, filename, content_type
