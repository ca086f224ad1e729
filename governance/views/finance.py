"""The secretariat's finance page: the budget shares, the contribution bands and each
agreement year's contributions with their invoice and payment status (art. 78-82)."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from convenant import selectors as convenant_selectors
from convenant.access import PermissionRequiredMixin
from convenant.audit import audit_record
from convenant.forms import add_service_errors
from convenant.models import Agreement, AgreementYear
from convenant.spreadsheets import escape_formula

from .. import permissions, selectors, services
from ..forms import (
    BaseFteBandFormSet,
    ContributionStatusForm,
    FinanceYearForm,
    FteBandFormSet,
)
from ..models import Contribution, ContributionStatus

# The client-side event that tells the totals on the finance page to refresh themselves
# after a row changed in place.
CONTRIBUTION_CHANGED_EVENT = "contribution-changed"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _agreement() -> Agreement:
    agreement = convenant_selectors.agreement_current()
    if agreement is None:
        raise Http404
    return agreement


def _finance_url(year: AgreementYear | None, anchor: str = "") -> str:
    url = reverse("governance:finance")
    if year is not None:
        url += f"?year={year.number}"
    return url + (f"#{anchor}" if anchor else "")


def _year_from(
    data: QueryDict, *, agreement: Agreement, years: list[AgreementYear]
) -> AgreementYear | None:
    """The year asked for in `data`, else the current one; 404 for a year that does not
    exist, None when the calendar has no years yet."""
    if not years:
        return None
    if "year" in data:
        form = FinanceYearForm(data, years=years)
        if not form.is_valid():
            raise Http404
        number = form.cleaned_data["year"]
        return next(year for year in years if year.number == number)
    current = convenant_selectors.agreement_year_on(agreement=agreement)
    if current is not None:
        return current
    # Outside the years (before the start or after the end of the term): the nearest one.
    today = timezone.localdate()
    return years[0] if today < years[0].starts_on else years[-1]


class FinanceAccessMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_view_finance(self.request.user)


class FinanceView(FinanceAccessMixin, View):
    """Budget shares, bands, the year's totals and its contributions; a fixed number of
    queries whatever the number of contributions."""

    def get(self, request: HttpRequest) -> HttpResponse:
        agreement = _agreement()
        years = list(convenant_selectors.agreement_years(agreement=agreement))
        year = _year_from(request.GET, agreement=agreement, years=years)
        summary = selectors.finance_summary(agreement=agreement, agreement_year=year)
        year_form = FinanceYearForm(
            years=years, initial={"year": year.number if year else None}
        )
        return render(
            request,
            "governance/finance.html",
            {
                "summary": summary,
                "agreement": agreement,
                "year": year,
                "year_form": year_form,
                "status_choices": ContributionStatus.choices,
            },
        )


class ContributionGenerateView(FinanceAccessMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        agreement = _agreement()
        years = list(convenant_selectors.agreement_years(agreement=agreement))
        if "year" not in request.POST:
            raise Http404
        year = _year_from(request.POST, agreement=agreement, years=years)
        if year is None:
            raise Http404
        try:
            created = services.contributions_generate(
                agreement_year=year, actor=request.user, request=request
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if created:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s contribution was created for %(year)s.",
                        "%(count)s contributions were created for %(year)s.",
                        created,
                    )
                    % {"count": created, "year": year},
                )
            else:
                messages.info(
                    request,
                    _(
                        "Every organisation that owes a contribution for %(year)s has "
                        "one already; nothing new was created."
                    )
                    % {"year": year},
                )
        return redirect(_finance_url(year))


class ContributionStatusView(FinanceAccessMixin, View):
    """Sets one contribution's status. From htmx it answers with the new table row only;
    without JavaScript it goes back to the finance page with a message."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        contribution = selectors.contribution_get(user=request.user, pk=pk)
        form = ContributionStatusForm(request.POST)
        saved = False
        if form.is_valid():
            try:
                contribution = services.contribution_set_status(
                    contribution=contribution,
                    status=form.cleaned_data["status"],
                    on=form.cleaned_data["on"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                saved = True
        if _is_htmx(request):
            return self._row(request, contribution, form, saved)
        if saved:
            messages.success(
                request,
                _("The contribution of %(name)s is now “%(status)s”.")
                % {
                    "name": contribution.organisation.name,
                    "status": contribution.get_status_display(),
                },
            )
        else:
            for message in _form_messages(form):
                messages.error(
                    request,
                    _("The contribution of %(name)s was not changed: %(problem)s")
                    % {"name": contribution.organisation.name, "problem": message},
                )
        return redirect(
            _finance_url(contribution.agreement_year, f"contribution-{contribution.pk}")
        )

    def _row(
        self,
        request: HttpRequest,
        contribution: Contribution,
        form: ContributionStatusForm,
        saved: bool,
    ) -> HttpResponse:
        response = render(
            request,
            "governance/partials/contribution_row.html",
            {
                "contribution": contribution,
                "form": None if saved else form,
                "saved": saved,
                "status_choices": ContributionStatus.choices,
            },
        )
        if saved:
            response["HX-Trigger"] = CONTRIBUTION_CHANGED_EVENT
        # The same address answers with a row or with a redirect, by this header.
        patch_vary_headers(response, ["HX-Request"])
        return response


def _form_messages(form: ContributionStatusForm) -> list[str]:
    return [
        f"{form.fields[field].label}: {message}"
        if field in form.fields
        else str(message)
        for field, field_errors in form.errors.items()
        for message in field_errors
    ]


BANDS_PREFIX = "bands"


class FteBandsView(FinanceAccessMixin, View):
    """Edit the contribution bands as one table; the set is saved whole or not at all."""

    template_name = "governance/finance_bands.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        agreement = _agreement()
        bands = selectors.finance_summary(
            agreement=agreement, agreement_year=None
        ).bands
        initial = [
            {"min_fte": band.min_fte, "max_fte": band.max_fte, "amount": band.amount}
            for band in bands
        ] or [{"min_fte": 0}]
        formset = FteBandFormSet(initial=initial, prefix=BANDS_PREFIX)
        return self._render(request, agreement, formset)

    def post(self, request: HttpRequest) -> HttpResponse:
        agreement = _agreement()
        if "add" in request.POST:
            return self._add_row(request, agreement)
        formset = FteBandFormSet(request.POST, prefix=BANDS_PREFIX)
        if not formset.is_valid():
            return self._render(
                request, agreement, formset, problems=_parse_problems(formset)
            )
        bands = [
            services.FteBandData(
                min_fte=data["min_fte"],
                max_fte=data["max_fte"],
                amount=data["amount"],
                row=number,
            )
            for number, data in formset.band_rows()
        ]
        try:
            services.fte_bands_replace(
                agreement=agreement, bands=bands, actor=request.user, request=request
            )
        except ValidationError as error:
            return self._render(
                request,
                agreement,
                formset,
                problems=_attach_band_errors(formset, error),
            )
        messages.success(
            request,
            _(
                "The bands were saved. They apply to contributions created from now on; "
                "contributions created before keep their amounts."
            ),
        )
        return redirect("governance:finance")

    def _add_row(self, request: HttpRequest, agreement: Agreement) -> HttpResponse:
        """One more empty row, with what was typed so far kept; nothing is saved."""
        data = request.POST.copy()
        total_key = f"{BANDS_PREFIX}-TOTAL_FORMS"
        try:
            total = int(data.get(total_key, ""))
        except ValueError:
            return self.get(request)
        data[total_key] = str(total + 1)
        formset = FteBandFormSet(data, prefix=BANDS_PREFIX)
        if total < len(formset.forms):
            formset.forms[total].fields["min_fte"].widget.attrs["autofocus"] = True
        # The rows are still being filled in: their messages wait until "Save".
        return self._render(request, agreement, formset, show_errors=False)

    def _render(
        self,
        request: HttpRequest,
        agreement: Agreement,
        formset: BaseFteBandFormSet,
        *,
        problems: list[dict[str, str]] | None = None,
        show_errors: bool = True,
    ) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {
                "agreement": agreement,
                "formset": formset,
                "problems": problems or [],
                "show_errors": show_errors,
            },
        )


def _anchor(formset: BaseFteBandFormSet, number: int | None, field: str | None) -> str:
    if number is None or not 1 <= number <= len(formset.forms):
        return "bands-table"
    form = formset.forms[number - 1]
    bound = form[field] if field in form.fields else form["min_fte"]
    return str(bound.auto_id)


def _parse_problems(formset: BaseFteBandFormSet) -> list[dict[str, str]]:
    """What could not be read, one line per value, each naming its band."""
    problems = [
        {"text": str(message), "anchor": "bands-table"}
        for message in formset.non_form_errors()
    ]
    for number, form in enumerate(formset.forms, start=1):
        if form.cleaned_data.get("DELETE"):
            continue
        for field, field_errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for message in field_errors:
                text = (
                    _("Band %(row)s, %(field)s: %(problem)s")
                    if label
                    else _("Band %(row)s: %(problem)s")
                ) % {"row": number, "field": label, "problem": message}
                problems.append(
                    {"text": text, "anchor": _anchor(formset, number, field)}
                )
    return problems


def _attach_band_errors(
    formset: BaseFteBandFormSet, error: ValidationError
) -> list[dict[str, str]]:
    """Put each of the service's messages beside the value it is about and return them
    all, in order, for the summary at the top."""
    problems: list[dict[str, str]] = []
    for item in error.error_list:
        params = item.params or {}
        number, field = params.get("row"), params.get("field")
        text = " ".join(item.messages)
        problems.append({"text": text, "anchor": _anchor(formset, number, field)})
        # A problem of the set as a whole (no bands at all) only shows in the summary.
        if number is not None and 1 <= number <= len(formset.forms):
            form = formset.forms[number - 1]
            form.add_error(field if field in form.fields else None, item)
    return problems


class ContributionExportView(FinanceAccessMixin, View):
    """The contributions of one year as CSV, for the bookkeeping."""

    def get(self, request: HttpRequest) -> HttpResponse:
        agreement = _agreement()
        years = list(convenant_selectors.agreement_years(agreement=agreement))
        year = _year_from(request.GET, agreement=agreement, years=years)
        if year is None:
            raise Http404
        summary = selectors.finance_summary(agreement=agreement, agreement_year=year)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="contributions-year-{year.number}.csv"'
        )
        # Spreadsheet programs read the file as UTF-8 only with this mark in front.
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                _("Organisation"),
                _("KvK number"),
                _("Participation"),
                _("FTE at the time"),
                _("Amount (EUR)"),
                _("Status"),
                _("Invoiced on"),
                _("Paid on"),
            ]
        )
        for contribution in summary.contributions:
            organisation = contribution.organisation
            writer.writerow(
                [
                    escape_formula(organisation.name),
                    organisation.kvk_number or "",
                    organisation.get_participation_display(),
                    "" if contribution.fte is None else contribution.fte,
                    f"{contribution.amount:.2f}",
                    contribution.get_status_display(),
                    _iso(contribution.invoiced_on),
                    _iso(contribution.paid_on),
                ]
            )
        audit_record(
            actor=request.user,
            action="contribution.export",
            obj=year,
            request=request,
            details={"rows": len(summary.contributions)},
        )
        return response


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""
