"""Request-wide rules of the platform."""

from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from governance.permissions import requires_mfa

# Paths a person who still has to set up two-factor authentication can reach.
_MFA_SETUP_ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/media/")


class RequireTwoFactorMiddleware:
    """Sends secretariat, Kerngroep and NGO/union accounts without an authenticator app to
    the set-up page, whenever CONVENANT_REQUIRE_MFA is on (by default: DEBUG off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.CONVENANT_REQUIRE_MFA
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(_MFA_SETUP_ALLOWED_PREFIXES)
            and requires_mfa(user)
            and not is_mfa_enabled(user)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
