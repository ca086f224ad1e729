"""The secretariat's side of the ketenkaart: every company's list per year, and one
company's list with its name and address data (NAW).

NAW data stay with the company and the secretariat (art. 20). Each time the secretariat
opens a company's list or exports it, an audit entry records who saw which list, which
page and with which filters. Every other role gets 403.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBadRequest
from django.shortcuts import render
from django.views import View

from convenant.access import PermissionRequiredMixin
from convenant.audit import audit_record

from .. import permissions, selectors
from ..exports import location_list_export
from ..models import year_allowed
from .company import download, filtered_page


class SecretariatMixin(PermissionRequiredMixin):
    request: HttpRequest

    def has_permission(self) -> bool:
        return permissions.can_view_all_lists(self.request.user)


class OverviewView(SecretariatMixin, View):
    """All companies with their list for a year: status and counts, no NAW data."""

    def get(self, request):
        current = selectors.reporting_year_current()
        try:
            year = int(request.GET.get("year", current))
        except ValueError:
            year = current
        if not year_allowed(year):
            year = current
        rows = selectors.location_list_overview(user=request.user, year=year)
        years = [y for y in range(current + 1, current - 5, -1) if year_allowed(y)]
        return render(
            request,
            "ketenkaart/secretariat/overview.html",
            {
                "year": year,
                "years": years,
                "rows": rows,
                "submitted": sum(1 for row in rows if row.status == "submitted"),
                "with_list": sum(1 for row in rows if row.location_list is not None),
            },
        )


class CompanyListView(SecretariatMixin, View):
    """One company's list with its NAW data; every view is audited."""

    def get(self, request, pk: int, year: int):
        selectors.check_year(year)
        company = selectors.company_get(user=request.user, pk=pk)
        location_list = selectors.location_list_get(
            user=request.user, company=company, year=year
        )
        context = {
            "company": company,
            "year": year,
            "location_list": location_list,
            "figures": selectors.transparency_figures(company, year),
            **filtered_page(request, location_list),
        }
        audit_record(
            actor=request.user,
            action="location_list.view",
            obj=location_list,
            organisation=company,
            request=request,
            details={
                "year": year,
                "page": context["page"].number,
                "filters": {
                    key: value
                    for key, value in request.GET.items()
                    if key != "page" and value
                },
            },
        )
        return render(request, "ketenkaart/secretariat/company_list.html", context)


class CompanyExportView(SecretariatMixin, View):
    def get(self, request, pk: int, year: int):
        selectors.check_year(year)
        company = selectors.company_get(user=request.user, pk=pk)
        try:
            export = location_list_export(
                company=company,
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
