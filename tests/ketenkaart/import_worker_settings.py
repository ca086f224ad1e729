"""Settings of a separate worker process in tests/ketenkaart/test_import_worker.py: the
project's own, on the test database, with the import made slow so that the test can
kill the worker half-way."""

import os

from convenant.settings import *  # noqa: F403
from convenant.settings import DATABASES, STORAGES

DATABASES["default"]["NAME"] = os.environ["CONVENANT_TEST_DATABASE_NAME"]
STORAGES["import_export"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": os.environ["CONVENANT_TEST_IMPORTS"], "base_url": None},
}
IMPORTS_TEST_PROGRESS_DELAY = float(
    os.environ.get("CONVENANT_IMPORTS_PROGRESS_DELAY", "1")
)
