from django.urls import path

from .. import views
from ..views import overview
from . import conduct, confidentiality, decisions, meetings, membership, packs

app_name = "governance"

urlpatterns = [
    path(
        "organisations/", views.OrganisationListView.as_view(), name="organisation_list"
    ),
    path(
        "organisations/new/",
        views.OrganisationCreateView.as_view(),
        name="organisation_create",
    ),
    path(
        "organisations/<int:pk>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path(
        "organisations/<int:pk>/edit/",
        views.OrganisationUpdateView.as_view(),
        name="organisation_update",
    ),
    path(
        "organisations/<int:pk>/status/",
        views.OrganisationStatusView.as_view(),
        name="organisation_status",
    ),
    path(
        "organisations/<int:pk>/invite/",
        views.OrganisationInviteView.as_view(),
        name="organisation_invite",
    ),
    path(
        "invitations/<int:pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path(
        "invitations/accept/<str:token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path(
        "people/<int:pk>/active/",
        views.UserSetActiveView.as_view(),
        name="user_set_active",
    ),
]

# Import and export of organisations (views/imports.py)
urlpatterns += [
    path(
        "organisations/import/",
        views.imports.OrganisationImportView.as_view(),
        name="organisation_import",
    ),
    path(
        "organisations/import/confirm/",
        views.imports.OrganisationImportConfirmView.as_view(),
        name="organisation_import_confirm",
    ),
    path(
        "organisations/import/template/",
        views.imports.OrganisationImportTemplateView.as_view(),
        name="organisation_import_template",
    ),
    path(
        "organisations/export/",
        views.imports.OrganisationExportView.as_view(),
        name="organisation_export",
    ),
]

# Finance (views/finance.py)
urlpatterns += [
    path("finance/", views.finance.FinanceView.as_view(), name="finance"),
    path(
        "finance/contributions/generate/",
        views.finance.ContributionGenerateView.as_view(),
        name="contribution_generate",
    ),
    path(
        "finance/contributions/<int:pk>/status/",
        views.finance.ContributionStatusView.as_view(),
        name="contribution_status",
    ),
    path(
        "finance/contributions/export/",
        views.finance.ContributionExportView.as_view(),
        name="contribution_export",
    ),
    path("finance/bands/", views.finance.FteBandsView.as_view(), name="fte_bands"),
]

# The governance overview (views/overview.py)
urlpatterns += [
    path(
        "governance/",
        overview.GovernanceOverviewView.as_view(),
        name="governance_overview",
    ),
]

# Governance (issue areas, each in its own module of this package)
urlpatterns += (
    meetings.urlpatterns
    + decisions.urlpatterns
    + membership.urlpatterns
    + confidentiality.urlpatterns
    + conduct.urlpatterns
    + packs.urlpatterns
)
