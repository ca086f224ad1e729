import pytest

from tests.conftest import ROLES


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_every_role_reaches_its_dashboard(client, person_factory, role):
    client.force_login(person_factory(role))
    response = client.get("/")
    assert response.status_code == 200
