"""`manage.py backup` and `manage.py restore`: a backup restored into an empty database
of the same engine (a new SQLite file, or a new PostgreSQL database on the same server)
holds every organisation, assessment, answer, location list, decision and document again,
with the files' bytes unchanged; a restore over a database with tables is refused unless
forced. The test runs on whichever engine the test database uses."""

from __future__ import annotations

import tarfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend

from convenant import backups
from governance.models import AgendaDocument, Decision, Organisation
from ketenkaart.models import Location, LocationList
from monitoring.models import Answer, Assessment, Evidence
from tests.governance.factories import (
    AgendaItemFactory,
    DecisionFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.ketenkaart.factories import LocationFactory, LocationListFactory
from tests.monitoring.company_factories import (
    AnswerFactory,
    profiled_assessment,
    stored_evidence,
    use_private_storage,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MODELS = [
    Organisation,
    Assessment,
    Answer,
    Evidence,
    LocationList,
    Location,
    Decision,
    AgendaDocument,
]


@pytest.fixture
def folders(settings, tmp_path, monkeypatch) -> dict[str, Path]:
    folders = {
        name: tmp_path / name for name in ("media", "private", "backup", "restored")
    }
    settings.MEDIA_ROOT = folders["media"]
    settings.PRIVATE_MEDIA_ROOT = folders["private"]
    use_private_storage(monkeypatch, folders["private"])
    return folders


@pytest.fixture
def world(folders) -> dict[str, bytes]:
    """Two companies, an assessment with answers and a document, a location list, a
    decision and an agenda document; returns the bytes of each stored file."""
    OrganisationFactory.create_batch(2)
    assessment = profiled_assessment()
    AnswerFactory(assessment=assessment, question_code="1.1", explanation="Beleid.")
    AnswerFactory(assessment=assessment, question_code="1.3", value=7)
    evidence = stored_evidence(assessment, code="1.1", content=b"%PDF-1.4 bewijs")
    locations = LocationListFactory(company=assessment.organisation)
    LocationFactory.create_batch(3, location_list=locations)
    DecisionFactory()
    document = AgendaDocument(
        item=AgendaItemFactory(),
        original_name="notitie.pdf",
        content_type="application/pdf",
        size=11,
        uploaded_by=UserFactory(),
    )
    document.file.save("upload", ContentFile(b"%PDF notitie"), save=False)
    document.save()
    folders["media"].mkdir(parents=True, exist_ok=True)
    (folders["media"] / "logo.png").write_bytes(b"\x89PNG logo")
    return {
        evidence.file.name: b"%PDF-1.4 bewijs",
        document.file.name: b"%PDF notitie",
    }


def counts(alias: str) -> dict[str, int]:
    return {model.__name__: model.objects.using(alias).count() for model in MODELS}


@contextmanager
def empty_database(folder: Path) -> Iterator[str]:
    """A new, empty database of the test database's engine, as the alias "restored":
    a file in `folder` for SQLite; for PostgreSQL one created on the same server and
    dropped afterwards."""
    default = connection.settings_dict
    if connection.vendor == "postgresql":
        name = f"convenant_restore_{uuid.uuid4().hex[:10]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        folder.mkdir(parents=True, exist_ok=True)
        name = str(folder / "restored.sqlite3")
    # Made here rather than in settings: a test may use a connection it makes itself.
    wrapper = load_backend(default["ENGINE"]).DatabaseWrapper(
        {**default, "NAME": name}, "restored"
    )
    connections["restored"] = wrapper
    try:
        yield "restored"
    finally:
        wrapper.close()
        del connections["restored"]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_an_empty_database_holds_everything_again(
    world, folders, settings, monkeypatch
):
    before = counts("default")
    out = StringIO()
    call_command("backup", output=str(folders["backup"]), stdout=out)
    assert f"into {folders['backup']}." in out.getvalue()
    assert sorted(p.name for p in folders["backup"].iterdir()) == sorted(
        [backups.DUMP[connection.vendor], "files.tar", "manifest.json"]
    )

    # A new machine: empty file folders, an empty database.
    settings.MEDIA_ROOT = folders["restored"] / "media"
    settings.PRIVATE_MEDIA_ROOT = folders["restored"] / "private"
    use_private_storage(monkeypatch, folders["restored"] / "private")
    with empty_database(folders["restored"]) as alias:
        out = StringIO()
        call_command("restore", str(folders["backup"]), database=alias, stdout=out)

        assert counts(alias) == before
        assert before == {
            "Organisation": before["Organisation"],
            "Assessment": 1,
            "Answer": 2,
            "Evidence": 1,
            "LocationList": 1,
            "Location": 3,
            "Decision": 1,
            "AgendaDocument": 1,
        }
        assert before["Organisation"] >= 4
        assert backups._table_rows(alias) == backups._table_rows("default")
        evidence = Evidence.objects.using(alias).get()
        assert evidence.file.read() == world[evidence.file.name]
        document = AgendaDocument.objects.using(alias).get()
        assert document.file.read() == world[document.file.name]
        assert (folders["restored"] / "media" / "logo.png").read_bytes() == (
            b"\x89PNG logo"
        )
        assert "Restored the" in out.getvalue()
        assert "3 files unpacked" in out.getvalue()


def test_a_restore_over_a_database_with_tables_is_refused_unless_forced(world, folders):
    call_command("backup", output=str(folders["backup"]), stdout=StringIO())
    Decision.objects.all().delete()  # what is in the database now
    OrganisationFactory(name="Nieuw na de backup")
    left = counts("default")

    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(folders["backup"]), stdout=StringIO())

    assert counts("default") == left
    assert Organisation.objects.filter(name="Nieuw na de backup").exists()


def test_a_forced_restore_replaces_what_is_in_the_database(world, folders):
    call_command("backup", output=str(folders["backup"]), stdout=StringIO())
    before = counts("default")
    with empty_database(folders["restored"]) as alias:
        call_command(
            "restore", str(folders["backup"]), database=alias, stdout=StringIO()
        )
        Decision.objects.using(alias).all().delete()

        out = StringIO()
        call_command(
            "restore",
            str(folders["backup"]),
            database=alias,
            force=True,
            stdout=out,
        )

        assert counts(alias) == before
        assert out.getvalue().startswith("Replaced the")


def test_a_backup_never_writes_into_a_folder_that_holds_something(folders):
    folders["backup"].mkdir()
    (folders["backup"] / "manifest.json").write_text("{}")

    with pytest.raises(CommandError, match="is not empty; choose a new folder"):
        call_command("backup", output=str(folders["backup"]), stdout=StringIO())

    assert [p.name for p in folders["backup"].iterdir()] == ["manifest.json"]


def test_a_folder_without_a_manifest_is_not_restored(folders):
    folders["backup"].mkdir()
    (folders["backup"] / "files.tar").write_bytes(b"")

    with pytest.raises(CommandError, match=r"holds no manifest\.json"):
        call_command("restore", str(folders["backup"]), stdout=StringIO())


def test_an_archive_with_a_file_outside_its_folder_is_refused_before_anything(
    world, folders, tmp_path
):
    call_command("backup", output=str(folders["backup"]), stdout=StringIO())
    evil = tmp_path / "evil.txt"
    evil.write_text("x")
    with tarfile.open(folders["backup"] / "files.tar", "a") as tar:
        tar.add(evil, arcname="private/../../evil-out.txt")

    with empty_database(folders["restored"]) as alias:
        with pytest.raises(CommandError, match="would land outside its folder"):
            call_command(
                "restore", str(folders["backup"]), database=alias, stdout=StringIO()
            )
        assert connections[alias].introspection.table_names() == []

    assert not (tmp_path.parent / "evil-out.txt").exists()


def test_files_outside_the_two_folders_are_left_out(folders, tmp_path):
    archive = tmp_path / "files.tar"
    evil = tmp_path / "evil.txt"
    evil.write_text("x")
    with tarfile.open(archive, "w") as tar:
        tar.add(evil, arcname="elsewhere/evil.txt")
        tar.add(evil, arcname="private/ok.txt")

    assert backups._unpack_files(archive) == 1

    assert (folders["private"] / "ok.txt").read_text() == "x"
    assert not (folders["media"] / "evil.txt").exists()


@contextmanager
def sqlite_database(alias: str, path: Path) -> Iterator[str]:
    """An SQLite database of its own, whatever the test database is (so that the SQLite
    backup runs in the PostgreSQL build too)."""
    settings_dict = {
        **connections["default"].settings_dict,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {},
        "HOST": "",
        "PORT": "",
        "USER": "",
        "PASSWORD": "",
    }
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        settings_dict, alias
    )
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


