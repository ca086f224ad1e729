from django.contrib import admin
from django.urls import include, path

from . import views

# The Django admin never signs anybody in itself: its login page hands over to allauth,
# with the same rate limits and two-factor step as the rest of the platform.
admin.site.login = views.admin_login
admin.site.site_header = "Convenant"

# A 503 page, not the 500 one, while the database cannot be reached.
handler500 = "convenant.outages.server_error"

convenant_patterns = (
    [
        path("agreement/", views.AgreementCalendarView.as_view(), name="calendar"),
        path(
            "agreement/edit/",
            views.AgreementUpdateView.as_view(),
            name="agreement_update",
        ),
        path(
            "agreement/years/<int:pk>/edit/",
            views.AgreementYearUpdateView.as_view(),
            name="year_update",
        ),
        path("audit-log/", views.AuditLogView.as_view(), name="audit_log"),
    ],
    "convenant",
)

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("healthz", views.health, name="health"),
    path("", include(convenant_patterns)),
    path("", include("governance.urls")),
    path("reports/", include("convenant.reports.urls")),
    path("reminders/", include("convenant.reminders.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("ketenkaart/", include("ketenkaart.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
