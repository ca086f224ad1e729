from django.contrib import admin

from .models import Reminder, ReminderLead


@admin.register(ReminderLead)
class ReminderLeadAdmin(admin.ModelAdmin):
    """Where the secretariat sets how many days ahead each kind of deadline is
    reminded of."""

    list_display = ("kind", "days")
    list_filter = ("kind",)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Read-only: reminders are made by the daily run."""

    list_display = ("kind", "organisation", "deadline", "lead_days", "mailed_at")
    list_filter = ("kind",)
    list_select_related = ("organisation",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
