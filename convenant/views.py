from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from convenant.reports import permissions as report_permissions
from convenant.reports import selectors as report_selectors
from governance import permissions
from governance import selectors as governance_selectors
from governance.permissions import Role
from governance.selectors import conduct as conduct_selectors
from governance.selectors import decisions as decision_selectors
from governance.selectors import meetings as meeting_selectors
from monitoring import permissions as monitoring_permissions
from monitoring.selectors import plans as plan_selectors

from . import outages, selectors, services
from .access import PermissionRequiredMixin
from .forms import AgreementForm, AgreementYearForm, add_service_errors
from .reminders import selectors as reminder_selectors

AUDIT_PAGE_SIZE = 100


class DashboardView(PermissionRequiredMixin, View):
    """Each person lands here; the sections shown follow their roles."""

    def get(self, request):
        user = request.user
        roles = permissions.user_roles(user)
        agreement = selectors.agreement_current()
        context = {
            "roles": roles,
            "agreement": agreement,
            "current_year": (
                selectors.agreement_year_on(agreement=agreement) if agreement else None
            ),
            "organisation": user.organisation,
        }
        if report_permissions.can_view_reports(user):
            context["reports_published"] = report_selectors.report_published_list(
                user=user
            )[:3]
        if Role.SECRETARIAT in roles:
            context["counts"] = governance_selectors.organisation_counts()
        if permissions.can_view_meetings(user):
            context["next_meeting"] = meeting_selectors.meeting_next(user=user)
            context["sees_meetings"] = True
        context["assembly_votes"] = decision_selectors.open_assembly_votes(user=user)
        if permissions.can_see_news(user):
            context["news"] = list(conduct_selectors.news_list(user=user)[:3])
        if roles & {Role.KERNGROEP, Role.CHAIR, Role.SECRETARIAT}:
            context["seats"] = list(governance_selectors.kerngroep_seats_current())
        if (
            user.organisation
            and user.organisation.pays_contribution
            and permissions.can_view_contributions(user, user.organisation)
        ):
            context["contributions"] = list(
                governance_selectors.organisation_contributions(
                    organisation=user.organisation
                )
            )
        if agreement is not None and monitoring_permissions.can_hand_in_plans(user):
            years = plan_selectors.company_years(
                organisation=user.organisation, agreement=agreement
            )
            context["plan_year"] = years[0] if years else None
        context["deadline_reminders"] = reminder_selectors.dashboard_reminders(
            user=user
        )
        return render(request, "convenant/dashboard.html", context)


class AgreementCalendarView(PermissionRequiredMixin, View):
    """The term and the agreement years: every signed-in person may read them."""

    def get(self, request):
        agreement = selectors.agreement_current()
        if agreement is None:
            raise Http404
        return render(
            request,
            "convenant/calendar.html",
            {
                "agreement": agreement,
                "years": selectors.agreement_years(agreement=agreement),
                "current_year": selectors.agreement_year_on(agreement=agreement),
                "can_manage": permissions.can_manage_calendar(request.user),
            },
        )


class AgreementUpdateView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_manage_calendar(self.request.user)

    def get_agreement(self):
        agreement = selectors.agreement_current()
        if agreement is None:
            raise Http404
        return agreement

    def get(self, request):
        agreement = self.get_agreement()
        return render(
            request,
            "convenant/agreement_form.html",
            {"form": AgreementForm(instance=agreement), "agreement": agreement},
        )

    def post(self, request):
        agreement = self.get_agreement()
        form = AgreementForm(request.POST, instance=agreement)
        if form.is_valid():
            try:
                services.agreement_update(
                    agreement=agreement,
                    actor=request.user,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The agreement was saved."))
                return redirect("convenant:calendar")
        return render(
            request,
            "convenant/agreement_form.html",
            {"form": form, "agreement": agreement},
        )


class AgreementYearUpdateView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_manage_calendar(self.request.user)

    def get_year(self, pk: int):
        agreement = selectors.agreement_current()
        if agreement is None:
            raise Http404
        return get_object_or_404(selectors.agreement_years(agreement=agreement), pk=pk)

    def get(self, request, pk: int):
        year = self.get_year(pk)
        return render(
            request,
            "convenant/agreement_year_form.html",
            {"form": AgreementYearForm(instance=year), "year": year},
        )

    def post(self, request, pk: int):
        year = self.get_year(pk)
        form = AgreementYearForm(request.POST, instance=year)
        if form.is_valid():
            try:
                services.agreement_year_update(
                    agreement_year=year,
                    actor=request.user,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The year was saved."))
                return redirect("convenant:calendar")
        year.refresh_from_db()
        return render(
            request, "convenant/agreement_year_form.html", {"form": form, "year": year}
        )


class AuditLogView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_view_audit_log(self.request.user)

    def get(self, request):
        organisation = request.GET.get("organisation", "")
        filters = selectors.AuditFilters(
            action=request.GET.get("action", "").strip(),
            actor=request.GET.get("actor", "").strip(),
            organisation=int(organisation) if organisation.isdecimal() else None,
        )
        entries = selectors.audit_entry_list(filters=filters)
        page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "convenant/audit_log.html",
            {"page": page, "filters": filters, "query": query.urlencode()},
        )


def admin_login(request, extra_context=None):
    """Stands in for the Django admin's own login form, which would check passwords
    without allauth's rate limits and second factor."""
    if not request.user.is_authenticated:
        return redirect_to_login(
            request.GET.get("next") or reverse("admin:index"), reverse("account_login")
        )
    if request.user.is_active and request.user.is_staff:
        return redirect("admin:index")
    raise PermissionDenied


def health(request):
    """For the load balancer and docker-compose: 200 when the database answers, 503
    (with Retry-After) when it does not. The cache and the task queue are left out on
    purpose: pages work without Redis, so a web process without it is still healthy."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except outages.DATABASE_UNAVAILABLE:
        response = JsonResponse(
            {"status": "unavailable", "database": False}, status=503
        )
        response["Retry-After"] = str(outages.RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok"})
