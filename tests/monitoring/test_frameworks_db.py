"""Framework versions in the database: loading, replacing and refusing a version, and the
secretariat's framework pages."""

from __future__ import annotations

import pytest
import yaml
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from convenant.models import AuditEntry
from monitoring.framework import (
    dump_framework_yaml,
    framework_to_dict,
    load_framework_yaml,
)
from monitoring.models import Framework
from monitoring.services.frameworks import framework_load
from tests.conftest import make_person
from tests.monitoring.factories import (
    DEFAULT_FRAMEWORK_YAML,
    TEST_FRAMEWORK_YAML,
    FrameworkFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db

OTHER_ROLES = ("company_admin", "company_member", "ngo", "union", "branch")
OTHER_ROLES += ("kerngroep", "chair", "government")


def changed_yaml(**changes) -> str:
    """The test framework with top-level keys changed (e.g. a new title or version)."""
    data = yaml.safe_load(TEST_FRAMEWORK_YAML)
    data.update(changes)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


NEW_TITLE = {"nl": "Testkader, herzien", "en": "Test framework, revised"}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def rows() -> list[dict]:
    return list(Framework.objects.order_by("pk").values())


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def secretariat(secretariat_user) -> Client:
    return client_for(secretariat_user)


# --- framework_load ------------------------------------------------------------------


def test_loads_a_new_version_with_its_data_and_source(secretariat_user):
    framework, created = framework_load(
        text=TEST_FRAMEWORK_YAML, actor=secretariat_user
    )

    assert created is True
    framework.refresh_from_db()
    assert (framework.code, framework.version) == ("test", 1)
    assert framework.title == {"nl": "Testkader", "en": "Test framework"}
    assert framework.data == framework_to_dict(load_framework_yaml(TEST_FRAMEWORK_YAML))
    assert framework.source == TEST_FRAMEWORK_YAML
    assert framework.loaded_by == secretariat_user
    entry = AuditEntry.objects.get()
    assert entry.action == "framework.load"
    assert entry.actor == secretariat_user
    assert entry.details == {"code": "test", "version": 1, "steps": 3, "questions": 8}


def test_loading_the_same_content_again_changes_nothing(secretariat_user):
    framework_load(text=TEST_FRAMEWORK_YAML, actor=secretariat_user)
    before = rows()
    # The same framework written differently (comments gone, keys reordered by YAML).
    same = dump_framework_yaml(load_framework_yaml(TEST_FRAMEWORK_YAML))

    framework, created = framework_load(text=same, actor=secretariat_user)

    assert created is False
    assert framework.pk == before[0]["id"]
    assert rows() == before
    assert AuditEntry.objects.count() == 1


def test_other_content_replaces_a_version_no_round_uses(secretariat_user):
    original, _ = framework_load(text=TEST_FRAMEWORK_YAML, actor=secretariat_user)
    text = changed_yaml(title=NEW_TITLE)

    framework, created = framework_load(text=text, actor=secretariat_user)

    assert created is False
    assert framework.pk == original.pk
    framework.refresh_from_db()
    assert framework.title == NEW_TITLE
    assert framework.data["title"] == NEW_TITLE
    assert framework.source == text
    assert Framework.objects.count() == 1
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "framework.load",
        "framework.replace",
    ]


def test_a_version_a_round_uses_is_refused_with_the_next_free_number(
    secretariat_user,
):
    used = RoundFactory().framework
    FrameworkFactory(source=changed_yaml(version=2))
    before = rows()
    audit = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as error:
        framework_load(text=changed_yaml(title=NEW_TITLE), actor=secretariat_user)

    assert error.value.messages == [
        "Version 1 of “test” is used by a monitoring round and can no longer change. "
        "Give the changed framework version 3."
    ]
    assert rows() == before
    assert AuditEntry.objects.count() == audit
    used.refresh_from_db()
    assert used.title == {"nl": "Testkader", "en": "Test framework"}


def test_the_same_content_of_a_used_version_is_accepted_unchanged(secretariat_user):
    used = RoundFactory().framework
    before = rows()

    framework, created = framework_load(
        text=TEST_FRAMEWORK_YAML, actor=secretariat_user
    )

    assert (framework.pk, created) == (used.pk, False)
    assert rows() == before


