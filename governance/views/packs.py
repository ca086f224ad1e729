"""The meeting pack pages (art. 52): prepare the pack, follow its progress, download it.

The full pack is for the Kerngroep, its chair and the secretariat; the outline pack for
every party. Both pages work the same way, so one set of views serves both, told apart
by `kind`. Every download is stamped with the reader's name and logged by the service.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from convenant.access import PermissionRequiredMixin
from convenant.dispatch import QUEUE_UNAVAILABLE_MESSAGE

from .. import permissions
from ..models import PackKind
from ..selectors.packs import pack_latest, pack_meeting_get
from ..services.packs import (
    meeting_pack_current,
    meeting_pack_download,
    meeting_pack_start,
)

PAGE_URL = {
    PackKind.FULL: "governance:meeting_pack",
    PackKind.OUTLINE: "governance:meeting_outline_pack",
}
STATUS_URL = {
    PackKind.FULL: "governance:meeting_pack_status",
    PackKind.OUTLINE: "governance:meeting_outline_pack_status",
}


class PackMixin(PermissionRequiredMixin):
    kind: str = PackKind.FULL

    def has_permission(self) -> bool:
        return permissions.can_get_pack(self.request.user, self.kind)

    def meeting(self, pk: int):
        return pack_meeting_get(user=self.request.user, pk=pk, kind=self.kind)

    def state(self, meeting) -> dict:
        pack, _fingerprint = meeting_pack_current(meeting=meeting, kind=self.kind)
        latest = pack_latest(meeting=meeting, kind=self.kind) if pack is None else pack
        return {
            "meeting": meeting,
            "kind": self.kind,
            "pack": pack,
            "out_of_date": pack is None and latest is not None and latest.is_ready,
            "page_url": PAGE_URL[self.kind],
            "status_url": STATUS_URL[self.kind],
            "prepare_url": PAGE_URL[self.kind] + "_prepare",
            "download_url": PAGE_URL[self.kind] + "_download",
        }


class MeetingPackView(PackMixin, View):
    def get(self, request, pk: int):
        meeting = self.meeting(pk)
        return render(request, "governance/packs/pack.html", self.state(meeting))


class MeetingPackStatusView(PackMixin, View):
    """The pack's state, polled by its page while it is being prepared."""

    def get(self, request, pk: int):
        meeting = self.meeting(pk)
        return render(
            request, "governance/packs/partials/status.html", self.state(meeting)
        )


class MeetingPackPrepareView(PackMixin, View):
    def post(self, request, pk: int):
        meeting = self.meeting(pk)
        try:
            pack, started = meeting_pack_start(
                meeting=meeting, kind=self.kind, actor=request.user, request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            pack.refresh_from_db()
            if started and pack.waits_for_queue:
                messages.warning(request, QUEUE_UNAVAILABLE_MESSAGE)
            elif started and pack.is_ready:
                # Built at once (no separate worker): say so rather than "being built".
                messages.success(request, _("The pack is ready."))
            elif started:
                messages.success(request, _("The pack is being prepared."))
            elif pack.is_ready:
                messages.info(request, _("The pack is up to date already."))
            else:
                messages.info(request, _("The pack is being prepared already."))
        return redirect(PAGE_URL[self.kind], pk=meeting.pk)


class MeetingPackDownloadView(PackMixin, View):
    def get(self, request, pk: int):
        meeting = self.meeting(pk)
        pack, _fingerprint = meeting_pack_current(meeting=meeting, kind=self.kind)
        if pack is None or not pack.is_ready:
            messages.info(
                request,
                _("The pack is not ready: prepare it first, then download it."),
            )
            return redirect(PAGE_URL[self.kind], pk=meeting.pk)
        content, filename = meeting_pack_download(
            pack=pack, user=request.user, request=request
        )
        response = FileResponse(
            io.BytesIO(content),
            as_attachment=True,
            filename=filename,
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response
