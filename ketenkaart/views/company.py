"""The company's side of the ketenkaart: its lists per year, each list with its
locations (added, changed and removed one by one, or imported from a file), the export,
the submission to the secretariat and its transparency figures.

Only a company's own people come here (admins and members alike); everybody else gets
403, and another company's location or import is not there for them (404). The
secretariat reads lists on its own pages (views/secretariat.py).

An import is a run: the uploaded file is checked first, in the request or, for a large
file, in a Celery task whose progress the page polls with htmx; the report waits for the
person to confirm, and confirming applies exactly what the check showed. The run lives in
the database, so a reload (or coming back later) finds it where it was.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from convenant.access import PermissionRequiredMixin
from convenant.forms import add_service_errors
from convenant.uploads import content_disposition

from .. import permissions, selectors, services
from ..exports import FILE_FORMATS, location_list_export, location_template
from ..files import MAX_FILE_SIZE
from ..forms import LocationFilterForm, LocationForm, LocationImportForm
from ..models import ImportStatus, LocationImport
from ..resources import column_help
from ..services import LARGE_FILE_ROWS, LocationImportResult

PAGE_SIZE = 50
# How often the progress bar asks for news, in seconds.
POLL_SECONDS = 1.5


def download(export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition(export.file_name)
    return response


def filtered_page(request: HttpRequest, location_list) -> dict:
    """The filter form, the page of locations it selects and the query to page on."""
    choices = selectors.location_list_choices(location_list)
    form = LocationFilterForm(
        request.GET or None,
        tiers=choices["tiers"],
        countries_present=choices["countries"],
    )
    filters = selectors.LocationFilters()
    if form.is_valid():
        filters = selectors.LocationFilters(**form.cleaned_data)
    locations = selectors.location_list_locations(
        location_list=location_list, filters=filters
    )
    page = Paginator(locations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": any(value for key, value in request.GET.items() if key != "page"),
    }


class CompanyMixin(PermissionRequiredMixin):
    request: HttpRequest

    def has_permission(self) -> bool:
        return permissions.can_keep_list(self.request.user)

    @property
    def company(self):
        return self.request.user.organisation


class ListIndexView(CompanyMixin, View):
    """The company's lists, one per year."""

    def get(self, request):
        return render(
            request,
            "ketenkaart/company/list_index.html",
            {"years": selectors.own_list_years(user=request.user)},
        )


class ListDetailView(CompanyMixin, View):
    def get(self, request, year: int):
        selectors.check_year(year)
        location_list = selectors.location_list_get(
            user=request.user, company=self.company, year=year
        )
        context = {
            "year": year,
            "location_list": location_list,
            "figures": selectors.transparency_figures(self.company, year),
            "pending_import": selectors.location_import_latest(
                user=request.user, company=self.company, year=year
            ),
            **filtered_page(request, location_list),
        }
        return render(request, "ketenkaart/company/list_detail.html", context)


class LocationCreateView(CompanyMixin, View):
    def render_form(self, form, year: int) -> HttpResponse:
        return render(
            self.request,
            "ketenkaart/company/location_form.html",
            {"form": form, "year": year},
        )

    def get(self, request, year: int):
        selectors.check_year(year)
        return self.render_form(
            LocationForm(is_recycler=self.company.is_recycler, initial={"tier": 1}),
            year,
        )

    def post(self, request, year: int):
        selectors.check_year(year)
        form = LocationForm(request.POST, is_recycler=self.company.is_recycler)
        if form.is_valid():
            try:
                location = services.location_create(
                    company=self.company,
                    year=year,
                    actor=request.user,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s was added to the list.")
                    % {"name": location.supplier_name},
                )
                if "add_another" in request.POST:
                    return redirect("ketenkaart:location_create", year=year)
                return redirect("ketenkaart:list_detail", year=year)
        return self.render_form(form, year)