def test_a_wrong_file_lists_every_problem_with_its_place_and_saves_nothing(
    secretariat_user,
):
    data = yaml.safe_load(TEST_FRAMEWORK_YAML)
    data["steps"][0]["questions"][0]["type"] = "essay"
    data["steps"][1]["weight"] = -1
    text = yaml.safe_dump(data, sort_keys=False)

    with pytest.raises(ValidationError) as error:
        framework_load(text=text, actor=secretariat_user)

    assert error.value.messages == [
        'steps[0].questions[0].type: "essay" is not one of single, multi, boolean, '
        "number, text",
        "steps[1].weight: must be at least 0, not -1",
    ]
    assert Framework.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_a_yaml_syntax_error_names_line_and_column(secretariat_user):
    with pytest.raises(ValidationError) as error:
        framework_load(text="code: test\nversion: [1\n", actor=secretariat_user)

    assert len(error.value.messages) == 1
    assert error.value.messages[0].startswith("line 3, column 1: ")
    assert Framework.objects.count() == 0


@pytest.mark.parametrize("role", ["company_admin", "ngo", "kerngroep"])
def test_only_the_secretariat_loads_frameworks(role):
    with pytest.raises(PermissionDenied):
        framework_load(text=TEST_FRAMEWORK_YAML, actor=make_person(role))

    assert Framework.objects.count() == 0


# --- pages ------------------------------------------------------------------------------


def test_list_shows_each_version_with_its_size_and_use(secretariat):
    used = RoundFactory().framework
    RoundFactory(framework=used)
    FrameworkFactory(default=True)

    response = secretariat.get(reverse("monitoring:framework_list"))

    assert response.status_code == 200
    rows_by_code = {
        row.framework.code: (row.steps, row.questions, row.rounds, row.in_use)
        for row in response.context["rows"]
    }
    assert rows_by_code == {"metals": (6, 61, 0, False), "test": (3, 8, 2, True)}
    content = response.content.decode()
    assert "No: in use (locked)" in content
    assert "Yes: not used by a round" in content
    assert reverse("monitoring:framework_download", args=[used.pk]) in content


def test_list_without_frameworks_says_to_load_one(secretariat):
    response = secretariat.get(reverse("monitoring:framework_list"))

    assert "No framework has been loaded yet. Load one" in response.content.decode()


def test_upload_a_file_loads_it(secretariat):
    upload = SimpleUploadedFile(
        "metals-v1.yaml", DEFAULT_FRAMEWORK_YAML.encode(), "application/yaml"
    )

    response = secretariat.post(
        reverse("monitoring:framework_upload"), {"file": upload}
    )

    framework = Framework.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "monitoring:framework_detail", args=[framework.pk]
    )
    assert (framework.code, framework.version) == ("metals", 1)
    assert messages_of(response) == ["Version 1 of “metals” was loaded."]


def test_upload_pasted_text_and_again_unchanged_and_replaced(secretariat):
    url = reverse("monitoring:framework_upload")

    # Following the redirect shows (and so uses up) each message.
    first = secretariat.post(url, {"text": TEST_FRAMEWORK_YAML}, follow=True)
    again = secretariat.post(url, {"text": TEST_FRAMEWORK_YAML}, follow=True)
    replaced = secretariat.post(
        url, {"text": changed_yaml(title=NEW_TITLE)}, follow=True
    )

    assert messages_of(first) == ["Version 1 of “test” was loaded."]
    assert messages_of(again) == [
        "Version 1 of “test” was loaded already with the same content; nothing changed."
    ]
    assert messages_of(replaced) == ["Version 1 of “test” was replaced."]
    assert Framework.objects.get().title == NEW_TITLE


def test_a_refused_upload_shows_the_problems_and_keeps_the_file_text(secretariat):
    text = TEST_FRAMEWORK_YAML.replace("type: boolean", "type: yesno", 1)
    upload = SimpleUploadedFile("kader.yaml", text.encode(), "application/yaml")

    response = secretariat.post(
        reverse("monitoring:framework_upload"), {"file": upload}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        'steps[1].questions[0].type: "yesno" is not one of single, multi, boolean, '
        "number, text"
    ]
    assert response.context["form"]["text"].value() == text
    assert "steps[1].questions[0].type" in response.content.decode()
    assert Framework.objects.count() == 0


