"""A meeting pack whose worker dies or is overtaken: the pack is whole or absent, never
half-written, and it is built again when its task comes back after it stopped or when a
member asks again. A crash is simulated by an exception that is no Exception (as when
the process is stopped), raised half-way through."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from governance import tasks
from governance.models import MeetingPack, PackKind, PackStatus
from governance.models.packs import STUCK_AFTER
from governance.services import packs as services
from tests.conftest import make_person
from tests.governance.packs_world import make_meeting, standard_agenda, use_pack_storage

pytestmark = pytest.mark.django_db


class WorkerDied(BaseException):
    """The process ends here: no `except Exception` catches it."""


@pytest.fixture(autouse=True)
def _storage(monkeypatch, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return use_pack_storage(monkeypatch, tmp_path)


@pytest.fixture
def member():
    return make_person("kerngroep")


@pytest.fixture
def pack(member) -> MeetingPack:
    """A full pack, queued and not built yet."""
    meeting = make_meeting(creator=make_person("secretariat"))
    standard_agenda(meeting)
    pack, started = services.meeting_pack_start(
        meeting=meeting, kind=PackKind.FULL, actor=member, language="en"
    )
    assert started
    return pack


def crash(*args, **kwargs):
    raise WorkerDied


def pdf_files(pack: MeetingPack) -> list[str]:
    folder = f"packs/{pack.meeting_id}"
    storage = pack.file.storage
    return storage.listdir(folder)[1] if storage.exists(folder) else []


def test_a_worker_dying_while_rendering_leaves_no_file_and_no_ready_pack(
    monkeypatch, pack
):
    monkeypatch.setattr(services, "render_pack", crash)

    with pytest.raises(WorkerDied):
        tasks.build_meeting_pack(pack.pk)

    pack.refresh_from_db()
    assert (pack.status, bool(pack.file)) == (PackStatus.RUNNING, False)
    assert pdf_files(pack) == []


def test_dying_between_saving_the_file_and_recording_it_leaves_no_ready_pack(
    monkeypatch, pack
):
    # The last step inside the transaction that attaches the file.
    monkeypatch.setattr(services, "_forget_older", crash)

    with pytest.raises(WorkerDied):
        tasks.build_meeting_pack(pack.pk)

    pack.refresh_from_db()
    assert (pack.status, pack.file.name, pack.pages) == (PackStatus.RUNNING, "", 0)


def test_the_task_delivered_again_builds_a_pack_that_stopped(monkeypatch, pack):
    real_render = services.render_pack
    monkeypatch.setattr(services, "render_pack", crash)
    with pytest.raises(WorkerDied):
        tasks.build_meeting_pack(pack.pk)
    monkeypatch.setattr(services, "render_pack", real_render)

    # Delivered again at once: the first attempt may still be alive, so it waits.
    assert tasks.build_meeting_pack(pack.pk) == PackStatus.RUNNING
    MeetingPack.objects.filter(pk=pack.pk).update(
        started_at=timezone.now() - STUCK_AFTER - dt.timedelta(minutes=1)
    )

    assert tasks.build_meeting_pack(pack.pk) == PackStatus.DONE

    pack.refresh_from_db()
    assert pack.is_ready
    assert len(pdf_files(pack)) == 1


def test_an_attempt_overtaken_by_a_newer_one_throws_its_file_away(monkeypatch, pack):
    real_render = services.render_pack
    later = timezone.now() + dt.timedelta(minutes=1)

    def render_while_another_takes_over(pack, *, progress):
        rendered = real_render(pack, progress=progress)
        # The pack was given up for dead meanwhile and built anew elsewhere.
        MeetingPack.objects.filter(pk=pack.pk).update(started_at=later)
        return rendered

    monkeypatch.setattr(services, "render_pack", render_while_another_takes_over)

    result = services.meeting_pack_build(pack.pk)

    assert (result.status, result.started_at, result.file.name) == (
        PackStatus.RUNNING,
        later,
        "",
    )
    assert pdf_files(pack) == []


def test_a_failing_overtaken_attempt_does_not_fail_the_newer_one(monkeypatch, pack):
    later = timezone.now() + dt.timedelta(minutes=1)

    def fail_after_losing_the_pack(pack, *, progress):
        MeetingPack.objects.filter(pk=pack.pk).update(started_at=later)
        raise ValueError("out of memory")

    monkeypatch.setattr(services, "render_pack", fail_after_losing_the_pack)

    result = services.meeting_pack_build(pack.pk)

    assert (result.status, result.error_message) == (PackStatus.RUNNING, "")
