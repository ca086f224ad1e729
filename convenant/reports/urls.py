from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="report_list"),
    path("years/<int:pk>/", views.ReportYearView.as_view(), name="report_year"),
    path(
        "years/<int:pk>/status/",
        views.ReportYearStatusView.as_view(),
        name="report_year_status",
    ),
    path(
        "years/<int:pk>/start/",
        views.ReportStartView.as_view(),
        name="report_start",
    ),
    path("runs/<int:pk>/retry/", views.ReportRetryView.as_view(), name="report_retry"),
    path(
        "runs/<int:pk>/publish/",
        views.ReportPublishView.as_view(),
        name="report_publish",
    ),
    path(
        "runs/<int:pk>/<str:fmt>/",
        views.ReportDownloadView.as_view(),
        name="report_download",
    ),
]
