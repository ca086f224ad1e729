"""Fixtures shared by every test: one signed-in person per role, and a clean cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from convenant.celery import app as celery_app
from tests.governance.factories import (
    ChairTermFactory,
    KerngroepSeatFactory,
    OrganisationFactory,
    UserFactory,
)

ROLES = (
    "anonymous",
    "company_admin",
    "company_member",
    "secretariat",
    "ngo",
    "union",
    "branch",
    "kerngroep",
    "chair",
    "government",
)


@pytest.fixture(autouse=True)
def _fast_password_hasher_and_english(settings):
    """The production hasher costs about a second per password: too slow for factories.
    Pages and mail come in English, the source language of the texts, unless a test asks
    for Dutch (tests of the translation do)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "en"


_DB_FIXTURES = frozenset({"db", "transactional_db", "django_db_reset_sequences"})


@pytest.fixture(autouse=True)
def _isolated_cache_and_eager_celery(request):
    """Rate-limit counters and cached values never leak between tests, and tasks run in
    the test's own process unless a test starts a real worker. Pure-core tests have no
    database, so the (database) cache is left alone for them."""
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        _DB_FIXTURES & set(request.fixturenames)
    )
    celery_app.conf.task_always_eager = True
    if uses_db:
        cache.clear()
    yield
    if uses_db:
        cache.clear()


@pytest.fixture
def agreement(db):
    from convenant.models import Agreement

    return Agreement.objects.get(code="metaal-2025-2029")


def make_person(role: str):
    """A person holding `role`, with an organisation of the matching kind."""
    if role == "company_admin":
        return UserFactory(organisation_role="admin")
    if role == "company_member":
        return UserFactory()
    if role == "secretariat":
        return UserFactory(
            organisation=OrganisationFactory(secretariat=True, name="Secretariaat"),
            organisation_role="admin",
        )
    if role == "ngo":
        return UserFactory(
            organisation=OrganisationFactory(ngo=True), organisation_role="admin"
        )
    if role == "union":
        return UserFactory(
            organisation=OrganisationFactory(union=True), organisation_role="admin"
        )
    if role == "branch":
        return UserFactory(
            organisation=OrganisationFactory(branch=True), organisation_role="admin"
        )
    if role == "kerngroep":
        return KerngroepSeatFactory().regular_representative
    if role == "chair":
        return ChairTermFactory().person
    if role == "government":
        return UserFactory(organisation=OrganisationFactory(government=True))
    raise ValueError(role)


@pytest.fixture
def person_factory(db):
    return make_person


@pytest.fixture
def secretariat_user(db):
    return make_person("secretariat")


@pytest.fixture
def company_admin(db):
    return make_person("company_admin")


@pytest.fixture
def secretariat_client(client, secretariat_user):
    client.force_login(secretariat_user)
    return client
