"""The URLconf of the load run: the platform's URLs and one minimal view, which measures
what a request costs through gunicorn and the whole middleware stack without any of the
platform's own work. It is used only by tests/load/settings.py, never in production."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path

from convenant.urls import urlpatterns as platform_patterns

MINIMAL_PATH = "load/minimal/"


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path(MINIMAL_PATH, minimal, name="load_minimal"), *platform_patterns]
