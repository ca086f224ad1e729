from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    ChairTerm,
    Contribution,
    FteBand,
    Invitation,
    KerngroepSeat,
    Organisation,
    User,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "kvk_number",
        "participation",
        "status",
        "signed_on",
    )
    list_filter = ("kind", "status", "participation")
    search_fields = ("name", "kvk_number")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "organisation", "is_active")
    list_filter = ("is_active", "is_staff", "organisation__kind")
    search_fields = ("email", "first_name", "last_name")
    list_select_related = ("organisation",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name")}),
        (_("Organisation"), {"fields": ("organisation", "organisation_role")}),
        (
            _("Access"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),
    )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "created_at", "accepted_at")
    readonly_fields = ("token_hash", "accepted_at", "user")
    list_select_related = ("organisation",)


@admin.register(KerngroepSeat)
class KerngroepSeatAdmin(admin.ModelAdmin):
    list_display = (
        "constituency",
        "organisation",
        "regular_representative",
        "starts_on",
    )


admin.site.register(ChairTerm)
admin.site.register(FteBand)


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ("organisation", "agreement_year", "amount", "status")
    list_filter = ("status", "agreement_year")
    list_select_related = ("organisation", "agreement_year")
