"""Smoke test of the load scenario (`make load`): the minimal view answers through the
load URLconf only, and every request the locustfile makes is a URL of the platform. It
reads the locustfile without importing it (importing locust patches the standard
library for gevent)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from tests.load.pages import PAGES, PDF_NAMES

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
REQUEST_HELPERS = {"page", "post", "pdf"}


def request_names() -> set[str]:
    """The request names in the locustfile: the second argument of its page(), post()
    and pdf() helpers and every name= keyword."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(LOCUSTFILE.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        if (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in REQUEST_HELPERS
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
        ):
            names.add(node.args[1].value)
        for keyword in node.keywords:
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                names.add(keyword.value.value)
    return names


@pytest.mark.django_db
def test_the_minimal_view_answers_in_the_load_urlconf(client, settings):
    settings.ROOT_URLCONF = "tests.load.urls"

    response = client.get(PAGES["minimal view"])

    assert response.status_code == 200
    assert response.content == b"ok"


def test_the_minimal_view_is_not_a_url_of_the_platform():
    with pytest.raises(Resolver404):
        resolve(PAGES["minimal view"], urlconf="convenant.urls")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_request_of_the_scenario_resolves(name):
    assert resolve(PAGES[name], urlconf="tests.load.urls").url_name


def test_the_locustfile_asks_only_for_the_known_requests():
    assert request_names() == set(PAGES)
    assert set(PAGES) >= PDF_NAMES
