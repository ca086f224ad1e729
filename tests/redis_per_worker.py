"""Gives each pytest-xdist worker a Redis database of its own.

Every test clears the cache, and Django's Redis cache clears by emptying the whole Redis
database, which is also Celery's broker. Two workers sharing one database would reset each
other's rate-limit counters and drop each other's queued tasks. Worker gwN therefore uses
database (the one in REDIS_URL) + 1 + N. PostgreSQL needs no such help: pytest-django
already gives each worker a test database of its own.

Loaded with `-p tests.redis_per_worker` (see the Makefile) so that it runs before
pytest-django reads the settings; it does nothing outside xdist or without REDIS_URL.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit, urlunsplit


def redis_url_for_worker(url: str, worker: str) -> str:
    match = re.fullmatch(r"gw(\d+)", worker)
    if not url or match is None:
        return url
    parts = urlsplit(url)
    number = parts.path.lstrip("/")
    database = (int(number) if number.isdigit() else 0) + 1 + int(match.group(1))
    return urlunsplit(parts._replace(path=f"/{database}"))


if os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = redis_url_for_worker(
        os.environ["REDIS_URL"], os.environ.get("PYTEST_XDIST_WORKER", "")
    )
