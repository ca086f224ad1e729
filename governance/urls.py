from django.urls import path

from . import views

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
        views.OrganisationImportView.as_view(),
        name="organisation_import",
    ),
    path(
        "organisations/export/",
        views.OrganisationExportView.as_view(),
        name="organisation_export",
    ),
]

# Finance (views/finance.py)
urlpatterns += [
    path("finance/", views.FinanceView.as_view(), name="finance"),
]
