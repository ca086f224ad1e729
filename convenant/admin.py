from django.contrib import admin

from .models import Agreement, AgreementYear, AuditEntry


class AgreementYearInline(admin.TabularInline):
    model = AgreementYear
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    inlines = [AgreementYearInline]
    list_display = ("short_name", "starts_on", "ends_on")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ("occurred_at", "actor_label", "action", "object_repr", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_label", "object_repr", "action")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from .reminders import admin as reminders_admin  # noqa: E402, F401