class LocationUpdateView(CompanyMixin, View):
    def get(self, request, pk: int):
        location = selectors.location_get_editable(user=request.user, pk=pk)
        form = LocationForm(instance=location, is_recycler=self.company.is_recycler)
        return self.render_form(form, location)

    def render_form(self, form, location) -> HttpResponse:
        return render(
            self.request,
            "ketenkaart/company/location_form.html",
            {
                "form": form,
                "location": location,
                "year": location.location_list.year,
            },
        )

    def post(self, request, pk: int):
        location = selectors.location_get_editable(user=request.user, pk=pk)
        year = location.location_list.year
        form = LocationForm(
            request.POST, instance=location, is_recycler=self.company.is_recycler
        )
        if form.is_valid():
            try:
                services.location_update(
                    location=location,
                    actor=request.user,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("ketenkaart:list_detail", year=year)
        location.refresh_from_db()
        return self.render_form(form, location)


class LocationDeleteView(CompanyMixin, View):
    def get(self, request, pk: int):
        location = selectors.location_get_editable(user=request.user, pk=pk)
        return render(
            request,
            "ketenkaart/company/location_delete.html",
            {"location": location, "year": location.location_list.year},
        )

    def post(self, request, pk: int):
        location = selectors.location_get_editable(user=request.user, pk=pk)
        year = location.location_list.year
        services.location_delete(location=location, actor=request.user, request=request)
        messages.success(
            request,
            _("%(name)s was removed from the list.") % {"name": location.supplier_name},
        )
        return redirect("ketenkaart:list_detail", year=year)


class ListSubmitView(CompanyMixin, View):
    def post(self, request, year: int):
        selectors.check_year(year)
        try:
            services.location_list_submit(
                company=self.company, year=year, actor=request.user, request=request
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The list for %(year)s was submitted to the secretariat.")
                % {"year": year},
            )
        return redirect("ketenkaart:list_detail", year=year)


class ListExportView(CompanyMixin, View):
    """The company's list as ?format=csv or xlsx, in the columns of the import."""

    def get(self, request, year: int):
        selectors.check_year(year)
        try:
            export = location_list_export(
                company=self.company,
                year=year,
                actor=request.user,
                file_format=request.GET.get("format") or "xlsx",
                request=request,
            )
        except ValidationError as error:
            return HttpResponseBadRequest(
                " ".join(error.messages), content_type="text/plain; charset=utf-8"
            )
        return download(export)


class ImportTemplateView(PermissionRequiredMixin, View):
    """The file to fill in: ?format=xlsx (with the explanation sheet) or csv. It holds
    no company's data: for the companies and the secretariat."""

    def has_permission(self) -> bool:
        user = self.request.user
        return permissions.can_keep_list(user) or permissions.can_view_all_lists(user)

    def get(self, request):
        file_format = request.GET.get("format", "xlsx")
        if file_format not in FILE_FORMATS:
            return HttpResponseBadRequest(
                _("Choose the format csv or xlsx."),
                content_type="text/plain; charset=utf-8",
            )
        return download(location_template(file_format=file_format))


class ImportUploadView(CompanyMixin, View):
    """Upload a file; it is checked and the report shows what importing it would do."""

    def render_form(self, form, year: int) -> HttpResponse:
        return render(
            self.request,
            "ketenkaart/company/import_upload.html",
            {
                "form": form,
                "year": year,
                "columns": column_help(),
                "max_size_mb": MAX_FILE_SIZE // 1024 // 1024,
                "large_rows": LARGE_FILE_ROWS,
            },
        )

    def get(self, request, year: int):
        selectors.check_year(year)
        return self.render_form(LocationImportForm(), year)

    def post(self, request, year: int):
        selectors.check_year(year)
        form = LocationImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                run = services.location_import_start(
                    company=self.company,
                    year=year,
                    file=form.cleaned_data["file"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("ketenkaart:import_detail", pk=run.pk)
        return self.render_form(form, year)


def _run_context(run: LocationImport) -> dict:
    return {
        "run": run,
        "result": LocationImportResult.from_dict(run.result) if run.result else None,
        "poll_seconds": POLL_SECONDS,
        "report_limit": services.REPORT_LIMIT,
    }


class ImportDetailView(CompanyMixin, View):
    """The run: its progress while it runs, then the report and the confirmation."""

    def get(self, request, pk: int):
        run = selectors.location_import_get(user=request.user, pk=pk)
        return render(
            request, "ketenkaart/company/import_detail.html", _run_context(run)
        )


class ImportProgressView(CompanyMixin, View):
    """The progress bar alone, for htmx to poll. Once the run has finished the page
    reloads itself, to show the report."""

    def get(self, request, pk: int):
        run = selectors.location_import_get(user=request.user, pk=pk)
        response = render(
            request,
            "ketenkaart/company/partials/import_progress.html",
            _run_context(run),
        )
        if run.is_finished and request.headers.get("HX-Request") == "true":
            response["HX-Refresh"] = "true"
        return response


class ImportConfirmView(CompanyMixin, View):
    def post(self, request, pk: int):
        run = selectors.location_import_get(user=request.user, pk=pk)
        try:
            run = services.location_import_confirm(run=run, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("ketenkaart:import_detail", pk=run.pk)
        if run.is_applied:
            result = LocationImportResult.from_dict(run.result)
            messages.success(
                request,
                _("The list for %(year)s was imported: %(summary)s.")
                % {"year": run.year, "summary": result.summary()},
            )
            return redirect("ketenkaart:list_detail", year=run.year)
        if run.status == ImportStatus.FAILED:
            messages.error(request, run.error_message)
        return HttpResponseRedirect(reverse("ketenkaart:import_detail", args=[run.pk]))


class ImportRetryView(CompanyMixin, View):
    """Run an import that stopped (its worker died) again."""

    def post(self, request, pk: int):
        run = selectors.location_import_get(user=request.user, pk=pk)
        try:
            services.location_import_retry(run=run, actor=request.user, request=request)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The import was started again."))
        return redirect("ketenkaart:import_detail", pk=run.pk)
