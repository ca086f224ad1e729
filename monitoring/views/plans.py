"""The yearly plan of approach (art. 11) and risk analysis (art. 25-28).

A company's people hand in their plan and keep their risk analysis per agreement year;
the secretariat sees per year who handed in, who is due and who is late, and opens each
company's plan and analysis (its downloads of a plan are audited, as confidential
reads). Another company's plan or risk gives 404; everybody else gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views import View

from convenant.access import PermissionRequiredMixin
from convenant.audit import audit_record
from convenant.forms import add_service_errors
from convenant.selectors import agreement_current
from convenant.uploads import attachment_response
from governance.permissions import is_secretariat
from governance.selectors import organisation_get

from .. import permissions
from ..forms.plans import PlanForm, RiskForm
from ..models import RiskEntry
from ..selectors import plans as selectors
from ..services import plans as services
from .secretariat import SecretariatMixin

STATE_LABELS = {
    selectors.HANDED_IN: pgettext_lazy("plan state", "Handed in"),
    selectors.HANDED_IN_LATE: pgettext_lazy("plan state", "Handed in late"),
    selectors.DUE: pgettext_lazy("plan state", "Due"),
    selectors.LATE: pgettext_lazy("plan state", "Late"),
}


def _agreement():
    agreement = agreement_current()
    if agreement is None:
        raise Http404
    return agreement


class CompanyPlansMixin(PermissionRequiredMixin):
    """The company's own people."""

    def has_permission(self) -> bool:
        return permissions.can_hand_in_plans(self.request.user)

    def get_year(self, number: int):
        return selectors.year_get(agreement=_agreement(), number=number)


class PlanFileAccessMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        user = self.request.user
        return permissions.can_hand_in_plans(user) or is_secretariat(user)


class PlanYearListView(CompanyPlansMixin, View):
    def get(self, request):
        years = selectors.company_years(
            organisation=request.user.organisation, agreement=_agreement()
        )
        return render(
            request,
            "monitoring/plans/year_list.html",
            {"years": years, "state_labels": STATE_LABELS},
        )


def _plan_initial(plan) -> dict:
    if plan is None:
        return {}
    return {
        "report_link": plan.report_link,
        "themes": plan.themes,
        "risks_addressed": plan.risks_addressed,
        "planned_actions": plan.planned_actions,
    }


class PlanEditView(CompanyPlansMixin, View):
    template_name = "monitoring/plans/plan_form.html"

    def _render(self, request, year, form, status=200):
        organisation = request.user.organisation
        plan = selectors.plan_get(
            user=request.user, organisation=organisation, agreement_year=year
        )
        return render(
            request,
            self.template_name,
            {
                "year": year,
                "plan": plan,
                "form": form,
                "state": selectors.plan_state(plan, year, timezone.localdate()),
                "state_labels": STATE_LABELS,
            },
            status=status,
        )

    def get(self, request, year: int):
        agreement_year = self.get_year(year)
        plan = selectors.plan_get(
            user=request.user,
            organisation=request.user.organisation,
            agreement_year=agreement_year,
        )
        return self._render(
            request, agreement_year, PlanForm(initial=_plan_initial(plan))
        )

    def post(self, request, year: int):
        agreement_year = self.get_year(year)
        form = PlanForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.plan_submit(
                    organisation=request.user.organisation,
                    agreement_year=agreement_year,
                    **form.service_arguments(),
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your plan of approach for %(year)s was handed in.")
                    % {"year": agreement_year},
                )
                return redirect("monitoring:plan_edit", year=agreement_year.number)
        return self._render(request, agreement_year, form, status=422)


class PlanFileView(PlanFileAccessMixin, View):
    """The document as an attachment, never shown inline. The secretariat's downloads
    are confidential reads: audited."""

    def get(self, request, pk: int):
        plan = selectors.plan_file_get(user=request.user, pk=pk)
        try:
            handle = plan.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        if not permissions.is_own_company(request.user, plan.organisation_id):
            audit_record(
                actor=request.user,
                action="plan.download",
                obj=plan,
                organisation=plan.organisation,
                request=request,
                details={
                    "year": plan.agreement_year.number,
                    "name": plan.original_name,
                },
            )
        return attachment_response(handle, name=plan.original_name, default="plan")


# --- Risk analysis ----------------------------------------------------------------------


def _risk_page(request, year, organisation, **extra):
    risks = selectors.risk_list(
        user=request.user, organisation=organisation, agreement_year=year
    )
    context = {
        "year": year,
        "organisation": organisation,
        "analysis": selectors.risk_analysis(risks),
        **extra,
    }
    return context


