"""The append-only audit log: nothing changes or removes an entry, and the secretariat's
page lists and filters them in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from convenant.audit import audit_record
from convenant.models import AuditEntry
from governance.models import Organisation
from tests.conftest import make_person
from tests.governance.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def entry(secretariat_user):
    organisation = OrganisationFactory(name="Smederij Midden B.V.")
    return audit_record(
        actor=secretariat_user,
        action="organisation.update",
        obj=organisation,
        details={"changes": {"fte": ["10", "12"]}},
    )


def stored(entry: AuditEntry) -> dict:
    return AuditEntry.objects.values().get(pk=entry.pk)


# --- writing --------------------------------------------------------------------------


def test_audit_record_writes_who_what_which_and_from_where(secretariat_user):
    organisation = OrganisationFactory(name="Smederij Midden B.V.")
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.4")

    entry = audit_record(
        actor=secretariat_user,
        action="organisation.update",
        obj=organisation,
        request=request,
        details={"changes": {"fte": ["10", "12"]}},
    )

    assert stored(entry) | {"occurred_at": None} == {
        "id": entry.pk,
        "occurred_at": None,
        "actor_id": secretariat_user.pk,
        "actor_label": secretariat_user.email,
        "action": "organisation.update",
        "content_type_id": ContentType.objects.get_for_model(Organisation).pk,
        "object_id": str(organisation.pk),
        "object_repr": "Smederij Midden B.V.",
        "organisation_id": organisation.pk,
        "ip_address": "198.51.100.4",
        "details": {"changes": {"fte": ["10", "12"]}},
    }


def test_a_task_is_recorded_as_the_system():
    entry = audit_record(actor=None, action="governance.expire_invitations")
    assert (entry.actor, entry.actor_label, entry.object_repr, entry.organisation) == (
        None,
        "system",
        "",
        None,
    )


def test_the_organisation_of_an_object_is_recorded():
    person = UserFactory()
    entry = audit_record(actor=None, action="user.deactivate", obj=person)
    assert entry.organisation == person.organisation


# --- append-only ----------------------------------------------------------------------


def test_an_entry_cannot_be_saved_again(entry):
    before = stored(entry)
    entry.action = "organisation.forged"
    with pytest.raises(PermissionError, match="append-only"):
        entry.save()
    assert stored(entry) == before


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(PermissionError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_queryset_cannot_update_or_delete(entry):
    before = stored(entry)
    with pytest.raises(PermissionError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).update(action="organisation.forged")
    with pytest.raises(PermissionError, match="append-only"):
        AuditEntry.objects.all().delete()
    # bulk_update works inside a transaction of its own: give it a savepoint.
    with pytest.raises(PermissionError, match="append-only"), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert stored(entry) == before


def test_a_new_object_with_an_existing_id_cannot_overwrite_an_entry(entry):
    """Django saves an unsaved object whose id is set by trying an UPDATE first (as
    loaddata does): that must not rewrite history either."""
    before = stored(entry)
    forged = AuditEntry(pk=entry.pk, action="organisation.forged", actor_label="x")
    with pytest.raises((PermissionError, IntegrityError)), transaction.atomic():
        forged.save()
    assert stored(entry) == before


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE convenant_auditentry SET action = 'organisation.forged' WHERE id = %s",
        "DELETE FROM convenant_auditentry WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_or_delete_entries(entry, sql):
    before = stored(entry)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    assert stored(entry) == before


# --- the page -------------------------------------------------------------------------


AUDIT_URL = reverse("convenant:audit_log")


@pytest.fixture
def secretariat(secretariat_user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(secretariat_user)
    return client


@pytest.fixture
def history(secretariat_user):
    """Four entries by two people about two organisations."""
    anna = UserFactory(email="anna@secretariaat.test")
    staal = OrganisationFactory(name="Staal B.V.")
    koper = OrganisationFactory(name="Koper B.V.")
    return {
        "created": audit_record(
            actor=secretariat_user, action="organisation.create", obj=staal
        ),
        "updated": audit_record(actor=anna, action="organisation.update", obj=staal),
        "invited": audit_record(
            actor=anna, action="invitation.create", organisation=koper
        ),
        "system": audit_record(actor=None, action="invitation.expire"),
        "staal": staal,
        "koper": koper,
    }


def listed(response) -> list[str]:
    assert response.status_code == 200
    return [entry.action for entry in response.context["page"]]


def test_the_page_lists_entries_newest_first(secretariat, history):
    response = secretariat.get(AUDIT_URL)
    assert listed(response) == [
        "invitation.expire",
        "invitation.create",
        "organisation.update",
        "organisation.create",
    ]
    page = response.content.decode()
    assert "<code>organisation.create</code>" in page
    assert "anna@secretariaat.test" in page
    assert "Staal B.V." in page


@pytest.mark.parametrize(
    ("query", "actions"),
    [
        ({"action": "organisation."}, ["organisation.update", "organisation.create"]),
        ({"action": "invitation.create"}, ["invitation.create"]),
        ({"actor": "ANNA@"}, ["invitation.create", "organisation.update"]),
        ({"actor": "system"}, ["invitation.expire"]),
        ({"action": "organisation", "actor": "anna"}, ["organisation.update"]),
        ({"action": "nothing.like.this"}, []),
    ],
)
def test_the_page_filters_by_action_and_actor(secretariat, history, query, actions):
    assert listed(secretariat.get(AUDIT_URL, query)) == actions


def test_the_page_filters_by_organisation(secretariat, history):
    staal = history["staal"]
    assert listed(secretariat.get(AUDIT_URL, {"organisation": staal.pk})) == [
        "organisation.update",
        "organisation.create",
    ]
    assert listed(
        secretariat.get(AUDIT_URL, {"organisation": history["koper"].pk})
    ) == ["invitation.create"]
    # Not a number: no organisation filter.
    assert len(listed(secretariat.get(AUDIT_URL, {"organisation": "staal"}))) == 4


def test_an_empty_result_says_so(secretariat, history):
    response = secretariat.get(AUDIT_URL, {"action": "nothing"})
    assert "Nothing has been recorded that matches." in response.content.decode()


@pytest.mark.parametrize(
    "role",
    [
        "company_admin",
        "company_member",
        "ngo",
        "union",
        "branch",
        "kerngroep",
        "chair",
        "government",
    ],
)
def test_the_page_is_for_the_secretariat_only(client, history, role):
    client.force_login(make_person(role))
    response = client.get(AUDIT_URL)
    assert response.status_code == 403
    assert "anna@secretariaat.test" not in response.content.decode()


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(AUDIT_URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={AUDIT_URL}"


def add_entries(until: int) -> None:
    """Entries by different people about different organisations, up to `until`."""
    for index in range(AuditEntry.objects.count(), until):
        person = UserFactory()
        audit_record(
            actor=person,
            action=f"organisation.update.{index}",
            obj=person.organisation,
        )


def test_the_page_costs_the_same_for_10_and_100_entries(
    secretariat, django_assert_num_queries
):
    add_entries(10)
    secretariat.get(AUDIT_URL)
    with CaptureQueriesContext(connection) as at_10:
        assert len(listed(secretariat.get(AUDIT_URL))) == 10

    add_entries(100)
    with django_assert_num_queries(len(at_10)):
        assert len(listed(secretariat.get(AUDIT_URL))) == 100


def test_the_page_shows_100_entries_at_a_time(secretariat):
    add_entries(101)
    assert len(listed(secretariat.get(AUDIT_URL))) == 100
    assert listed(secretariat.get(AUDIT_URL, {"page": 2})) == ["organisation.update.0"]
