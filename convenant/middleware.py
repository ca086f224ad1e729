"""Request-wide rules of the platform."""

from __future__ import annotations

import time

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


# When a signed-in session last moved its end forward (seconds since the epoch).
SESSION_ACTIVE_AT = "convenant_active_at"
# How often a session in use is written to move its end forward: at most once a minute,
# rather than on every request, so that a page does not cost a session write.
SESSION_REFRESH_SECONDS = 60


def note_session_activity(session) -> None:
    """Marks the session changed, so it is saved with its end SESSION_COOKIE_AGE
    seconds from now."""
    session[SESSION_ACTIVE_AT] = int(time.time())


def note_sign_in(sender, request, user, **kwargs) -> None:
    """Receiver of `user_logged_in`: a new signed-in session starts active (it is being
    saved anyway)."""
    if request is not None and hasattr(request, "session"):
        note_session_activity(request.session)


class SessionIdleTimeoutMiddleware:
    """Ends a signed-in session after SESSION_COOKIE_AGE seconds without a request.

    Django sets a session's end when it saves it. A request in a signed-in session
    saves it again when the last save is a minute or more ago, so the end keeps moving
    while the person works and the session ends within a minute of SESSION_COOKIE_AGE
    after the last request. Only sessions of people who signed in carry the mark."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None:
            active_at = session.get(SESSION_ACTIVE_AT)
            if (
                isinstance(active_at, int)
                and time.time() - active_at >= SESSION_REFRESH_SECONDS
            ):
                note_session_activity(session)
        return self.get_response(request)
