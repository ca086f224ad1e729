import datetime as dt
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from governance.imports import IMPORT_FOLDER, import_files_clean
from governance.tasks import clean_import_files


@pytest.fixture
def import_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "import_export": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    return storages["import_export"]


def test_uploads_waiting_for_confirmation_are_kept_outside_media(settings):
    options = settings.STORAGES["import_export"]["OPTIONS"]
    assert options["base_url"] is None
    assert str(options["location"]).startswith(str(settings.PRIVATE_MEDIA_ROOT))


def test_files_older_than_a_day_are_removed_and_younger_ones_kept(import_storage):
    old = import_storage.save(f"{IMPORT_FOLDER}/old", ContentFile(b"name,kind\n"))
    young = import_storage.save(f"{IMPORT_FOLDER}/young", ContentFile(b"name,kind\n"))
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(import_storage.path(old), (two_days_ago, two_days_ago))

    assert import_files_clean() == 1

    assert not import_storage.exists(old)
    assert import_storage.exists(young)
    assert import_files_clean(older_than=dt.timedelta(days=1)) == 0


def test_the_task_runs_without_an_import_folder(import_storage):
    assert clean_import_files.delay().get() == 0
