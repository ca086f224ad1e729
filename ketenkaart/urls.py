from django.urls import path

from .views import company, releases, requests, secretariat

app_name = "ketenkaart"

urlpatterns = [
    # The company's own lists (views/company.py)
    path("", company.ListIndexView.as_view(), name="list_index"),
    path("lists/<int:year>/", company.ListDetailView.as_view(), name="list_detail"),
    path(
        "lists/<int:year>/locations/new/",
        company.LocationCreateView.as_view(),
        name="location_create",
    ),
    path(
        "locations/<int:pk>/edit/",
        company.LocationUpdateView.as_view(),
        name="location_update",
    ),
    path(
        "locations/<int:pk>/delete/",
        company.LocationDeleteView.as_view(),
        name="location_delete",
    ),
    path(
        "lists/<int:year>/submit/",
        company.ListSubmitView.as_view(),
        name="list_submit",
    ),
    path(
        "lists/<int:year>/export/",
        company.ListExportView.as_view(),
        name="list_export",
    ),
    path(
        "lists/<int:year>/import/",
        company.ImportUploadView.as_view(),
        name="import_upload",
    ),
    path(
        "import/template/",
        company.ImportTemplateView.as_view(),
        name="import_template",
    ),
    path("imports/<int:pk>/", company.ImportDetailView.as_view(), name="import_detail"),
    path(
        "imports/<int:pk>/progress/",
        company.ImportProgressView.as_view(),
        name="import_progress",
    ),
    path(
        "imports/<int:pk>/confirm/",
        company.ImportConfirmView.as_view(),
        name="import_confirm",
    ),
    path(
        "imports/<int:pk>/retry/",
        company.ImportRetryView.as_view(),
        name="import_retry",
    ),
    # Every company's list, for the secretariat (views/secretariat.py)
    path("companies/", secretariat.OverviewView.as_view(), name="overview"),
    path(
        "companies/<int:pk>/<int:year>/",
        secretariat.CompanyListView.as_view(),
        name="company_list",
    ),
    path(
        "companies/<int:pk>/<int:year>/export/",
        secretariat.CompanyExportView.as_view(),
        name="company_export",
    ),
    # The published aggregated list, its rule and restricted disclosure
    # (views/releases.py)
    path("published/", releases.ReleaseIndexView.as_view(), name="release_index"),
    path(
        "published/new/",
        releases.ReleasePublishView.as_view(),
        name="release_publish",
    ),
    path(
        "published/<int:pk>/",
        releases.ReleaseDetailView.as_view(),
        name="release_detail",
    ),
    path(
        "published/<int:pk>/status/",
        releases.ReleaseStatusView.as_view(),
        name="release_status",
    ),
    path(
        "published/<int:pk>/download/<str:fmt>/",
        releases.ReleaseDownloadView.as_view(),
        name="release_download",
    ),
    path(
        "published/<int:pk>/exact/",
        releases.ReleaseExactView.as_view(),
        name="release_exact",
    ),
    path("rules/", releases.DisclosureRuleView.as_view(), name="disclosure_rules"),
    path(
        "restrictions/",
        releases.RestrictionListView.as_view(),
        name="restriction_list",
    ),
    path(
        "restrictions/<int:pk>/withdraw/",
        releases.RestrictionWithdrawView.as_view(),
        name="restriction_withdraw",
    ),
    path(
        "restrictions/<int:pk>/decide/",
        releases.RestrictionDecideView.as_view(),
        name="restriction_decide",
    ),
    # Requests and reports around the map (views/requests.py)
    path(
        "area-requests/",
        requests.AreaRequestListView.as_view(),
        name="area_request_list",
    ),
    path(
        "area-requests/new/",
        requests.AreaRequestCreateView.as_view(),
        name="area_request_create",
    ),
    path(
        "area-requests/<int:pk>/",
        requests.AreaRequestDetailView.as_view(),
        name="area_request_detail",
    ),
    path(
        "area-requests/<int:pk>/decide/",
        requests.AreaRequestDecideView.as_view(),
        name="area_request_decide",
    ),
    path("expertise/", requests.ExpertiseListView.as_view(), name="expertise_list"),
    path(
        "expertise/edit/",
        requests.ExpertiseEditView.as_view(),
        name="expertise_edit",
    ),
    path(
        "supplier-reports/",
        requests.SupplierReportListView.as_view(),
        name="supplier_report_list",
    ),
    path(
        "supplier-reports/new/",
        requests.SupplierReportCreateView.as_view(),
        name="supplier_report_create",
    ),
    path(
        "supplier-reports/<int:pk>/",
        requests.SupplierReportDetailView.as_view(),
        name="supplier_report_detail",
    ),
    path(
        "supplier-reports/<int:pk>/match/",
        requests.SupplierReportMatchView.as_view(),
        name="supplier_report_match",
    ),
    path(
        "supplier-reports/<int:pk>/notes/",
        requests.SupplierReportNoteView.as_view(),
        name="supplier_report_note",
    ),
    path(
        "supplier-reports/<int:pk>/evidence/",
        requests.SupplierReportEvidenceView.as_view(),
        name="supplier_report_evidence",
    ),
]
