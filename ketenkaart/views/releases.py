"""The published aggregated list (art. 19, 21) and what it is built with.

Every party sees the published releases: a table with banded figures, a world map and
downloads, all drawn from the frozen release, never from the lists themselves. The
secretariat publishes, follows a build while it runs, and sees the exact counts and the
companies behind each figure. The secretariat records the disclosure rule and the
Kerngroep's decisions on requests for restricted disclosure (art. 24); a company files
and withdraws its own request; the Kerngroep sees every request.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from convenant.access import PermissionRequiredMixin
from convenant.forms import add_service_errors
from convenant.vocabulary import Activity
from governance.models import Organisation

from .. import releases
from ..forms import (
    DisclosureRuleForm,
    PublishForm,
    RestrictionDecisionForm,
    RestrictionForm,
)
from ..maps import release_map
from ..models import AreaLevel, ReleaseStatus, RestrictedDisclosure
from ..permissions import can_keep_list, own_company
from .company import download


def _language() -> str:
    return (get_language() or "nl")[:2]


class PartiesMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return releases.can_see_releases(self.request.user)


class PublisherMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return releases.can_publish(self.request.user)


class ReleaseIndexView(PartiesMixin, View):
    def get(self, request):
        items = releases.release_list(user=request.user)
        latest: dict[int, object] = {}
        for item in items:
            if item.status == ReleaseStatus.PUBLISHED and item.year not in latest:
                latest[item.year] = item
        context = {
            "releases": items,
            "latest": latest,
            "can_publish": releases.can_publish(request.user),
        }
        if context["can_publish"]:
            context["form"] = PublishForm()
            context["rule"] = releases.disclosure_rule_current()
        return render(request, "ketenkaart/releases/index.html", context)


class ReleasePublishView(PublisherMixin, View):
    def post(self, request):
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                release, started = releases.release_start(
                    year=form.cleaned_data["year"], actor=request.user, request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if started:
                    messages.success(
                        request,
                        _("Building the aggregated list for %(year)s has started.")
                        % {"year": release.year},
                    )
                else:
                    messages.info(
                        request,
                        _("The list for %(year)s is being built already; here it is.")
                        % {"year": release.year},
                    )
                return redirect("ketenkaart:release_detail", pk=release.pk)
        items = releases.release_list(user=request.user)
        return render(
            request,
            "ketenkaart/releases/index.html",
            {
                "releases": items,
                "latest": {},
                "can_publish": True,
                "form": form,
                "rule": releases.disclosure_rule_current(),
            },
            status=422,
        )


def _filters(request) -> releases.CellFilters:
    activity = request.GET.get("activity", "")
    level = request.GET.get("area_level", "")
    return releases.CellFilters(
        activity=activity if activity in Activity.values else "",
        area_level=level if level in AreaLevel.values else "",
    )


class ReleaseDetailView(PartiesMixin, View):
    def get(self, request, pk: int):
        release = releases.release_get(user=request.user, pk=pk)
        if not release.is_published:
            return render(
                request, "ketenkaart/releases/building.html", {"release": release}
            )
        filters = _filters(request)
        all_cells = releases.release_cells(release)
        cells = [
            cell
            for cell in all_cells
            if (not filters.activity or cell.activity == filters.activity)
            and (not filters.area_level or cell.area_level == filters.area_level)
        ]
        activities = [
            (value, label)
            for value, label in Activity.choices
            if any(cell.activity == value for cell in all_cells)
        ]
        map_activity = filters.activity or (activities[0][0] if activities else "")
        language = _language()
        activity_labels = dict(Activity.choices)
        level_labels = dict(AreaLevel.choices)
        rows = [
            {
                **row,
                "activity_label": activity_labels.get(row["activity"], row["activity"]),
                "level_label": level_labels.get(row["area_level"], row["area_level"]),
            }
            for row in releases.public_rows(release, cells, language)
        ]
        return render(
            request,
            "ketenkaart/releases/detail.html",
            {
                "release": release,
                "rows": rows,
                "filters": filters,
                "activities": activities,
                "levels": AreaLevel.choices,
                "map_activity": map_activity,
                "map_activity_label": activity_labels.get(map_activity, ""),
                "map": release_map(
                    [c for c in all_cells if c.activity == map_activity],
                    language,
                    releases.rules_of_release(release),
                ),
                "is_latest": releases.release_latest(release.year) == release,
                "can_see_exact": releases.can_see_exact_figures(request.user),
            },
        )


class ReleaseStatusView(PublisherMixin, View):
    """The build's state, polled by the building page; it reloads when done."""

    def get(self, request, pk: int):
        release = releases.release_get(user=request.user, pk=pk)
        response = render(
            request, "ketenkaart/releases/partials/status.html", {"release": release}
        )
        if not release.is_building:
            response["HX-Refresh"] = "true"
        return response


