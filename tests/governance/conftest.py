"""Factories and fixtures for the governance tests that tests/governance/factories.py does
not have yet: invitations with a known token, a colleague for `company_admin`, English
messages and a fast password hasher (to use with pytest.mark.usefixtures)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import factory
import pytest
from django.utils import timezone, translation

from governance.models import Invitation, OrganisationRole
from tests.governance.factories import OrganisationFactory, UserFactory


@pytest.fixture
def english():
    """Django's own messages in English; the site's default language is Dutch."""
    with translation.override("en"):
        yield


@pytest.fixture
def fast_password_hashing(settings):
    """Every person the factories make gets a hashed password; the production hasher
    takes most of a second each time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def token_hash(token: str) -> str:
    """What governance.services stores for a token: its SHA-256 hex digest."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation whose link token is known to the test (`token`)."""

    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@convenant.test")
    first_name = "Robin"
    last_name = factory.Sequence(lambda n: f"Invited{n}")
    role = OrganisationRole.MEMBER
    token_hash = factory.LazyAttribute(lambda o: token_hash(o.token))
    invited_by = factory.SubFactory(
        UserFactory,
        organisation=factory.SelfAttribute("..organisation"),
        organisation_role=OrganisationRole.ADMIN,
    )

    class Params:
        token = factory.Sequence(lambda n: f"test-invitation-token-{n:04d}")
        expired = factory.Trait(
            created_at=factory.LazyFunction(
                lambda: timezone.now() - dt.timedelta(days=15)
            ),
            expires_at=factory.LazyFunction(
                lambda: timezone.now() - dt.timedelta(days=1)
            ),
        )
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))


def invitation_with_token(**kwargs) -> tuple[Invitation, str]:
    """An invitation and the token of its link (only the hash is stored)."""
    token = secrets.token_urlsafe(16)
    return InvitationFactory(token=token, **kwargs), token


@pytest.fixture
def company_member(db, company_admin):
    """A plain member of the same company as the `company_admin` fixture."""
    return UserFactory(organisation=company_admin.organisation)
