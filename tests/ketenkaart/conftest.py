from __future__ import annotations

import pytest
from django.utils import translation

from governance.models import OrganisationRole
from tests.governance.factories import OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _english_and_private_storage(settings, tmp_path):
    """Messages in their English source text, and uploads kept in a folder of the
    test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "import_export": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private" / "imports", "base_url": None},
        },
    }
    with translation.override("en"):
        yield


@pytest.fixture
def company(db):
    return OrganisationFactory(
        name="Hollandse Draadtrekkerij B.V.", kvk_number="30127744"
    )


@pytest.fixture
def recycler(db):
    return OrganisationFactory(
        name="Brabant Non-Ferro Recycling B.V.", kvk_number="17093358", is_recycler=True
    )


@pytest.fixture
def company_person(company):
    return UserFactory(organisation=company, organisation_role=OrganisationRole.MEMBER)


@pytest.fixture
def company_client(client, company_person):
    client.force_login(company_person)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
