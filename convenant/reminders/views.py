"""The reminders pages: an organisation's reminders with the dismiss button, and the
secretariat's overview of what was sent to whom."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from governance.permissions import is_secretariat

from ..access import PermissionRequiredMixin
from . import selectors, services
from .models import ReminderKind

PAST_SHOWN = 50
OVERVIEW_PAGE_SIZE = 50


class ReminderListView(PermissionRequiredMixin, View):
    """The person's organisation's open reminders and the past ones."""

    def get(self, request):
        today = timezone.localdate()
        return render(
            request,
            "convenant/reminders/list.html",
            {
                "open": list(
                    selectors.reminder_open_list(user=request.user, today=today)
                ),
                "past": list(
                    selectors.reminder_past_list(user=request.user, today=today)[
                        :PAST_SHOWN
                    ]
                ),
                "can_dismiss": not is_secretariat(request.user),
                "sees_overview": is_secretariat(request.user),
            },
        )


class ReminderDismissView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return not is_secretariat(self.request.user)

    def post(self, request, pk: int):
        reminder = selectors.reminder_own_get(user=request.user, pk=pk)
        services.reminder_dismiss(reminder=reminder, actor=request.user)
        messages.success(request, _("The reminder was dismissed."))
        return redirect("reminders:reminder_list")


class ReminderOverviewView(PermissionRequiredMixin, View):
    """For the secretariat: which reminders went to whom, and when."""

    def has_permission(self) -> bool:
        return is_secretariat(self.request.user)

    def get(self, request):
        kind = request.GET.get("kind", "")
        if kind not in ReminderKind.values:
            kind = ""
        reminders = selectors.reminder_overview(user=request.user, kind=kind)
        page = Paginator(reminders, OVERVIEW_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "convenant/reminders/overview.html",
            {
                "page": page,
                "kind": kind,
                "kinds": ReminderKind.choices,
                "query": urlencode({"kind": kind}) if kind else "",
                "today": timezone.localdate(),
            },
        )
