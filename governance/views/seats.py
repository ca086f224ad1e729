"""The Kerngroep's four seats and its chair (art. 46-47, 51): everybody signed in reads
who holds them; the secretariat assigns seats, changes representatives and records the
chair's terms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View

from convenant.access import PermissionRequiredMixin
from convenant.forms import add_service_errors

from .. import permissions
from ..forms.meetings import ChairTermForm, SeatAssignForm, SeatRepresentativesForm
from ..selectors import meetings as selectors
from ..services import meetings as services


class SeatsReadMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_view_seats(self.request.user)


class SeatsManageMixin(PermissionRequiredMixin):
    def has_permission(self) -> bool:
        return permissions.can_manage_seats(self.request.user)


class SeatListView(SeatsReadMixin, View):
    def get(self, request):
        return render(
            request,
            "governance/seats/seat_list.html",
            {
                "overview": selectors.seat_overview(),
                "can_manage": permissions.can_manage_seats(request.user),
            },
        )


class SeatAssignView(SeatsManageMixin, View):
    template_name = "governance/seats/seat_assign.html"

    def get(self, request):
        initial = {}
        if request.GET.get("constituency"):
            initial["constituency"] = request.GET["constituency"]
        return render(
            request, self.template_name, {"form": SeatAssignForm(initial=initial)}
        )

    def post(self, request):
        form = SeatAssignForm(request.POST)
        if form.is_valid():
            try:
                seat = services.seat_assign(
                    **form.cleaned_data, actor=request.user, request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(organisation)s holds the %(seat)s seat from %(day)s.")
                    % {
                        "organisation": seat.organisation,
                        "seat": seat.get_constituency_display(),
                        "day": date_format(seat.starts_on, "j F Y"),
                    },
                )
                return redirect("governance:seat_list")
        return render(request, self.template_name, {"form": form}, status=422)


class SeatRepresentativesView(SeatsManageMixin, View):
    template_name = "governance/seats/seat_representatives.html"

    def _form(self, seat, data=None):
        people = selectors.representative_choices(seat.organisation_id)
        initial = {
            "regular_representative": seat.regular_representative_id,
            "deputy_representative": seat.deputy_representative_id,
        }
        return SeatRepresentativesForm(data, people=people, initial=initial)

    def get(self, request, pk: int):
        seat = selectors.seat_get(user=request.user, pk=pk)
        return render(
            request, self.template_name, {"seat": seat, "form": self._form(seat)}
        )

    def post(self, request, pk: int):
        seat = selectors.seat_get(user=request.user, pk=pk)
        form = self._form(seat, request.POST)
        if form.is_valid():
            try:
                services.seat_change_representatives(
                    seat=seat, **form.cleaned_data, actor=request.user, request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The representatives of the %(seat)s seat were changed.")
                    % {"seat": seat.get_constituency_display()},
                )
                return redirect("governance:seat_list")
        return render(
            request, self.template_name, {"seat": seat, "form": form}, status=422
        )


class ChairTermCreateView(SeatsManageMixin, View):
    template_name = "governance/seats/chair_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ChairTermForm()})

    def post(self, request):
        form = ChairTermForm(request.POST)
        if form.is_valid():
            try:
                term = services.chair_term_create(
                    **form.cleaned_data, actor=request.user, request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(person)s chairs the Kerngroep from %(day)s.")
                    % {
                        "person": term.person,
                        "day": date_format(term.starts_on, "j F Y"),
                    },
                )
                return redirect("governance:seat_list")
        return render(request, self.template_name, {"form": form}, status=422)
