"""NGO insight (art. 13).

- An NGO's or union's people see the companies their organisation may see now and, for
  each, the permitted part of its results; a company they may not see gives 404. Every
  look is written to the audit log. There is no download or export of any kind.
- The secretariat grants insight per company or for every company of a module, sees
  every grant and revokes them.
- A company's people see which organisations looked at its results, and when.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from convenant.access import PermissionRequiredMixin
from convenant.forms import add_service_errors

from .. import permissions
from ..forms.insight import (
    InsightGrantFilterForm,
    InsightGrantForm,
    InsightModuleGrantForm,
)
from ..selectors import insight as selectors
from ..services import insight as services
from .secretariat import SecretariatMixin


def _language() -> str:
    return (get_language() or "nl")[:2]


class InsightPersonMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.is_insight_person(self.request.user)


@method_decorator(never_cache, name="dispatch")
class InsightCompanyListView(InsightPersonMixin, View):
    def get(self, request):
        user = request.user
        rows = selectors.insight_company_list(user=user)
        services.insight_list_view_record(user=user, shown=len(rows), request=request)
        return render(
            request,
            "monitoring/insight/company_list.html",
            {
                "entitlement": selectors.insight_entitlement(user.organisation),
                "rows": rows,
            },
        )


@method_decorator(never_cache, name="dispatch")
class InsightCompanyView(InsightPersonMixin, View):
    def get(self, request, pk: int):
        company = selectors.insight_company_get(user=request.user, pk=pk)
        page = selectors.insight_page(company=company, language=_language())
        services.insight_view_record(
            user=request.user, company=company, request=request
        )
        response = render(
            request,
            "monitoring/insight/company.html",
            {"page": page},
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


# --- The secretariat -----------------------------------------------------------------


class InsightGrantListView(SecretariatMixin, View):
    def get(self, request):
        form = InsightGrantFilterForm(request.GET or None)
        organisation = company = None
        if form.is_bound and form.is_valid():
            organisation = form.cleaned_data.get("organisation")
            company = form.cleaned_data.get("company")
        grants = selectors.insight_grant_list(
            user=request.user, organisation=organisation, company=company
        )
        return render(
            request,
            "monitoring/insight/grant_list.html",
            {"form": form, "grants": grants, "company": company},
        )


class InsightGrantCreateView(SecretariatMixin, View):
    template_name = "monitoring/insight/grant_form.html"

    def get(self, request):
        initial = {}
        for name in ("organisation", "company"):
            value = request.GET.get(name, "")
            if value.isdecimal():
                initial[name] = int(value)
        return render(
            request, self.template_name, {"form": InsightGrantForm(initial=initial)}
        )

    def post(self, request):
        form = InsightGrantForm(request.POST)
        if form.is_valid():
            try:
                grant = services.insight_grant(
                    organisation=form.cleaned_data["organisation"],
                    company=form.cleaned_data["company"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(ngo)s now has insight into %(company)s.")
                    % {"ngo": grant.organisation, "company": grant.content_object},
                )
                return redirect("monitoring:insight_grant_list")
        return render(request, self.template_name, {"form": form}, status=422)


class InsightModuleGrantView(SecretariatMixin, View):
    template_name = "monitoring/insight/module_grant_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": InsightModuleGrantForm()})

    def post(self, request):
        form = InsightModuleGrantForm(request.POST)
        if form.is_valid():
            try:
                grants = services.insight_grant_module(
                    organisation=form.cleaned_data["organisation"],
                    module=form.cleaned_data["module"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Insight was given into %(count)d company.",
                        "Insight was given into %(count)d companies.",
                        len(grants),
                    )
                    % {"count": len(grants)},
                )
                return redirect("monitoring:insight_grant_list")
        return render(request, self.template_name, {"form": form}, status=422)


class InsightGrantRevokeView(SecretariatMixin, View):
    template_name = "monitoring/insight/grant_revoke.html"

    def get(self, request, pk: int):
        grant = selectors.insight_grant_get(user=request.user, pk=pk)
        return render(request, self.template_name, {"grant": grant})

    def post(self, request, pk: int):
        grant = selectors.insight_grant_get(user=request.user, pk=pk)
        organisation, company = grant.organisation, grant.content_object
        services.insight_revoke(grant=grant, actor=request.user, request=request)
        messages.success(
            request,
            _("%(ngo)s no longer has insight into %(company)s.")
            % {"ngo": organisation, "company": company},
        )
        return redirect("monitoring:insight_grant_list")


# --- The company -----------------------------------------------------------------------


class InsightAccessLogView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.can_see_insight_log(self.request.user)

    def get(self, request):
        return render(
            request,
            "monitoring/insight/access_log.html",
            {
                "rows": selectors.insight_access_log(user=request.user),
                "holders": selectors.insight_holders(user=request.user),
            },
        )