class RiskListView(CompanyPlansMixin, View):
    def get(self, request, year: int):
        agreement_year = self.get_year(year)
        context = _risk_page(request, agreement_year, request.user.organisation)
        context["can_copy_forward"] = not context["analysis"].risks and (
            RiskEntry.objects.filter(
                organisation=request.user.organisation,
                agreement_year__agreement=agreement_year.agreement,
                agreement_year__number=agreement_year.number - 1,
            ).exists()
        )
        return render(request, "monitoring/plans/risk_list.html", context)


class RiskCreateView(CompanyPlansMixin, View):
    template_name = "monitoring/plans/risk_form.html"

    def get(self, request, year: int):
        agreement_year = self.get_year(year)
        return render(
            request, self.template_name, {"year": agreement_year, "form": RiskForm()}
        )

    def post(self, request, year: int):
        agreement_year = self.get_year(year)
        form = RiskForm(request.POST)
        if form.is_valid():
            try:
                services.risk_create(
                    organisation=request.user.organisation,
                    agreement_year=agreement_year,
                    values=form.values(),
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The risk was added to your analysis."))
                return redirect("monitoring:risk_list", year=agreement_year.number)
        return render(
            request,
            self.template_name,
            {"year": agreement_year, "form": form},
            status=422,
        )


def _risk_initial(risk: RiskEntry) -> dict:
    return {field: getattr(risk, field) for field in services.RISK_FIELDS} | {
        "country": risk.country.code
    }


class RiskUpdateView(CompanyPlansMixin, View):
    template_name = "monitoring/plans/risk_form.html"

    def get(self, request, pk: int):
        risk = selectors.risk_get(user=request.user, pk=pk)
        return render(
            request,
            self.template_name,
            {
                "year": risk.agreement_year,
                "risk": risk,
                "form": RiskForm(initial=_risk_initial(risk)),
            },
        )

    def post(self, request, pk: int):
        risk = selectors.risk_get(user=request.user, pk=pk)
        form = RiskForm(request.POST)
        if form.is_valid():
            try:
                services.risk_update(
                    risk=risk, values=form.values(), actor=request.user, request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The risk was saved."))
                return redirect("monitoring:risk_list", year=risk.agreement_year.number)
        return render(
            request,
            self.template_name,
            {"year": risk.agreement_year, "risk": risk, "form": form},
            status=422,
        )


class RiskDeleteView(CompanyPlansMixin, View):
    def post(self, request, pk: int):
        risk = selectors.risk_get(user=request.user, pk=pk)
        number = risk.agreement_year.number
        services.risk_delete(risk=risk, actor=request.user, request=request)
        messages.success(request, _("The risk was removed from your analysis."))
        return redirect("monitoring:risk_list", year=number)


class RiskCopyForwardView(CompanyPlansMixin, View):
    def post(self, request, year: int):
        agreement_year = self.get_year(year)
        try:
            count = services.risk_copy_forward(
                organisation=request.user.organisation,
                agreement_year=agreement_year,
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _(
                    "%(count)d risks were copied from last year. Review each one: "
                    "ratings, priorities and explanations may have changed."
                )
                % {"count": count},
            )
        return redirect("monitoring:risk_list", year=agreement_year.number)


# --- The secretariat -------------------------------------------------------------------


class PlanOverviewView(SecretariatMixin, View):
    def get(self, request):
        agreement = _agreement()
        years = list(selectors.started_years(agreement=agreement))
        if not years:
            return render(
                request, "monitoring/plans/overview.html", {"years": [], "status": None}
            )
        try:
            number = int(request.GET.get("year") or years[0].number)
        except ValueError:
            number = years[0].number
        year = next((y for y in years if y.number == number), years[0])
        state = request.GET.get("state", "")
        if state not in selectors.STATE_FILTERS:
            state = ""
        status = selectors.plan_status(agreement_year=year, state=state)
        return render(
            request,
            "monitoring/plans/overview.html",
            {
                "years": years,
                "year": year,
                "state": state,
                "status": status,
                "state_labels": STATE_LABELS,
                "state_counts": [
                    (key, STATE_LABELS[key], status.counts[key])
                    for key in selectors.STATE_FILTERS
                ],
            },
        )


class CompanyPlanView(SecretariatMixin, View):
    def get(self, request, pk: int, year: int):
        organisation = organisation_get(user=request.user, pk=pk)
        agreement_year = selectors.year_get(agreement=_agreement(), number=year)
        plan = selectors.plan_get(
            user=request.user, organisation=organisation, agreement_year=agreement_year
        )
        context = _risk_page(
            request,
            agreement_year,
            organisation,
            plan=plan,
            state=selectors.plan_state(plan, agreement_year, timezone.localdate()),
            state_labels=STATE_LABELS,
        )
        return render(request, "monitoring/plans/company.html", context)
