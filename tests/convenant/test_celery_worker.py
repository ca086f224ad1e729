"""Tasks travel through Redis to a real Celery worker and change the test database.

The worker runs in a thread of this process with the solo pool, so it uses the same
settings, and thus the same test database, as the test. The test commits its rows
(transactional_db) so that the worker's own connection sees them.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from django.utils import timezone

from convenant.celery import app as celery_app
from governance import tasks
from governance.models import Invitation, OrganisationRole
from tests.governance.factories import UserFactory

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real broker)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAIT_SECONDS = 20.0


def wait_for(condition: Callable[[], bool], timeout: float = WAIT_SECONDS) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def queue() -> str:
    """A queue of this test's own, so that no other worker on the same Redis takes its
    messages and no message left over from an earlier run reaches this worker."""
    return f"convenant-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def worker(transactional_db, queue) -> Iterator[None]:
    conf = celery_app.conf
    saved = {
        key: conf[key] for key in ("task_always_eager", "worker_hijack_root_logger")
    }
    # tests/conftest.py switches eager mode on for every test; this one needs the broker.
    conf.task_always_eager = False
    conf.worker_hijack_root_logger = False
    try:
        with start_worker(
            celery_app,
            pool="solo",
            concurrency=1,
            queues=[queue],
            perform_ping_check=False,
            shutdown_timeout=30,
        ):
            yield
    finally:
        for key, value in saved.items():
            conf[key] = value


def _invitation(*, email: str, expires_at: dt.datetime, invited_by) -> Invitation:
    return Invitation.objects.create(
        organisation=invited_by.organisation,
        email=email,
        role=OrganisationRole.MEMBER,
        token_hash=uuid.uuid4().hex,
        invited_by=invited_by,
        created_at=expires_at - dt.timedelta(days=14),
        expires_at=expires_at,
    )


def test_the_worker_expires_invitations_sent_through_redis(worker, queue):
    admin = UserFactory(organisation_role=OrganisationRole.ADMIN)
    now = timezone.now()
    expired = _invitation(
        email="late@example.org",
        expires_at=now - dt.timedelta(hours=1),
        invited_by=admin,
    )
    still_open = _invitation(
        email="early@example.org",
        expires_at=now + dt.timedelta(days=3),
        invited_by=admin,
    )

    result = tasks.expire_invitations.apply_async(queue=queue)

    assert not celery_app.conf.task_always_eager
    assert not isinstance(result, EagerResult)
    assert wait_for(
        lambda: Invitation.objects.filter(
            pk=expired.pk, revoked_at__isnull=False
        ).exists()
    ), f"the worker did not expire the invitation within {WAIT_SECONDS:.0f} s"
    expired.refresh_from_db()
    still_open.refresh_from_db()
    assert expired.revoked_at is not None
    assert expired.accepted_at is None
    assert still_open.revoked_at is None


def test_the_worker_sends_the_invitation_mail(worker, queue, mailoutbox):
    admin = UserFactory(organisation_role=OrganisationRole.ADMIN)
    invitation = _invitation(
        email="new.colleague@example.org",
        expires_at=timezone.now() + dt.timedelta(days=14),
        invited_by=admin,
    )

    tasks.send_invitation.apply_async(
        args=(invitation.pk, "token-from-the-test"), queue=queue
    )

    assert wait_for(lambda: len(mailoutbox) == 1), (
        f"no invitation mail within {WAIT_SECONDS:.0f} s"
    )
    (message,) = mailoutbox
    assert message.to == ["new.colleague@example.org"]
    assert "token-from-the-test" in message.body
