"""URLs of the confidentiality, module and yearly-document pages (namespace
governance)."""

from django.urls import path

from ..views import confidentiality as views

urlpatterns: list = [
    path(
        "confidentiality/",
        views.ConfidentialityListView.as_view(),
        name="confidentiality_list",
    ),
    path(
        "confidentiality/new/",
        views.ConfidentialityCreateView.as_view(),
        name="confidentiality_create",
    ),
    path(
        "confidentiality/ours/",
        views.ConfidentialityOwnView.as_view(),
        name="confidentiality_own",
    ),
    path(
        "confidentiality/sign/",
        views.ConfidentialitySignView.as_view(),
        name="confidentiality_sign",
    ),
    path(
        "confidentiality/<int:pk>/",
        views.ConfidentialityDetailView.as_view(),
        name="confidentiality_detail",
    ),
    path(
        "confidentiality/<int:pk>/revoke/",
        views.ConfidentialityRevokeView.as_view(),
        name="confidentiality_revoke",
    ),
    path(
        "confidentiality/<int:pk>/signed-copy/",
        views.ConfidentialityScanView.as_view(),
        name="confidentiality_scan",
    ),
    path("modules/", views.ModuleListView.as_view(), name="module_list"),
    path("modules/new/", views.ModuleCreateView.as_view(), name="module_create"),
    path("modules/<int:pk>/", views.ModuleDetailView.as_view(), name="module_detail"),
    path(
        "modules/<int:pk>/edit/",
        views.ModuleUpdateView.as_view(),
        name="module_update",
    ),
    path(
        "modules/<int:pk>/participants/new/",
        views.ModuleParticipantAddView.as_view(),
        name="module_participant_add",
    ),
    path(
        "modules/participations/<int:pk>/end/",
        views.ModuleParticipationEndView.as_view(),
        name="module_participation_end",
    ),
    path(
        "yearly-documents/",
        views.YearlyIndexView.as_view(),
        name="yearly_document_index",
    ),
    path(
        "yearly-documents/<int:year>/",
        views.YearlyYearView.as_view(),
        name="yearly_document_year",
    ),
    path(
        "yearly-documents/<int:year>/<slug:kind>/",
        views.YearlyDocumentEditView.as_view(),
        name="yearly_document_edit",
    ),
    path(
        "yearly-documents/document/<int:pk>/status/",
        views.YearlyDocumentStatusView.as_view(),
        name="yearly_document_status",
    ),
    path(
        "yearly-documents/document/<int:pk>/file/",
        views.YearlyDocumentFileView.as_view(),
        name="yearly_document_file",
    ),
]
