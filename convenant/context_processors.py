from django.conf import settings

from convenant.reports.permissions import can_view_reports
from governance import permissions

# Pages of the governance app that have a menu entry of their own (organisations,
# finance); every other governance page belongs under "Governance".
_OWN_MENU_PREFIXES = (
    "organisation_",
    "finance",
    "contribution_",
    "fte_",
    "invitation_",
)


def _in_governance_menu(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "governance":
        return False
    return not match.url_name.startswith(_OWN_MENU_PREFIXES) and (
        match.url_name != "user_set_active"
    )


def platform(request):
    """What the layout needs on every page: the person's roles for the navigation."""
    user = getattr(request, "user", None)
    roles = permissions.user_roles(user) if user is not None else frozenset()
    return {
        "nav_roles": {role.value for role in roles},
        "nav_reports": bool(roles) and can_view_reports(user),
        "in_governance_menu": _in_governance_menu(request),
        "demo_mode": settings.DEBUG,
        "mfa_required": settings.CONVENANT_REQUIRE_MFA,
    }
