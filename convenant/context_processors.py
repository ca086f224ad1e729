from django.conf import settings

from governance import permissions


def platform(request):
    """What the layout needs on every page: the person's roles for the navigation."""
    user = getattr(request, "user", None)
    roles = permissions.user_roles(user) if user is not None else frozenset()
    return {
        "nav_roles": {role.value for role in roles},
        "demo_mode": settings.DEBUG,
        "mfa_required": settings.CONVENANT_REQUIRE_MFA,
    }
