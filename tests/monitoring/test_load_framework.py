"""`manage.py load_framework` and `manage.py export_framework`: what they print, what they
store and their exit codes."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from convenant.models import AuditEntry
from monitoring.framework import dump_framework_yaml, load_framework_yaml
from monitoring.models import Framework
from tests.monitoring.factories import (
    DATA,
    TEST_FRAMEWORK_YAML,
    FrameworkFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db

DEFAULT_FILE = Path(settings.BASE_DIR) / "monitoring" / "frameworks" / "metals-v1.yaml"
TEST_FILE = DATA / "framework.yaml"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, text: str, name: str = "kader.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def retitled(title: dict, **changes) -> str:
    data = yaml.safe_load(TEST_FRAMEWORK_YAML)
    data.update(title=title, **changes)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


NEW_TITLE = {"nl": "Herzien", "en": "Revised"}


def test_loads_the_default_framework():
    out = run("load_framework", DEFAULT_FILE)

    assert out == "Loaded metals version 1: 6 steps, 61 questions\n"
    framework = Framework.objects.get()
    assert (framework.code, framework.version, framework.loaded_by) == (
        "metals",
        1,
        None,
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.actor_label) == (
        "framework.load",
        None,
        "system",
    )


def test_loading_the_same_file_twice_changes_nothing():
    run("load_framework", TEST_FILE)
    before = list(Framework.objects.values())

    out = run("load_framework", TEST_FILE)

    assert out == (
        "test version 1 is loaded already with the same content "
        "(3 steps, 8 questions); nothing changed.\n"
    )
    assert list(Framework.objects.values()) == before
    assert AuditEntry.objects.count() == 1


def test_a_changed_unused_version_is_replaced(tmp_path):
    run("load_framework", TEST_FILE)

    out = run("load_framework", write(tmp_path, retitled(NEW_TITLE)))

    assert out == "Replaced test version 1: 3 steps, 8 questions\n"
    assert Framework.objects.get().title == NEW_TITLE


def test_a_changed_version_in_use_is_refused_with_exit_code_2(tmp_path):
    framework = RoundFactory().framework
    path = write(tmp_path, retitled(NEW_TITLE))
    before = list(Framework.objects.values())

    with pytest.raises(CommandError) as error:
        run("load_framework", path)

    assert error.value.returncode == 2
    assert str(error.value) == (
        f"{path}: Version 1 of “test” is used by a monitoring round and can no longer "
        "change. Give the changed framework version 2."
    )
    assert list(Framework.objects.values()) == before
    assert framework.rounds.count() == 1


def test_the_changed_framework_loads_as_the_next_version(tmp_path):
    RoundFactory()

    out = run("load_framework", write(tmp_path, retitled(NEW_TITLE, version=2)))

    assert out == "Loaded test version 2: 3 steps, 8 questions\n"
    assert list(Framework.objects.values_list("version", "title")) == [
        (2, NEW_TITLE),
        (1, {"nl": "Testkader", "en": "Test framework"}),
    ]


def test_every_problem_is_printed_with_its_place_and_nothing_is_loaded(tmp_path):
    data = yaml.safe_load(TEST_FRAMEWORK_YAML)
    del data["steps"][0]["questions"][0]["options"][0]["points"]
    data["steps"][2]["questions"][0]["weight"] = 2
    data["steps"][2]["questions"][0]["type"] = "text"
    del data["steps"][2]["questions"][0]["options"]
    path = write(tmp_path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))

    with pytest.raises(CommandError) as error:
        run("load_framework", path)

    assert error.value.returncode == 2
    assert str(error.value).splitlines() == [
        f'{path}: steps[0].questions[0].options[0]: "points" is missing',
        f"{path}: steps[2].questions[0].weight: must be 0 on a text question "
        "(it is not scored), not 2",
    ]
    assert Framework.objects.count() == 0


def test_a_missing_file_ends_with_exit_code_2(tmp_path):
    with pytest.raises(CommandError) as error:
        run("load_framework", tmp_path / "nowhere.yaml")

    assert error.value.returncode == 2
    assert str(error.value) == f"{tmp_path / 'nowhere.yaml'}: no such file"


def test_a_file_that_is_not_utf8_ends_with_exit_code_2(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("title: café".encode("latin-1"))

    with pytest.raises(CommandError) as error:
        run("load_framework", path)

    assert error.value.returncode == 2
    assert str(error.value) == f"{path}: not UTF-8 text"


# --- export_framework -------------------------------------------------------------------


def test_export_prints_the_version_as_yaml():
    framework = FrameworkFactory(default=True)

    out = run("export_framework", "metals", "1")

    assert out == dump_framework_yaml(framework.parsed)
    assert load_framework_yaml(out) == framework.parsed


def test_export_writes_a_file_that_loads_back_unchanged(tmp_path):
    run("load_framework", TEST_FILE)
    before = list(Framework.objects.values())
    output = tmp_path / "test-v1.yaml"

    out = run("export_framework", "test", "1", "--output", output)

    assert out == f"Wrote test version 1 to {output}\n"
    assert run("load_framework", output) == (
        "test version 1 is loaded already with the same content "
        "(3 steps, 8 questions); nothing changed.\n"
    )
    assert list(Framework.objects.values()) == before


def test_export_of_an_unknown_version_ends_with_exit_code_2():
    FrameworkFactory()

    with pytest.raises(CommandError) as error:
        run("export_framework", "test", "7")

    assert error.value.returncode == 2
    assert str(error.value) == "No framework test version 7 is loaded (loaded: test 1)."


def test_export_with_nothing_loaded_says_so():
    with pytest.raises(CommandError) as error:
        run("export_framework", "metals", "1")

    assert error.value.returncode == 2
    assert str(error.value) == (
        "No framework metals version 1 is loaded; no framework is loaded at all."
    )
