"""Settings of a separate worker process in tests/convenant/test_report_worker.py: the
project's own, on the test database, with every step of a report made slow so that the
test can kill the worker half-way."""

import os

from convenant.settings import *  # noqa: F403
from convenant.settings import DATABASES

DATABASES["default"]["NAME"] = os.environ["CONVENANT_TEST_DATABASE_NAME"]
REPORTS_TEST_STEP_DELAY = float(os.environ.get("CONVENANT_REPORTS_STEP_DELAY", "1"))
