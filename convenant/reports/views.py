"""The yearly report pages: the published reports each reader may download, and the
secretariat's page per agreement year to make, follow, publish and compare them."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from convenant import selectors as agreement_selectors
from convenant.access import PermissionRequiredMixin
from convenant.dispatch import QUEUE_UNAVAILABLE_MESSAGE

from . import permissions, selectors
from .forms import ReportStartForm
from .services import (
    FORMATS,
    report_download,
    report_publish,
    report_retry,
    report_start,
)


class ReportListView(PermissionRequiredMixin, View):
    """Every reader's list of the reports published for them; the secretariat also
    sees each agreement year with the state of its reports."""

    def has_permission(self) -> bool:
        return permissions.can_view_reports(self.request.user)

    def get(self, request):
        user = request.user
        context = {"published": selectors.report_published_list(user=user)}
        if permissions.can_manage_reports(user):
            agreement = agreement_selectors.agreement_current()
            context["years"] = (
                selectors.report_years(agreement=agreement) if agreement else []
            )
        return render(request, "convenant/reports/list.html", context)


class SecretariatMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_manage_reports(self.request.user)

    def year_state(self, pk: int) -> dict:
        year = selectors.report_year_get(user=self.request.user, pk=pk)
        versions = selectors.report_year_editions(year=year)
        return {
            "year": year,
            "versions": versions,
            "building": any(version.building for version in versions),
        }


class ReportYearView(SecretariatMixin, View):
    def get(self, request, pk: int):
        state = self.year_state(pk)
        state["form"] = ReportStartForm()
        return render(request, "convenant/reports/year.html", state)


class ReportYearStatusView(SecretariatMixin, View):
    """The year's runs, polled by its page while a report is being made."""

    def get(self, request, pk: int):
        return render(
            request, "convenant/reports/partials/status.html", self.year_state(pk)
        )


class ReportStartView(SecretariatMixin, View):
    def post(self, request, pk: int):
        year = selectors.report_year_get(user=request.user, pk=pk)
        form = ReportStartForm(request.POST)
        if not form.is_valid():
            state = self.year_state(pk)
            state["form"] = form
            return render(request, "convenant/reports/year.html", state, status=400)
        results = report_start(
            year=year,
            versions=form.cleaned_data["versions"],
            actor=request.user,
            request=request,
        )
        started = sum(1 for _run, queued in results if queued)
        if any(run.waits_for_queue for run, _queued in results):
            messages.warning(request, QUEUE_UNAVAILABLE_MESSAGE)
        elif started:
            messages.success(
                request, _("The report is being made. This page shows its progress.")
            )
        else:
            messages.info(request, _("The report is being made already."))
        return redirect("reports:report_year", pk=year.pk)


class RunMixin(SecretariatMixin):
    def run(self, pk: int):
        return selectors.report_run_get(user=self.request.user, pk=pk)


class ReportRetryView(RunMixin, View):
    def post(self, request, pk: int):
        run = self.run(pk)
        try:
            run = report_retry(run=run, actor=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if run.waits_for_queue:
                messages.warning(request, QUEUE_UNAVAILABLE_MESSAGE)
            else:
                messages.success(request, _("The report is being made again."))
        return redirect("reports:report_year", pk=run.year_id)


class ReportPublishView(RunMixin, View):
    def post(self, request, pk: int):
        run = self.run(pk)
        try:
            report_publish(run=run, actor=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The report is published: its readers can download it.")
            )
        return redirect("reports:report_year", pk=run.year_id)


class ReportDownloadView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_view_reports(self.request.user)

    def get(self, request, pk: int, fmt: str):
        if fmt not in FORMATS:
            raise Http404
        run = selectors.report_run_get(user=request.user, pk=pk)
        if not run.is_ready:
            raise Http404
        data, filename, content_type = report_download(
            run=run, user=request.user, fmt=fmt, request=request
        )
        response = FileResponse(
            io.BytesIO(data),
            as_attachment=True,
            filename=filename,
            content_type=content_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response
