"""Preparing, building and handing out meeting packs (art. 52).

`meeting_pack_start` reuses the pack already made (or being made) for the meeting's
current content, and otherwise queues a new one, built by a Celery task once the
request's transaction is committed. `meeting_pack_build` renders it, reporting its
progress on the pack so that the page can show it, and keeps the PDF whole or not at
all. `meeting_pack_download` stamps the reader's name and the date on every page of the
stored PDF and logs the download.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from convenant import dispatch, pdf
from convenant.audit import audit_record

from .. import packs, permissions
from ..models import (
    AccessionApplication,
    AgendaDocument,
    Meeting,
    MeetingPack,
    PackKind,
    PackStatus,
    User,
)

logger = logging.getLogger(__name__)

TEMPLATES = {
    PackKind.FULL: "governance/packs/pdf/full.html",
    PackKind.OUTLINE: "governance/packs/pdf/outline.html",
}
SEPARATORS_TEMPLATE = "governance/packs/pdf/separators.html"


def _language(language: str | None = None) -> str:
    return (language or get_language() or "nl")[:2]


def meeting_pack_current(
    *, meeting: Meeting, kind: str, language: str | None = None
) -> tuple[MeetingPack | None, str]:
    """The pack for the meeting's content as it is now (None when there is none yet)
    and that content's fingerprint."""
    from ..selectors.packs import pack_for

    fingerprint = packs.pack_fingerprint(
        meeting=meeting, kind=kind, language=_language(language)
    )
    return pack_for(meeting=meeting, kind=kind, fingerprint=fingerprint), fingerprint


def meeting_pack_start(
    *,
    meeting: Meeting,
    kind: str,
    actor: User | None,
    language: str | None = None,
    request: HttpRequest | None = None,
) -> tuple[MeetingPack, bool]:
    """Make sure a pack for the meeting's current content exists or is on its way.
    Returns the pack and whether this call queued a build: a pack that is ready or
    being built for the same content is returned as it is; a failed one is tried
    again."""
    if actor is not None and not permissions.can_get_pack(actor, kind):
        raise PermissionDenied
    if kind not in PackKind.values:
        raise ValidationError(_("There is no such pack."))
    language = _language(language)
    fingerprint = packs.pack_fingerprint(meeting=meeting, kind=kind, language=language)
    with transaction.atomic():
        pack = (
            MeetingPack.objects.select_for_update()
            .filter(meeting=meeting, kind=kind, fingerprint=fingerprint)
            .first()
        )
        if pack is not None and not _needs_build(pack):
            return pack, False
        if pack is None:
            try:
                with transaction.atomic():
                    pack = MeetingPack(
                        meeting=meeting,
                        kind=kind,
                        language=language,
                        fingerprint=fingerprint,
                        created_by=actor,
                    )
                    # The unique constraint is left to the database: a start that
                    # loses the race learns it here and attaches to the winner.
                    pack.full_clean(validate_constraints=False)
                    pack.save()
            except IntegrityError:
                # Another start for the same content won the race: attach to it.
                return MeetingPack.objects.get(
                    meeting=meeting, kind=kind, fingerprint=fingerprint
                ), False
        else:
            _reset(pack, actor=actor)
        audit_record(
            actor=actor,
            action="meeting_pack.start",
            obj=pack,
            request=request,
            details={"meeting": meeting.pk, "kind": kind, "language": language},
        )
        from .. import tasks

        dispatch.send_on_commit(tasks.build_meeting_pack, pack)
    return pack, True


def _needs_build(pack: MeetingPack) -> bool:
    if pack.status == PackStatus.FAILED:
        return True
    if pack.status == PackStatus.DONE:
        return not pack.file
    return pack.is_stuck


def _reset(pack: MeetingPack, *, actor: User | None) -> None:
    """Queue a failed or stuck pack again, as if it were asked for now."""
    if pack.file:
        pack.file.delete(save=False)
    pack.status = PackStatus.QUEUED
    pack.progress = 0
    pack.step = ""
    pack.error_message = ""
    pack.file = ""
    pack.pages = 0
    pack.size = 0
    pack.started_at = None
    pack.finished_at = None
    pack.created_at = timezone.now()
    pack.created_by = actor
    pack.save()


