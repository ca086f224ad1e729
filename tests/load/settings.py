"""Settings of the load run (`make load`): the platform's own settings, with DEBUG off as
in production, and only what a load test from one machine over plain HTTP cannot do
relaxed. The runner (tests/load/run.py) sets DJANGO_DEBUG=false, a secret key, and
DATABASE_URL and REDIS_URL before this module is read."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from convenant.settings import *  # noqa: F403
from convenant.settings import ACCOUNT_RATE_LIMITS, DEBUG

if DEBUG:
    # With DEBUG on every query is kept in memory and static files are served by
    # Django: the figures would say nothing about production.
    raise ImproperlyConfigured("The load run measures with DEBUG off.")

# The minimal view lives in the load run's own URLconf, never in the platform's.
ROOT_URLCONF = "tests.load.urls"

# Simulated people cannot read an authenticator app. The secretariat, Kerngroep and NGO
# accounts would otherwise be sent to the set-up page on every request.
CONVENANT_REQUIRE_MFA = False

# The run talks plain HTTP to gunicorn on 127.0.0.1, without a TLS proxy in front:
# redirecting to HTTPS, HSTS and cookies sent over HTTPS only would stop every request.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Fifty people sign in within seconds from one address: the per-address limit on
# sign-ins (30 a minute) would refuse some of them. The limits on failed sign-ins stay.
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "1000/m/ip"}

# One line per request from gunicorn is enough; the platform logs warnings and errors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
