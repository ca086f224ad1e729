"""Views of the governance app, one module per area: organisations and their people,
imports and exports of organisations, and finance."""

from .finance import FinanceView
from .imports import OrganisationExportView, OrganisationImportView
from .organisations import (
    InvitationAcceptView,
    InvitationRevokeView,
    OrganisationCreateView,
    OrganisationDetailView,
    OrganisationInviteView,
    OrganisationListView,
    OrganisationStatusView,
    OrganisationUpdateView,
    UserSetActiveView,
)

__all__ = [
    "FinanceView",
    "InvitationAcceptView",
    "InvitationRevokeView",
    "OrganisationCreateView",
    "OrganisationDetailView",
    "OrganisationExportView",
    "OrganisationImportView",
    "OrganisationInviteView",
    "OrganisationListView",
    "OrganisationStatusView",
    "OrganisationUpdateView",
    "UserSetActiveView",
]
