"""Import of organisations in two steps (check, then confirm), the template to fill in,
and the export in the same columns. Secretariat only."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views import View
from import_export.tmp_storages import MediaStorage

from convenant.access import PermissionRequiredMixin
from convenant.uploads import content_disposition

from .. import permissions, selectors
from ..forms import ImportForm, OrganisationFilterForm
from ..imports import (
    FILE_FORMATS,
    MAX_FILE_SIZE,
    ExportFile,
    ImportOutcome,
    organisation_export,
    organisation_import,
    organisation_import_template,
)
from ..resources import column_help

# The file waiting for confirmation: its name in the temporary storage (random, never
# the uploaded file's name), a fingerprint of its content and of what the check showed.
SESSION_KEY = "governance.organisation_import"
_STORAGE_NAME = re.compile(r"[0-9a-f]{32}")


class SecretariatOnlyMixin(PermissionRequiredMixin):
    request: HttpRequest

    def has_permission(self) -> bool:
        return permissions.can_manage_organisations(self.request.user)


def _storage(name: str | None = None) -> MediaStorage:
    return MediaStorage(name=name, read_mode="rb")


def _discard_pending(request: HttpRequest) -> None:
    """Forget the file waiting for confirmation, and delete it."""
    pending = request.session.pop(SESSION_KEY, None)
    if pending and _STORAGE_NAME.fullmatch(pending.get("storage_name", "")):
        # Deleting a file that is gone already is no error for FileSystemStorage.
        _storage(pending["storage_name"]).remove()


def _download(export: ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition(export.file_name)
    return response


def _result_page(
    request: HttpRequest, outcome: ImportOutcome, token: str = ""
) -> HttpResponse:
    return render(
        request,
        "governance/organisation_import_result.html",
        {"outcome": outcome, "token": token, "can_confirm": bool(token)},
    )


class OrganisationImportView(SecretariatOnlyMixin, View):
    """Step 1: upload a file and see what importing it would do."""

    template_name = "governance/organisation_import.html"

    def render_form(self, form: ImportForm) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "columns": column_help(),
                "max_size_mb": MAX_FILE_SIZE // 1024 // 1024,
            },
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(ImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(form)
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            form.add_error(
                "file",
                _(
                    "The file is %(size)s MB; the limit is %(limit)s MB. Split it into "
                    "smaller files."
                )
                % {
                    "size": f"{upload.size / 1024 / 1024:.1f}",
                    "limit": MAX_FILE_SIZE // 1024 // 1024,
                },
            )
            return self.render_form(form)
        data = upload.read()
        outcome = organisation_import(
            data=data,
            file_name=upload.name or "",
            dry_run=True,
            actor=request.user,
            request=request,
        )
        if outcome.file_errors:
            for error in outcome.file_errors:
                form.add_error("file", error.message)
            return self.render_form(form)
        _discard_pending(request)
        if outcome.has_errors or not (outcome.new or outcome.changed):
            return _result_page(request, outcome)
        storage = _storage()
        storage.save(data)
        token = secrets.token_urlsafe(24)
        request.session[SESSION_KEY] = {
            "token": token,
            "storage_name": storage.name,
            "file_name": outcome.file_name,
            "file_digest": outcome.file_digest,
            "plan_digest": outcome.plan_digest,
        }
        return _result_page(request, outcome, token)


class OrganisationImportConfirmView(SecretariatOnlyMixin, View):
    """Step 2: import the checked file for real, exactly as it was checked."""

    def post(self, request: HttpRequest) -> HttpResponse:
        pending: dict[str, Any] | None = request.session.get(SESSION_KEY)
        token = request.POST.get("token", "")
        if not pending or not constant_time_compare(token, pending.get("token", "")):
            messages.error(
                request,
                _(
                    "This import is no longer waiting for confirmation; nothing was "
                    "imported. Upload the file again."
                ),
            )
            return redirect("governance:organisation_import")
        storage_name = pending.get("storage_name", "")
        try:
            if not _STORAGE_NAME.fullmatch(storage_name):
                raise FileNotFoundError(storage_name)
            data = _storage(storage_name).read()
        except FileNotFoundError:
            request.session.pop(SESSION_KEY, None)
            messages.error(
                request,
                _(
                    "The checked file is no longer available; nothing was imported. "
                    "Upload the file again."
                ),
            )
            return redirect("governance:organisation_import")
        _discard_pending(request)
        if hashlib.sha256(data).hexdigest() != pending.get("file_digest"):
            messages.error(
                request,
                _(
                    "The checked file changed after the check; nothing was imported. "
                    "Upload the file again."
                ),
            )
            return redirect("governance:organisation_import")
        outcome = organisation_import(
            data=data,
            file_name=pending.get("file_name", ""),
            dry_run=False,
            actor=request.user,
            request=request,
            expected_plan=pending.get("plan_digest"),
        )
        if outcome.has_errors:
            messages.error(request, _("Nothing was imported."))
            return _result_page(request, outcome)
        messages.success(
            request,
            _("The organisations were imported: %(summary)s.")
            % {"summary": outcome.summary()},
        )
        return redirect("governance:organisation_list")


class OrganisationImportTemplateView(SecretariatOnlyMixin, View):
    """The file to fill in: ?format=xlsx (with an explanation sheet) or ?format=csv."""

    def get(self, request: HttpRequest) -> HttpResponse:
        file_format = request.GET.get("format", "xlsx")
        if file_format not in FILE_FORMATS:
            return HttpResponseBadRequest(
                _("Choose the format csv or xlsx."),
                content_type="text/plain; charset=utf-8",
            )
        return _download(organisation_import_template(file_format=file_format))


class OrganisationExportView(SecretariatOnlyMixin, View):
    """The organisations of the list page, with its filters, as ?format=csv or xlsx."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form = OrganisationFilterForm(request.GET or None)
        filters = selectors.OrganisationFilters()
        if form.is_valid():
            filters = selectors.OrganisationFilters(**form.cleaned_data)
        try:
            export = organisation_export(
                actor=request.user,
                filters=filters,
                file_format=request.GET.get("format") or "csv",
                request=request,
            )
        except ValidationError as error:
            return HttpResponseBadRequest(
                " ".join(error.messages), content_type="text/plain; charset=utf-8"
            )
        return _download(export)
