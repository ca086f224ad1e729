"""The yearly report through Redis and real Celery workers.

Two starts at the same time make one report; a task delivered twice makes one edition;
a worker killed with SIGKILL half-way leaves a run that can be retried, and the retry
finishes. The worker in a thread follows tests/convenant/test_celery_worker.py; the one
that is killed is a process of its own on the same test database (PostgreSQL only: an
SQLite test database lives in this process's memory)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.db import connection, connections

from convenant.celery import app as celery_app
from convenant.reports import services, tasks
from convenant.reports.models import ReportRun, ReportStatus
from tests.conftest import make_person

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real broker)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAIT_SECONDS = 60.0
ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], bool], timeout: float = WAIT_SECONDS) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.fixture
def queue(monkeypatch) -> str:
    """A queue of this test's own; the service's tasks are sent there."""
    name = f"convenant-test-{uuid.uuid4().hex[:12]}"
    task = tasks.build_yearly_report
    monkeypatch.setattr(
        task, "delay", lambda run_id: task.apply_async((run_id,), queue=name)
    )
    return name


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def year(transactional_db):
    from convenant.models import AgreementYear

    return AgreementYear.objects.order_by("number").first()


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


@pytest.fixture
def worker(eager_off, queue) -> Iterator[None]:
    with start_worker(
        celery_app,
        pool="solo",
        concurrency=1,
        queues=[queue],
        perform_ping_check=False,
        shutdown_timeout=30,
    ):
        yield


def _done(run_id: int) -> bool:
    return ReportRun.objects.filter(pk=run_id, status=ReportStatus.DONE).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite locks the whole database against a second writer",
)
def test_two_starts_at_the_same_time_make_one_report(worker, year):
    secretariat = make_person("secretariat")
    barrier = threading.Barrier(2)
    results: list = []
    errors: list = []

    def start() -> None:
        try:
            barrier.wait(timeout=10)
            results.extend(
                services.report_start(
                    year=year, versions=["parties"], actor=secretariat
                )
            )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len({run.pk for run, _started in results}) == 1
    assert sorted(started for _run, started in results) == [False, True]
    (run,) = ReportRun.objects.all()
    assert wait_for(lambda: _done(run.pk)), "the report was not made in time"
    run.refresh_from_db()
    assert run.edition == 1
    assert run.attempts == 1
    assert run.pdf
    assert run.xlsx


def test_a_task_delivered_twice_makes_one_edition(worker, year, queue):
    secretariat = make_person("secretariat")
    ((run, _started),) = services.report_start(
        year=year, versions=["parties"], actor=secretariat
    )

    tasks.build_yearly_report.apply_async((run.pk,), queue=queue)

    assert wait_for(lambda: _done(run.pk))
    time.sleep(1)  # let the second delivery run too
    run.refresh_from_db()
    assert ReportRun.objects.count() == 1
    assert run.attempts == 1
    assert len(list(Path(django_settings.PRIVATE_MEDIA_ROOT).rglob("*.*"))) == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second process needs PostgreSQL"
)
def test_a_worker_killed_half_way_leaves_a_run_that_can_be_retried(
    eager_off, queue, year, settings, tmp_path, monkeypatch
):
    secretariat = make_person("secretariat")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.convenant.report_worker_settings",
        "CONVENANT_TEST_DATABASE_NAME": connection.settings_dict["NAME"],
        "CONVENANT_REPORTS_STEP_DELAY": "2",
        "PRIVATE_MEDIA_ROOT": str(tmp_path),
    }
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
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ((run, _started),) = services.report_start(
            year=year, versions=["parties"], actor=secretariat
        )
        assert wait_for(
            lambda: ReportRun.objects.filter(pk=run.pk, progress__gte=30).exists()
        ), "the worker did not get half-way"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)

    run.refresh_from_db()
    assert run.status == ReportStatus.RUNNING
    assert not run.pdf
    assert not run.xlsx
    assert not run.can_retry  # not yet: its worker may still be alive
    settings.REPORTS_STUCK_AFTER_SECONDS = 1
    time.sleep(1.5)
    run.refresh_from_db()
    assert run.is_stuck
    assert run.can_retry

    with start_worker(
        celery_app,
        pool="solo",
        concurrency=1,
        queues=[queue],
        perform_ping_check=False,
        shutdown_timeout=30,
    ):
        services.report_retry(run=run, actor=secretariat)
        assert wait_for(lambda: _done(run.pk)), "the retry did not finish"

    run.refresh_from_db()
    assert run.attempts == 2
    assert run.edition == 1
    assert run.pdf
    assert run.xlsx
    assert ReportRun.objects.count() == 1