def _claim(pack_id: int) -> MeetingPack | None:
    """Mark a queued pack as running; None when another run has it or it is done."""
    with transaction.atomic():
        pack = (
            MeetingPack.objects.select_for_update()
            .select_related("meeting")
            .filter(pk=pack_id)
            .first()
        )
        if pack is None:
            return None
        stuck = pack.status == PackStatus.RUNNING and pack.is_stuck
        if pack.status != PackStatus.QUEUED and not stuck:
            return None
        pack.status = PackStatus.RUNNING
        pack.started_at = timezone.now()
        pack.progress = 1
        pack.step = ""
        pack.save(update_fields=["status", "started_at", "progress", "step"])
        return pack


class PackTakenOver(Exception):
    """The pack was taken over by a later attempt (it had stopped, or was restarted)."""


def meeting_pack_build(pack_id: int) -> MeetingPack | None:
    """Render a queued pack. Idempotent: a pack that is running elsewhere, ready or
    failed is left as it is. On failure no file is kept and the pack says why. The file
    is attached in one transaction with the pack's "ready", and only by the attempt
    that holds the pack: one taken over meanwhile (its worker seemed dead) throws its
    file away and records nothing, so a slow worker never overwrites a newer attempt."""
    pack = _claim(pack_id)
    if pack is None:
        return MeetingPack.objects.filter(pk=pack_id).first()
    attempt = MeetingPack.objects.filter(
        pk=pack_id, status=PackStatus.RUNNING, started_at=pack.started_at
    )

    def progress(percent: int, step: str) -> None:
        if not attempt.update(progress=max(1, min(99, percent)), step=step[:200]):
            raise PackTakenOver

    name = ""
    try:
        with override(pack.language):
            content, pages = render_pack(pack, progress=progress)
            progress(97, _("Saving the pack"))
            name = pack.file.storage.save(
                pack.file.field.generate_filename(pack, "pack.pdf"),
                ContentFile(content),
            )
        with transaction.atomic():
            current = MeetingPack.objects.select_for_update().get(pk=pack_id)
            if (
                current.status != PackStatus.RUNNING
                or current.started_at != pack.started_at
            ):
                raise PackTakenOver
            current.file.name = name
            current.status = PackStatus.DONE
            current.progress = 100
            current.step = ""
            current.pages = pages
            current.size = len(content)
            current.finished_at = timezone.now()
            current.save()
            _forget_older(current)
        return current
    except PackTakenOver:
        logger.info("Meeting pack %s was taken over; this attempt stops", pack_id)
        if name:
            pack.file.storage.delete(name)
        return MeetingPack.objects.filter(pk=pack_id).first()
    except Exception as error:
        logger.exception("Meeting pack %s failed", pack_id)
        if name:
            pack.file.storage.delete(name)
        attempt.update(
            status=PackStatus.FAILED,
            progress=0,
            step="",
            file="",
            error_message=_reason(error)[:2000],
            finished_at=timezone.now(),
        )
        return MeetingPack.objects.get(pk=pack_id)


class PackDocumentMissing(Exception):
    pass


def _reason(error: Exception) -> str:
    if isinstance(error, PackDocumentMissing):
        return str(error)
    return _("The pack could not be made (%(error)s).") % {
        "error": str(error) or error.__class__.__name__
    }


def _forget_older(pack: MeetingPack) -> None:
    """Earlier packs of the meeting in the same kind and language are out of date once
    this one is ready: their files go."""
    older = MeetingPack.objects.filter(
        meeting_id=pack.meeting_id, kind=pack.kind, language=pack.language
    ).exclude(pk=pack.pk)
    for stale in older.exclude(status__in=[PackStatus.QUEUED, PackStatus.RUNNING]):
        if stale.file:
            name = stale.file.name
            transaction.on_commit(lambda name=name: pack.file.storage.delete(name))
        stale.delete()


Progress = Callable[[int, str], None]