def test_an_sqlite_database_is_copied_whole_and_restored(folders, tmp_path):
    with sqlite_database("source", tmp_path / "source.sqlite3") as source:
        with connections[source].cursor() as cursor:
            cursor.execute("CREATE TABLE answer (id INTEGER PRIMARY KEY, text TEXT)")
            cursor.executemany(
                "INSERT INTO answer (text) VALUES (%s)",
                [(f"Antwoord {n}",) for n in range(25)],
            )
        made = backups.backup_make(folder=folders["backup"], database=source)
    assert (made.engine, made.tables, made.rows) == ("sqlite", 1, 25)

    with sqlite_database("target", tmp_path / "target.sqlite3") as target:
        restored = backups.backup_restore(folder=folders["backup"], database=target)
        with connections[target].cursor() as cursor:
            cursor.execute("SELECT text FROM answer ORDER BY id")
            texts = [row[0] for row in cursor.fetchall()]

        with pytest.raises(backups.BackupError, match="is not empty"):
            backups.backup_restore(folder=folders["backup"], database=target)

    assert (restored.tables, restored.rows, restored.replaced) == (1, 25, False)
    assert texts == [f"Antwoord {n}" for n in range(25)]


def test_a_backup_of_one_engine_is_not_restored_into_the_other(folders, tmp_path):
    with sqlite_database("source", tmp_path / "source.sqlite3") as source:
        backups.backup_make(folder=folders["backup"], database=source)
    manifest = folders["backup"] / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"sqlite"', '"postgresql"'))
    (folders["backup"] / "database.dump").write_bytes(b"")
    manifest.write_text(
        manifest.read_text().replace("database.sqlite3", "database.dump")
    )

    with sqlite_database("target", tmp_path / "target.sqlite3") as target:
        with pytest.raises(backups.BackupError, match="a postgresql database"):
            backups.backup_restore(folder=folders["backup"], database=target)
        assert connections[target].introspection.table_names() == []


def test_a_backup_that_fails_half_way_leaves_no_folder(folders, monkeypatch):
    def disk_full(target):
        raise OSError("No space left on device")

    monkeypatch.setattr(backups, "_pack_files", disk_full)

    with pytest.raises(OSError, match="No space left"):
        backups.backup_make(folder=folders["backup"])

    assert not folders["backup"].exists()