class ReleaseDownloadView(PartiesMixin, View):
    def get(self, request, pk: int, fmt: str):
        release = releases.release_get(user=request.user, pk=pk)
        if fmt not in {"csv", "xlsx"}:
            raise Http404
        return download(releases.release_export(release, fmt, _language()))


class ReleaseExactView(PublisherMixin, View):
    """Exact counts, the companies behind each figure and the cells held back: the
    secretariat only (art. 19)."""

    def get(self, request, pk: int):
        release = releases.release_get(user=request.user, pk=pk)
        if not release.is_published:
            raise Http404
        cells = releases.release_cells(release, exact=True)
        ids = {i for cell in cells for i in cell.company_ids} | {
            i for held in release.held_back for i in held["companies"]
        }
        names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
        language = _language()
        activities = dict(Activity.choices)
        return render(
            request,
            "ketenkaart/releases/exact.html",
            {
                "release": release,
                "cells": [
                    {
                        "cell": cell,
                        "name": releases.area_name(cell, language),
                        "activity_label": activities.get(cell.activity, cell.activity),
                        "companies": sorted(
                            names.get(i, str(i)) for i in cell.company_ids
                        ),
                    }
                    for cell in cells
                ],
                "held_back": [
                    {
                        **held,
                        "name": releases.label(
                            held["area_level"], held["area_code"], language
                        ),
                        "activity_label": activities.get(
                            held["activity"], held["activity"]
                        ),
                        "published_in_name": releases.label(
                            *held["published_in"], language
                        )
                        if held["published_in"]
                        else "",
                        "company_names": sorted(
                            names.get(i, str(i)) for i in held["companies"]
                        ),
                    }
                    for held in release.held_back
                ],
            },
        )


class DisclosureRuleView(PublisherMixin, View):
    template_name = "ketenkaart/releases/rules.html"

    def _render(self, request, form, status=200):
        from ..models import DisclosureRule

        return render(
            request,
            self.template_name,
            {
                "form": form,
                "rules": DisclosureRule.objects.select_related("recorded_by"),
                "current": releases.disclosure_rule_current(),
            },
            status=status,
        )

    def get(self, request):
        return self._render(
            request, DisclosureRuleForm(initial={"valid_from": timezone.localdate()})
        )

    def post(self, request):
        form = DisclosureRuleForm(request.POST)
        if form.is_valid():
            try:
                releases.disclosure_rule_record(
                    **form.cleaned_data, actor=request.user, request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The rule was recorded; releases from its date follow it."),
                )
                return redirect("ketenkaart:disclosure_rules")
        return self._render(request, form, status=422)


# --- Restricted disclosure (art. 24) ------------------------------------------------------


class RestrictionAccessMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        user = self.request.user
        return can_keep_list(user) or releases.can_see_restriction_requests(user)


class RestrictionListView(RestrictionAccessMixin, View):
    template_name = "ketenkaart/releases/restrictions.html"

    def _render(self, request, form=None, status=200):
        company = own_company(request.user)
        items = list(releases.restriction_list(user=request.user))
        return render(
            request,
            self.template_name,
            {
                "items": items,
                "form": form
                if form is not None
                else (RestrictionForm() if company is not None else None),
                "company": company,
                "can_decide": releases.can_publish(request.user),
            },
            status=status,
        )

    def get(self, request):
        return self._render(request)

    def post(self, request):
        company = own_company(request.user)
        if company is None:
            raise PermissionDenied
        form = RestrictionForm(request.POST)
        if form.is_valid():
            try:
                releases.restriction_request(
                    company=company,
                    **form.cleaned_data,
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your request was sent. The Kerngroep decides on it; an "
                        "approval applies from the next release of the list."
                    ),
                )
                return redirect("ketenkaart:restriction_list")
        return self._render(request, form, status=422)


def _restriction(request, pk: int) -> RestrictedDisclosure:
    item = releases.restriction_list(user=request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


class RestrictionWithdrawView(RestrictionAccessMixin, View):
    def post(self, request, pk: int):
        item = _restriction(request, pk)
        try:
            releases.restriction_withdraw(
                item=item, actor=request.user, request=request
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The request was withdrawn."))
        return redirect("ketenkaart:restriction_list")


class RestrictionDecideView(PublisherMixin, View):
    template_name = "ketenkaart/releases/decide.html"

    def get(self, request, pk: int):
        item = _restriction(request, pk)
        form = RestrictionDecisionForm(
            initial={
                "decided_on": timezone.localdate(),
                "level": item.requested_level,
            }
        )
        return render(request, self.template_name, {"item": item, "form": form})

    def post(self, request, pk: int):
        item = _restriction(request, pk)
        form = RestrictionDecisionForm(request.POST)
        if form.is_valid():
            try:
                releases.restriction_decide(
                    item=item,
                    **form.service_arguments(),
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The Kerngroep's decision was recorded."))
                return redirect("ketenkaart:restriction_list")
        return render(
            request, self.template_name, {"item": item, "form": form}, status=422
        )
