"""While the database or Redis is away: a clean 503 instead of a 500, /healthz says
so, and the cache counts as empty instead of failing the page.

The database's absence is simulated by patching; tests/convenant/test_fault_servers.py
stops real servers."""

from __future__ import annotations

import logging
import socket

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.db import InterfaceError, OperationalError
from django.urls import get_resolver, reverse

from convenant import cache as resilient_cache
from convenant import outages, selectors
from governance.models import User
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def _fail(error: Exception):
    def raise_(*args, **kwargs):
        raise error

    return raise_


@pytest.fixture
def unsafe_client(client):
    """A client that gets the error page as a browser would, not the exception. The
    URLconf is loaded first, so that views importing a selector by name bind the real
    one and not a replacement a test puts in place."""
    get_resolver().url_patterns  # noqa: B018
    client.raise_request_exception = False
    return client


def _assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(outages.RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "Temporarily unavailable" in html
    assert "Try again in a minute" in html
    assert "Traceback" not in html
    assert "OperationalError" not in html


@pytest.mark.parametrize(
    "error",
    [OperationalError("server closed the connection"), InterfaceError("closed")],
)
def test_a_view_whose_query_fails_answers_503(unsafe_client, monkeypatch, error):
    unsafe_client.force_login(make_person("secretariat"))
    monkeypatch.setattr(selectors, "agreement_current", _fail(error))

    response = unsafe_client.get(reverse("dashboard"))

    _assert_unavailable_page(response)


def test_a_session_that_cannot_be_read_answers_503_before_any_view(
    unsafe_client, monkeypatch
):
    unsafe_client.force_login(make_person("company_admin"))
    monkeypatch.setattr(SessionStore, "load", _fail(OperationalError("refused")))

    response = unsafe_client.get(reverse("dashboard"))

    _assert_unavailable_page(response)


def test_the_503_page_speaks_the_readers_language(unsafe_client, monkeypatch):
    unsafe_client.force_login(make_person("company_admin"))
    monkeypatch.setattr(SessionStore, "load", _fail(OperationalError("refused")))

    response = unsafe_client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="nl")

    assert response.status_code == 503
    html = response.content.decode()
    assert '<html lang="nl"' in html
    assert "Tijdelijk niet beschikbaar" in html
    assert "Dat ligt niet aan u." in html


def test_any_other_error_keeps_its_500_page(unsafe_client, monkeypatch):
    unsafe_client.force_login(make_person("secretariat"))
    monkeypatch.setattr(selectors, "agreement_current", _fail(RuntimeError("bug")))

    response = unsafe_client.get(reverse("dashboard"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert not response.has_header("Retry-After")


def test_health_answers_200_while_the_database_answers(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_answers_503_while_the_database_does_not(client, monkeypatch):
    from convenant import views

    class DeadConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(views, "connection", DeadConnection())

    response = client.get(reverse("health"))

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": False}
    assert response["Retry-After"] == str(outages.RETRY_AFTER_SECONDS)


# --- The cache while Redis is away --------------------------------------------------------


def _closed_port() -> int:
    """A local port nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_away(settings):
    """The default cache is the project's Redis cache, on a Redis that is not there."""
    settings.CACHES = {
        "default": {
            "BACKEND": "convenant.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "KEY_PREFIX": "convenant",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    return caches["default"]


def test_an_unreachable_redis_reads_as_an_empty_cache(redis_away):
    cache = redis_away

    assert cache.get("key") is None
    assert cache.get("key", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("key") is False
    assert cache.add("key", 1) is True
    cache.set("key", 1)
    assert cache.set_many({"a": 1}) == []
    assert cache.touch("key") is False
    assert cache.delete("key") is False
    cache.delete_many(["a"])
    assert cache.clear() is False
    with pytest.raises(ValueError, match="not found"):
        cache.incr("key")


def test_an_outage_is_logged_once_and_the_next_try_waits(
    redis_away, caplog, monkeypatch
):
    cache = redis_away
    client = cache._cache
    tries = []
    real_get = resilient_cache.RedisCacheClient.get

    def counting_get(self, key, default):
        tries.append(key)
        return real_get(self, key, default)

    monkeypatch.setattr(resilient_cache.RedisCacheClient, "get", counting_get)
    with caplog.at_level(logging.WARNING, logger="convenant.cache"):
        for _ in range(5):
            cache.get("key")

    assert len(tries) == 1  # the next four did not wait for Redis
    errors = [r for r in caplog.records if r.name == "convenant.cache"]
    assert [r.levelname for r in errors] == ["ERROR"]

    client.outage.until = 0.01  # the wait is over: the next call tries Redis again
    cache.get("key")
    assert len(tries) == 2


def test_a_redis_that_answers_again_is_used_and_logged(redis_away, caplog):
    client = redis_away._cache
    client.outage.begin(OSError("refused"))
    client.outage.until = 0.01

    calls = []
    client._call(lambda: calls.append("redis") or "value", lambda: "fallback")

    assert calls == ["redis"]
    assert not client.outage.active
    assert client.outage.until == 0.0


def test_signing_in_works_while_redis_is_away(redis_away, client):
    person = make_person("company_admin")
    person.set_password("a long password 1")
    person.save()

    response = client.post(
        reverse("account_login"),
        {"login": person.email, "password": "a long password 1"},
    )

    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(person.pk)
    assert User.objects.get(pk=person.pk).last_login is not None
