"""URLs of the meetings pages (namespace governance)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
