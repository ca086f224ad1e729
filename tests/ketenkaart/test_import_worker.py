"""A location import through Redis and a real Celery worker that is killed with SIGKILL
while it applies the file: the list is as it was, the import shows as stopped once it
has not moved for IMPORT_STUCK_AFTER, and the person's retry applies it whole. The
worker that is killed is a process of its own on the same test database (PostgreSQL
only), as in tests/convenant/test_report_worker.py."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from convenant.celery import app as celery_app
from ketenkaart import services, tasks
from ketenkaart.models import (
    IMPORT_STUCK_AFTER,
    ImportMode,
    ImportStatus,
    Location,
    LocationImport,
)
from tests.convenant.test_report_worker import wait_for

from .factories import HEADER, YEAR, LocationFactory, LocationListFactory

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real broker)"
    ),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a second process needs PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
ROWS = services.LARGE_FILE_ROWS + 1_000  # large enough to run in the worker


@pytest.fixture
def queue(monkeypatch) -> str:
    name = f"convenant-test-{uuid.uuid4().hex[:12]}"
    task = tasks.import_locations
    monkeypatch.setattr(
        task, "delay", lambda run_id: task.apply_async((run_id,), queue=name)
    )
    return name


@pytest.fixture
def eager_off() -> Iterator[None]:
    conf = celery_app.conf
    saved = {
        key: conf[key] for key in ("task_always_eager", "worker_hijack_root_logger")
    }
    conf.task_always_eager = False
    conf.worker_hijack_root_logger = False
    try:
        yield
    finally:
        for key, value in saved.items():
            conf[key] = value


def _thread_worker(queue: str):
    return start_worker(
        celery_app,
        pool="solo",
        concurrency=1,
        queues=[queue],
        perform_ping_check=False,
        shutdown_timeout=30,
    )


def _large_file() -> bytes:
    lines = [HEADER] + [
        f"Mina {index} S.A.,Camino Minero {index},Calama,,CL,mining,copper,3,"
        f"supplier,M-{index}"
        for index in range(ROWS)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def _status(run_id: int, status: str, mode: str) -> bool:
    return LocationImport.objects.filter(pk=run_id, status=status, mode=mode).exists()


def test_a_worker_killed_while_applying_leaves_the_list_and_the_retry_applies_it(
    eager_off, queue, company, company_person, tmp_path, settings
):
    LocationFactory(
        location_list=LocationListFactory(company=company), supplier_name="Oude Mijn"
    )
    imports = Path(settings.STORAGES["import_export"]["OPTIONS"]["location"])
    with _thread_worker(queue):
        run = services.location_import_start(
            company=company,
            year=YEAR,
            file=ContentFile(_large_file(), name="groot.csv"),
            actor=company_person,
        )
        assert run.in_task
        assert wait_for(lambda: _status(run.pk, ImportStatus.DONE, ImportMode.CHECK))
    run.refresh_from_db()
    assert run.awaits_confirmation

    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "convenant",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "--without-mingle",
            "--without-gossip",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.ketenkaart.import_worker_settings",
            "CONVENANT_TEST_DATABASE_NAME": connection.settings_dict["NAME"],
            "CONVENANT_TEST_IMPORTS": str(imports),
            "CONVENANT_IMPORTS_PROGRESS_DELAY": "2",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        services.location_import_confirm(run=run, actor=company_person)
        assert wait_for(
            lambda: LocationImport.objects.filter(
                pk=run.pk, mode=ImportMode.APPLY, rows_done__gte=2_000
            ).exists()
        ), "the worker did not get half-way"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)

    run.refresh_from_db()
    assert (run.mode, run.status, run.applied_at) == (
        ImportMode.APPLY,
        ImportStatus.RUNNING,
        None,
    )
    assert list(Location.objects.values_list("supplier_name", flat=True)) == [
        "Oude Mijn"
    ]
    assert not run.is_stuck  # not yet: its worker may still be alive
    LocationImport.objects.filter(pk=run.pk).update(
        updated_at=timezone.now() - IMPORT_STUCK_AFTER - dt.timedelta(seconds=1)
    )
    run.refresh_from_db()
    assert run.is_stuck

    with _thread_worker(queue):
        services.location_import_retry(run=run, actor=company_person)
        assert wait_for(lambda: _status(run.pk, ImportStatus.DONE, ImportMode.APPLY)), (
            "the retry did not finish"
        )

    run.refresh_from_db()
    assert run.is_applied
    assert Location.objects.count() == ROWS
    assert not Location.objects.filter(supplier_name="Oude Mijn").exists()