def test_a_refused_change_of_a_used_version_keeps_the_typed_text(secretariat):
    RoundFactory()
    text = changed_yaml(title=NEW_TITLE)

    response = secretariat.post(reverse("monitoring:framework_upload"), {"text": text})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Version 1 of “test” is used by a monitoring round and can no longer change. "
        "Give the changed framework version 2."
    ]
    assert response.context["form"]["text"].value() == text
    assert Framework.objects.get().title == {"nl": "Testkader", "en": "Test framework"}


def test_an_empty_upload_asks_for_a_file_or_text(secretariat):
    response = secretariat.post(reverse("monitoring:framework_upload"), {"text": "  "})

    assert response.context["form"].non_field_errors() == [
        "Choose a YAML file or paste the framework in the text box."
    ]
    assert Framework.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused(secretariat):
    upload = SimpleUploadedFile("kader.yaml", "titel: café".encode("latin-1"))

    response = secretariat.post(
        reverse("monitoring:framework_upload"), {"file": upload}
    )

    assert response.context["form"].non_field_errors() == [
        "The file is not UTF-8 text. Save it as UTF-8 and try again."
    ]


def test_download_gives_the_version_as_yaml_that_loads_back_equal(secretariat):
    framework = FrameworkFactory()

    response = secretariat.get(
        reverse("monitoring:framework_download", args=[framework.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="test-v1.yaml"'
    assert load_framework_yaml(response.content.decode()) == framework.parsed


@pytest.mark.parametrize(
    ("language", "question", "step"),
    [
        ("en", "Do you have an RBC policy?", "Step 1: Policy and management systems"),
        ("nl", "Heeft u een IMVO-beleid?", "Stap 1: Beleid en beheersystemen"),
    ],
)
def test_detail_shows_steps_and_questions_in_the_active_language(
    secretariat_user, language, question, step
):
    framework = FrameworkFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(secretariat_user)

    response = client.get(reverse("monitoring:framework_detail", args=[framework.pk]))

    assert response.status_code == 200
    outline = response.context["outline"]
    assert outline.question_count == 8
    assert [s.code for s in outline.steps] == ["1", "2", "3"]
    assert outline.steps[0].questions[0].text == question
    content = response.content.decode()
    assert question in content
    # Without translations compiled, the page's own texts stay in English.
    assert step in content


def test_detail_of_an_unknown_version_is_404(secretariat):
    response = secretariat.get(reverse("monitoring:framework_detail", args=[999]))

    assert response.status_code == 404


# --- access ---------------------------------------------------------------------------


def framework_requests(framework) -> list[tuple[str, str, dict]]:
    return [
        ("get", reverse("monitoring:framework_list"), {}),
        ("get", reverse("monitoring:framework_upload"), {}),
        ("post", reverse("monitoring:framework_upload"), {"text": TEST_FRAMEWORK_YAML}),
        ("get", reverse("monitoring:framework_detail", args=[framework.pk]), {}),
        ("get", reverse("monitoring:framework_download", args=[framework.pk]), {}),
    ]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_403_and_change_nothing(role):
    framework = FrameworkFactory(source=changed_yaml(title=NEW_TITLE))
    client = client_for(make_person(role))
    before = rows()

    statuses = [
        getattr(client, method)(url, data).status_code
        for method, url, data in framework_requests(framework)
    ]

    assert statuses == [403] * 5
    assert rows() == before


def test_anonymous_people_are_sent_to_sign_in():
    framework = FrameworkFactory()
    client = Client()

    for method, url, data in framework_requests(framework):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert Framework.objects.count() == 1


def test_a_parsed_version_is_shared_until_its_content_changes(secretariat_user):
    framework, _ = framework_load(text=TEST_FRAMEWORK_YAML, actor=secretariat_user)
    first = Framework.objects.get(pk=framework.pk).parsed

    # Another instance of the same version (another request) reuses the parse ...
    assert Framework.objects.get(pk=framework.pk).parsed is first
    # ... until the version is replaced by other content.
    framework_load(text=changed_yaml(title=NEW_TITLE), actor=secretariat_user)
    replaced = Framework.objects.get(pk=framework.pk).parsed
    assert replaced is not first
    assert replaced.title == NEW_TITLE
    assert first.title != NEW_TITLE