def render_pack(pack: MeetingPack, *, progress: Progress) -> tuple[bytes, int]:
    """The pack's PDF and its number of pages."""
    progress(5, _("Collecting the agenda, the minutes and the report"))
    content = packs.gather(meeting=pack.meeting, kind=pack.kind, language=pack.language)
    progress(20, _("Laying out the pack"))
    body = pdf.render_template(
        TEMPLATES[pack.kind], {"pack": content, "kind": pack.kind}
    )
    if pack.kind != PackKind.FULL or not content.appendix:
        return body.content, body.pages
    return _with_documents(body, content.appendix, progress=progress)


def _with_documents(
    body: pdf.RenderedPdf,
    appendix: tuple[packs.DocumentEntry, ...],
    *,
    progress: Progress,
) -> tuple[bytes, int]:
    """The body, then each document that is a PDF after a page naming it. Other files
    (Word, spreadsheets) are named in the agenda and on the separator pages only."""
    documents = {
        ("agenda", document.pk): document.file
        for document in AgendaDocument.objects.filter(
            pk__in=[entry.pk for entry in appendix if entry.source == "agenda"]
        )
    }
    documents.update(
        (("accession", application.pk), application.letter)
        for application in AccessionApplication.objects.filter(
            pk__in=[entry.pk for entry in appendix if entry.source == "accession"]
        )
    )
    attached: list[tuple[packs.DocumentEntry, bytes | None, str]] = []
    total = len(appendix)
    for index, entry in enumerate(appendix, start=1):
        progress(
            40 + round(45 * index / total),
            _("Adding document %(number)s of %(total)s")
            % {"number": index, "total": total},
        )
        if not entry.is_pdf:
            continue
        stored = documents.get((entry.source, entry.pk))
        try:
            with stored.open("rb") as handle:
                data = handle.read()
        except (OSError, AttributeError, ValueError) as error:
            if entry.source != "agenda":
                # A subject's own file (a motivation letter) is kept by its own pages;
                # the pack names it as missing rather than fail the whole meeting.
                attached.append((entry, None, _("the file could not be found")))
                continue
            raise PackDocumentMissing(
                _("The document “%(name)s” of “%(item)s” could not be read.")
                % {"name": entry.name, "item": entry.item_label}
            ) from error
        try:
            pdf.reader(data)
        except pdf.UnreadablePdf:
            attached.append((entry, None, _("damaged or protected")))
        else:
            attached.append((entry, data, ""))
    if not attached:
        return body.content, body.pages
    progress(88, _("Putting the pack together"))
    separators = pdf.render_html(
        render_to_string(SEPARATORS_TEMPLATE, {"documents": attached})
    )
    separator_pages = pdf.reader(separators.content)
    parts: list = [body.content]
    for index, (_entry, data, _problem) in enumerate(attached):
        parts.append((separator_pages, [index]))
        if data is not None:
            parts.append(data)
    content = pdf.merge(parts)
    return content, pdf.page_count(content)


def stamp_text(user: User, on: dt.date | None = None) -> str:
    name = user.get_full_name() or user.email
    day = date_format(on or timezone.localdate(), "j F Y")
    return _("%(name)s · %(date)s · confidential") % {"name": name, "date": day}


def meeting_pack_download(
    *, pack: MeetingPack, user: User, request: HttpRequest | None = None
) -> tuple[bytes, str]:
    """The ready pack with the reader's name and today's date on every page, and its
    file name. Every download is logged with the person."""
    if not permissions.can_get_pack(user, pack.kind):
        raise PermissionDenied
    if not pack.is_ready:
        raise ValidationError(_("This pack is not ready yet."))
    with pack.file.open("rb") as handle:
        base = handle.read()
    with override(pack.language):
        stamped = pdf.stamp(base, stamp_text(user))
    audit_record(
        actor=user,
        action="meeting_pack.download",
        obj=pack,
        request=request,
        details={
            "meeting": pack.meeting_id,
            "kind": pack.kind,
            "pages": pack.pages,
        },
    )
    day = timezone.localdate(pack.meeting.starts_at).isoformat()
    prefix = "meeting-pack" if pack.kind == PackKind.FULL else "outline-pack"
    return stamped, f"{prefix}-{day}.pdf"
